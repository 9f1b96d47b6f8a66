import SwiftletFormat

/// One kernel: the operator it implements and its two phases.
///
/// `prepare` validates types and shapes, precomputes everything `eval` needs
/// (multipliers, dimensions) into op data, and requests scratch memory; it runs
/// once, in `allocateTensors()`. `eval` only computes: no validation, no allocation.
public struct KernelRegistration {
    /// The builtin operator (`.custom` for custom kernels).
    public let code: BuiltinOperator
    /// The custom operator's name, for `.custom`.
    public let customName: StaticString?
    /// Whether output 0 may share input 0's memory (reshape-like operators).
    public let aliasesInputToOutput: Bool
    /// Whether output 0 may be written over an input of exactly its shape and type
    /// that dies at this operator (element-wise operators): `eval` reads element `i`
    /// of every input before writing element `i` of the output and never reads an
    /// input element again after that.
    public let inPlaceElementwise: Bool
    public let prepare: (inout PrepareContext) throws(MicroError) -> Void
    public let eval: (borrowing EvalContext) throws(MicroError) -> Void
    /// Restores the state a stateful kernel keeps in its op data (noise estimates,
    /// ring buffers) to what `prepare` left; `MicroInterpreter.reset()` calls it.
    public let reset: ((UnsafeMutableRawPointer?) -> Void)?
    /// For control-flow kernels (IF, WHILE, CALL_ONCE): the subgraphs an operator calls,
    /// in call order (`second` is -1 when it calls one), or nil when its options are
    /// missing. The planner follows calls only through this, so firmware that registers
    /// no control-flow kernel links none of the code that reads their options.
    public let calledSubgraphs: ((Operator) -> (first: Int, second: Int)?)?
    /// For VAR_HANDLE: gives the model's resource variables their memory. Reached only
    /// through the registration, so it is linked only when VAR_HANDLE is registered.
    var planResourceVariables: ResourceVariablePlanner.Plan? = nil
    /// For control-flow kernels: builds the timeline across subgraphs
    /// (`ExecutionTimeline.followingCalls`). Without one the planner sees the main subgraph alone.
    var buildTimeline: ExecutionTimeline.Builder? = nil

    public init(code: BuiltinOperator, customName: StaticString? = nil, aliasesInputToOutput: Bool = false,
                inPlaceElementwise: Bool = false,
                prepare: @escaping (inout PrepareContext) throws(MicroError) -> Void,
                eval: @escaping (borrowing EvalContext) throws(MicroError) -> Void,
                reset: ((UnsafeMutableRawPointer?) -> Void)? = nil,
                calledSubgraphs: ((Operator) -> (first: Int, second: Int)?)? = nil) {
        self.reset = reset
        self.calledSubgraphs = calledSubgraphs
        if calledSubgraphs != nil {
            buildTimeline = ExecutionTimeline.followingCalls(model:resolver:)
        }
        self.code = code
        self.customName = customName
        self.aliasesInputToOutput = aliasesInputToOutput
        self.inPlaceElementwise = inPlaceElementwise
        self.prepare = prepare
        self.eval = eval
    }
}

/// The kernels an application links: a table from operator code to kernel,
/// built from exactly the registrations given, so firmware contains only those.
public struct OpResolver {
    /// The registered kernels.
    public let registrations: [KernelRegistration]
    /// The resource-variable planner, when VAR_HANDLE is registered.
    let planResourceVariables: ResourceVariablePlanner.Plan?
    /// The timeline builder of the control-flow kernels, when any is registered.
    let buildTimeline: ExecutionTimeline.Builder?

    /// A resolver over `registrations` (later duplicates are ignored).
    public init(_ registrations: [KernelRegistration]) {
        var unique: [KernelRegistration] = []
        for registration in registrations where !unique.contains(where: {
            $0.code == registration.code && Self.sameName($0.customName, registration.customName)
        }) {
            unique.append(registration)
        }
        self.registrations = unique
        planResourceVariables = unique.first { $0.planResourceVariables != nil }?.planResourceVariables
        buildTimeline = unique.first { $0.buildTimeline != nil }?.buildTimeline
    }

    /// The index of the kernel for an operator code, if registered.
    public func find(_ code: BuiltinOperator, customName: FlatString?) -> Int? {
        for (index, registration) in registrations.enumerated() where registration.code == code {
            if code != .custom { return index }
            if let customName, let name = registration.customName, customName.equals(name) { return index }
        }
        return nil
    }

    private static func sameName(_ a: StaticString?, _ b: StaticString?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (a?, b?):
            return a.utf8CodeUnitCount == b.utf8CodeUnitCount
                && UnsafeBufferPointer(start: a.utf8Start, count: a.utf8CodeUnitCount)
                    .elementsEqual(UnsafeBufferPointer(start: b.utf8Start, count: b.utf8CodeUnitCount))
        default: return false
        }
    }
}

/// A scratch buffer a kernel asked for in `prepare`; valid in `eval`.
public struct ScratchHandle {
    // int32: handles are kept in kernels' op data, in the arena.
    @usableFromInline let index32: Int32
    @usableFromInline var index: Int { Int(index32) }
    init(index: Int) { index32 = Int32(truncatingIfNeeded: index) }
}
