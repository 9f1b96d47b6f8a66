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

    /// The resolver's control-flow kernels, which say which subgraphs an operator calls.
    private var resolver: OpResolver? = nil

    /// The timeline of `model` as run with `resolver`'s kernels: across subgraphs when a
    /// control-flow kernel is registered (through its registration, so firmware without
    /// control flow links none of that code), else over the main subgraph alone.
    static func of(model: Model, resolver: OpResolver) throws(MicroError) -> ExecutionTimeline {
        if let build = resolver.buildTimeline { return try build(model, resolver) }
        return ExecutionTimeline(mainSubgraphOf: model)
    }

    /// What control-flow registrations hold: `followingCalls`.
    typealias Builder = (Model, OpResolver) throws(MicroError) -> ExecutionTimeline

    /// The main subgraph alone, operator by operator: what `followingCalls` gives for a
    /// model without control flow (`ExecutionTimelineTests` checks they agree).
    init(mainSubgraphOf model: Model) {
        let subgraphs = model.subgraphs
        for subgraph in subgraphs {
            tensorBase.append(tensorCount)
            tensorCount += subgraph.tensors.count
        }
        isReached = [Bool](repeating: false, count: subgraphs.count)
        isReached[0] = true
        nodeBase = [Int](repeating: -1, count: subgraphs.count)
        nodeBase[0] = 0
        let main = subgraphs[0]
        nodeCount = main.operators.count
        firstUse = [Int](repeating: Int.max, count: tensorCount)
        lastUse = [Int](repeating: -1, count: tensorCount)
        entry = [Int](repeating: 0, count: nodeCount)
        for input in main.inputs where input >= 0 { use(Int(input), 0) }
        for (index, op) in main.operators.enumerated() {
            let step = index + 1
            entry[index] = step
            for input in op.inputs where input >= 0 { use(Int(input), step) }
            for intermediate in op.intermediates where intermediate >= 0 { use(Int(intermediate), step) }
            for output in op.outputs where output >= 0 { use(Int(output), step) }
        }
        exit = entry
        for output in main.outputs where output >= 0 { use(Int(output), nodeCount + 1) }
    }

    /// The subgraphs `op` calls, through its registered kernel (nil for an ordinary
    /// operator, or a control-flow operator the resolver lacks: preparing it fails later).
    private func called(_ op: Operator, _ code: BuiltinOperator, index: Int) throws(MicroError) -> (first: Int, second: Int)? {
        guard code == .`if` || code == .`while` || code == .callOnce,
              let resolver, let kernel = resolver.find(code, customName: nil),
              let lookup = resolver.registrations[kernel].calledSubgraphs else { return nil }
        guard let called = lookup(op) else {
            throw .invalidOperator(op: code.name ?? "control flow", index: index, reason: "the options naming the called subgraphs are missing")
        }
        return called
    }

    /// The timeline across subgraphs, following the calls of `resolver`'s control-flow kernels.
    static func followingCalls(model: Model, resolver: OpResolver) throws(MicroError) -> ExecutionTimeline {
        try ExecutionTimeline(model: model, resolver: resolver)
    }

    private init(model: Model, resolver: OpResolver) throws(MicroError) {
        self.resolver = resolver
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
        try visit(model: model, 0, entryStep: 0)
    }

    private mutating func markReached(model: Model, _ index: Int) throws(MicroError) {
        guard !visiting[index] else { throw .unsupportedFeature("a subgraph that calls itself (recursive IF/WHILE/CALL_ONCE)") }
        guard !isReached[index] else { return }
        isReached[index] = true
        visiting[index] = true
        let subgraph = model.subgraphs[index]
        for (opIndex, op) in subgraph.operators.enumerated() {
            let code = model.operatorCode(of: op).builtinCode
            guard let called = try called(op, code, index: opIndex) else { continue }
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

    private mutating func visit(model: Model, _ index: Int, entryStep: Int) throws(MicroError) {
        let subgraph = model.subgraphs[index]
        let base = tensorBase[index]
        for input in subgraph.inputs where input >= 0 { use(base + Int(input), entryStep) }
        for (opIndex, op) in subgraph.operators.enumerated() {
            step += 1
            let node = nodeBase[index] + opIndex
            let start = step
            entry[node] = start
            let code = model.operatorCode(of: op).builtinCode
            let called = try called(op, code, index: opIndex)
            for input in op.inputs where input >= 0 { use(base + Int(input), start) }
            for intermediate in op.intermediates where intermediate >= 0 { use(base + Int(intermediate), start) }
            if let called {
                for target in [called.first, called.second] where target != -1 {
                    try visit(model: model, target, entryStep: start)
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
