import SwiftletFormat

/// When every tensor of every subgraph is alive, on one timeline for the whole
/// model: subgraph 0 runs in order, and a control-flow operator (IF, WHILE,
/// CALL_ONCE) runs the subgraphs it calls between its entry and its exit.
///
/// Each operator takes one step ("scope"); a control-flow operator takes an
/// entry step, then the steps of the subgraphs it calls (depth first, in the
/// order then/else, cond/body), then an exit step. A subgraph's inputs are alive
/// from the entry of the operator that calls it (the operator writes them
/// there), and its outputs until the subgraph's own exit step. Two tensors whose
/// steps overlap never share memory; tensors of subgraphs that never run at the
/// same time (IF's branches, WHILE's cond and body, a CALL_ONCE initialiser and
/// the rest of the model) may. This is sound because the control-flow kernels
/// copy data in and out of a called subgraph and every call recomputes the
/// subgraph's tensors from its inputs.
///
/// Compared with TFLM's timeline (micro_allocation_info): an IF's or WHILE's
/// inputs die at its entry (the kernels copy them there first), and an IF's
/// outputs are born at its exit, so neither blocks memory during the call; and
/// IF needs no persistent copies of its inputs and outputs.
struct ExecutionTimeline {
    /// Global index of subgraph k's tensor 0 (tensors of all subgraphs are numbered in order).
    var tensorBase: [Int] = []
    /// Tensors in all subgraphs.
    var tensorCount = 0
    /// Global index of subgraph k's operator 0, or -1 if subgraph k never runs.
    var nodeBase: [Int] = []
    /// Operators of the subgraphs that run.
    var nodeCount = 0
    /// Whether subgraph k runs (subgraph 0 and every subgraph a control-flow operator reaches).
    var isReached: [Bool] = []
    /// First and last step each tensor is alive (Int.max / -1 if never).
    var firstUse: [Int] = []
    var lastUse: [Int] = []
    /// Entry and exit step of each node (equal for ordinary operators).
    var entry: [Int] = []
    var exit: [Int] = []
    private var step = 0
    private var visiting: [Bool] = []

    /// The subgraphs an operator calls, in call order (`code` is its builtin operator).
    static func calledSubgraphs(of op: Operator, code: BuiltinOperator) -> (first: Int, second: Int)? {
        switch code {
        case .`if`:
            guard let options = op.options(IfOptions.self) else { return nil }
            return (Int(options.thenSubgraphIndex), Int(options.elseSubgraphIndex))
        case .`while`:
            guard let options = op.options(WhileOptions.self) else { return nil }
            return (Int(options.condSubgraphIndex), Int(options.bodySubgraphIndex))
        case .callOnce:
            guard let options = op.options(CallOnceOptions.self) else { return nil }
            return (Int(options.initSubgraphIndex), -1)
        default:
            return nil
        }
    }

    init(model: Model) throws(MicroError) {
        let subgraphs = model.subgraphs
        for subgraph in subgraphs {
            tensorBase.append(tensorCount)
            tensorCount += subgraph.tensors.count
        }
        isReached = [Bool](repeating: false, count: subgraphs.count)
        visiting = isReached
        try markReached(model: model, 0)
        nodeBase = [Int](repeating: -1, count: subgraphs.count)
        for (index, subgraph) in subgraphs.enumerated() where isReached[index] {
            nodeBase[index] = nodeCount
            nodeCount += subgraph.operators.count
        }
        firstUse = [Int](repeating: Int.max, count: tensorCount)
        lastUse = [Int](repeating: -1, count: tensorCount)
        entry = [Int](repeating: 0, count: nodeCount)
        exit = entry
        visit(model: model, 0, entryStep: 0)
    }

    private mutating func markReached(model: Model, _ index: Int) throws(MicroError) {
        guard !visiting[index] else { throw .unsupportedFeature("a subgraph that calls itself (recursive IF/WHILE/CALL_ONCE)") }
        guard !isReached[index] else { return }
        isReached[index] = true
        visiting[index] = true
        let subgraph = model.subgraphs[index]
        for (opIndex, op) in subgraph.operators.enumerated() {
            let code = model.operatorCode(of: op).builtinCode
            guard code == .`if` || code == .`while` || code == .callOnce else { continue }
            guard let called = Self.calledSubgraphs(of: op, code: code) else {
                throw .invalidOperator(op: code.name ?? "control flow", index: opIndex, reason: "the options naming the called subgraphs are missing")
            }
            for target in [called.first, called.second] where target != -1 {
                guard target >= 1, target < model.subgraphs.count else {
                    throw .invalidOperator(op: code.name ?? "control flow", index: opIndex, reason: "it calls a subgraph the model does not have (or subgraph 0)")
                }
                try markReached(model: model, target)
            }
        }
        visiting[index] = false
    }

    private mutating func use(_ tensor: Int, _ at: Int) {
        firstUse[tensor] = min(firstUse[tensor], at)
        lastUse[tensor] = max(lastUse[tensor], at)
    }

    private mutating func visit(model: Model, _ index: Int, entryStep: Int) {
        let subgraph = model.subgraphs[index]
        let base = tensorBase[index]
        for input in subgraph.inputs where input >= 0 { use(base + Int(input), entryStep) }
        for (opIndex, op) in subgraph.operators.enumerated() {
            step += 1
            let node = nodeBase[index] + opIndex
            let start = step
            entry[node] = start
            let code = model.operatorCode(of: op).builtinCode
            let called = Self.calledSubgraphs(of: op, code: code)
            for input in op.inputs where input >= 0 { use(base + Int(input), start) }
            for intermediate in op.intermediates where intermediate >= 0 { use(base + Int(intermediate), start) }
            if let called {
                for target in [called.first, called.second] where target != -1 {
                    visit(model: model, target, entryStep: start)
                }
                step += 1
                // IF copies its branch's outputs at its exit: they must still be there.
                if code == .`if` {
                    for target in [called.first, called.second] {
                        for output in model.subgraphs[target].outputs where output >= 0 { use(tensorBase[target] + Int(output), step) }
                    }
                }
            }
            exit[node] = step
            for output in op.outputs where output >= 0 {
                // IF writes its outputs at its exit; WHILE at its entry and in every iteration.
                if code != .`if` { use(base + Int(output), start) }
                use(base + Int(output), step)
            }
        }
        step += 1
        for output in subgraph.outputs where output >= 0 { use(base + Int(output), step) }
    }
}
