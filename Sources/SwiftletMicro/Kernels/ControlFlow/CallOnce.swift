import SwiftletFormat

/// CALL_ONCE: runs its initialiser subgraph (which usually assigns resource
/// variables their first values) in the first `invoke()`, and never again, as in
/// TFLM (`MicroInterpreter.reset()` does not re-arm it).
public enum CallOnce {
    /// The kernel's registration.
    public static var registration: KernelRegistration {
        KernelRegistration(code: .callOnce, prepare: prepare, eval: eval, calledSubgraphs: calledSubgraphs)
    }

    /// The subgraphs the operator calls, for the planner's timeline.
    static func calledSubgraphs(_ op: Operator) -> (first: Int, second: Int)? {
        guard let options = op.options(CallOnceOptions.self) else { return nil }
        return (Int(options.initSubgraphIndex), -1)
    }

    struct OpData {
        var subgraph: Int32
        var hasRun: Bool
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let options = try context.options(CallOnceOptions.self)
        guard context.inputCount == 0, context.outputCount == 0 else { throw context.invalid("CALL_ONCE takes no inputs and no outputs") }
        let index = Int(options.initSubgraphIndex)
        guard index >= 1, index < context.model.subgraphs.count else { throw context.invalid("it names a subgraph the model does not have") }
        context.setOpData(OpData(subgraph: options.initSubgraphIndex, hasRun: false))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self)
        guard !data.pointee.hasRun else { return }
        try context.invokeSubgraph(Int(data.pointee.subgraph))
        data.pointee.hasRun = true
    }
}
