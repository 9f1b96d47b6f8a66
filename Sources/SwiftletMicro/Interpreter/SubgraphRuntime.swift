import SwiftletFormat

/// Where one subgraph's operators and tensors are in the interpreter's tables.
struct SubgraphEntry {
    // int32: entries live in the arena (three words on a 32-bit target).
    var firstNode: Int32
    var nodeCount: Int32
    var firstTensor: Int32
}

/// What control-flow kernels (IF, WHILE, CALL_ONCE) use at run time to run other
/// subgraphs: the interpreter's node and tensor tables. It lives in the arena's
/// persistent tail, and only models with more than one subgraph that runs have one.
struct SubgraphRuntime {
    let model: Model
    let nodes: UnsafeMutablePointer<MicroInterpreter.NodeState>
    let subgraphs: UnsafeMutablePointer<SubgraphEntry>
    let tensorData: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    let scratch: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// The resolver's kernels; set while `invoke()` runs.
    var registrations: UnsafePointer<KernelRegistration>? = nil

    /// The same record's size on a 32-bit target, in words (every field is a pointer or an `Int`).
    static let words32 = MemoryLayout<SubgraphRuntime>.size / MemoryLayout<Int>.size

    /// Runs nodes `first ..< first + count` in order.
    static func run(_ runtime: UnsafeMutablePointer<SubgraphRuntime>?, nodes: UnsafeMutablePointer<MicroInterpreter.NodeState>,
                    first: Int, count: Int, scratch: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                    registrations: UnsafePointer<KernelRegistration>) throws(MicroError) {
        for index in first..<(first + count) {
            let node = nodes[index]
            let context = EvalContext(opData: node.opData, pointers: node.pointers, inputCount: node.inputCount,
                                      scratch: scratch, graph: runtime)
            try registrations[node.kernel].eval(context)
        }
    }
}

extension EvalContext {
    /// Runs subgraph `index` once (for control-flow kernels; its inputs must be written first).
    public func invokeSubgraph(_ index: Int) throws(MicroError) {
        guard let graph, let registrations = graph.pointee.registrations else { throw .notAllocated }
        let entry = graph.pointee.subgraphs[index]
        try SubgraphRuntime.run(graph, nodes: graph.pointee.nodes, first: Int(entry.firstNode), count: Int(entry.nodeCount),
                                scratch: graph.pointee.scratch, registrations: registrations)
    }

    /// The memory of input `slot` of subgraph `index`.
    public func subgraphInput(_ index: Int, _ slot: Int) -> UnsafeMutableRawPointer? {
        guard let graph else { return nil }
        let tensor = graph.pointee.model.subgraphs[index].inputs[slot]
        return graph.pointee.tensorData[Int(graph.pointee.subgraphs[index].firstTensor) + Int(tensor)]
    }

    /// The memory of output `slot` of subgraph `index`.
    public func subgraphOutput(_ index: Int, _ slot: Int) -> UnsafeMutableRawPointer? {
        guard let graph else { return nil }
        let tensor = graph.pointee.model.subgraphs[index].outputs[slot]
        return graph.pointee.tensorData[Int(graph.pointee.subgraphs[index].firstTensor) + Int(tensor)]
    }
}

extension PrepareContext {
    /// Checks that the tensors a control-flow kernel copies between are alike: the
    /// operator's tensor `tensor` (in its subgraph) and tensor `other` of subgraph `index`
    /// (which the kernel writes when `written`). Returns the bytes to copy.
    func matchingBytes(_ tensor: Int32, subgraph index: Int, _ other: Int32, written: Bool) throws(MicroError) -> Int32 {
        let ours = subgraph.tensors[Int(tensor)]
        let theirs = model.subgraphs[index].tensors[Int(other)]
        if written, model.data(of: theirs) != nil || theirs.isVariable {
            throw invalid("a called subgraph's input is a constant or variable tensor")
        }
        let bytes = MicroInterpreter.storageBytes(of: ours)
        guard ours.type == theirs.type, bytes == MicroInterpreter.storageBytes(of: theirs) else {
            throw invalid("a tensor passed to or from a called subgraph differs from it in type or size")
        }
        return Int32(truncatingIfNeeded: bytes)
    }
}
