import SwiftletFormat

/// VAR_HANDLE: names a resource variable. The interpreter gives each variable its
/// memory in the arena's persistent tail and makes this operator's output the
/// variable's record, so there is nothing left to do at run time.
public enum VarHandle {
    /// The kernel's registration.
    public static var registration: KernelRegistration {
        var registration = KernelRegistration(code: .varHandle, prepare: prepare, eval: eval)
        registration.planResourceVariables = ResourceVariablePlanner.plan(model:timeline:allocator:)
        return registration
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 0, context.outputCount == 1 else { throw context.invalid("VAR_HANDLE takes no inputs and one output") }
        let output = try context.requiredOutput(0)
        guard output.type == .resource else { throw context.unsupported(output) }
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {}
}
