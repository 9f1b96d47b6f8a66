import SwiftletFormat

/// WHILE: runs the `cond` subgraph on the loop values and, while its bool output
/// is true, the `body` subgraph, whose outputs become the next loop values. The
/// operator's outputs hold the loop values throughout (as in TFLM: inputs are
/// copied to the outputs, each iteration copies the outputs into the called
/// subgraph's inputs and the body's outputs back).
public enum While {
    /// The kernel's registration.
    public static var registration: KernelRegistration {
        KernelRegistration(code: .`while`, prepare: prepare, eval: eval, calledSubgraphs: calledSubgraphs)
    }

    /// The subgraphs the operator calls, for the planner's timeline.
    static func calledSubgraphs(_ op: Operator) -> (first: Int, second: Int)? {
        guard let options = op.options(WhileOptions.self) else { return nil }
        return (Int(options.condSubgraphIndex), Int(options.bodySubgraphIndex))
    }

    struct OpData {
        var condIndex: Int32
        var bodyIndex: Int32
        var count: Int32
        /// Bytes of every loop value.
        var bytes: UnsafeMutablePointer<Int32>
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let options = try context.options(WhileOptions.self)
        let cond = Int(options.condSubgraphIndex), body = Int(options.bodySubgraphIndex)
        let count = context.inputCount
        guard context.outputCount == count else { throw context.invalid("WHILE needs as many outputs as inputs") }
        for index in [cond, body] {
            guard index >= 1, index < context.model.subgraphs.count else { throw context.invalid("cond or body names a subgraph the model does not have") }
        }
        let condGraph = context.model.subgraphs[cond], bodyGraph = context.model.subgraphs[body]
        guard condGraph.inputs.count == count, bodyGraph.inputs.count == count, bodyGraph.outputs.count == count else {
            throw context.invalid("the cond and body subgraphs must take (and the body return) the loop values")
        }
        guard condGraph.outputs.count >= 1 else { throw context.invalid("the cond subgraph has no output") }
        let flag = condGraph.tensors[Int(condGraph.outputs[0])]
        guard flag.type == .bool, flag.elementCount == 1 else { throw context.invalid("the cond subgraph must return a single bool") }
        let bytes = context.allocateArray(Int32.self, count: max(count, 1))
        for slot in 0..<count {
            guard context.op.inputs[slot] >= 0 else { throw context.invalid("an input is missing") }
            let size = try context.matchingBytes(context.op.inputs[slot], subgraph: cond, condGraph.inputs[slot], written: true)
            guard try context.matchingBytes(context.op.inputs[slot], subgraph: body, bodyGraph.inputs[slot], written: true) == size,
                  try context.matchingBytes(context.op.outputs[slot], subgraph: body, bodyGraph.outputs[slot], written: false) == size else {
                throw context.invalid("a loop value changes size")
            }
            bytes[slot] = size
        }
        context.setOpData(OpData(condIndex: options.condSubgraphIndex, bodyIndex: options.bodySubgraphIndex,
                                 count: Int32(count), bytes: bytes.baseAddress!))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let cond = Int(data.condIndex), body = Int(data.bodyIndex), count = Int(data.count)
        for slot in 0..<count {
            ControlFlowCopy.copy(from: context.input(slot), to: context.subgraphInput(cond, slot), bytes: data.bytes[slot])
            ControlFlowCopy.copy(from: context.input(slot), to: context.output(slot), bytes: data.bytes[slot])
        }
        try context.invokeSubgraph(cond)
        while context.subgraphOutput(cond, 0)!.load(as: UInt8.self) != 0 {
            for slot in 0..<count {
                ControlFlowCopy.copy(from: context.output(slot), to: context.subgraphInput(body, slot), bytes: data.bytes[slot])
            }
            try context.invokeSubgraph(body)
            for slot in 0..<count {
                ControlFlowCopy.copy(from: context.subgraphOutput(body, slot), to: context.output(slot), bytes: data.bytes[slot])
            }
            for slot in 0..<count {
                ControlFlowCopy.copy(from: context.output(slot), to: context.subgraphInput(cond, slot), bytes: data.bytes[slot])
            }
            try context.invokeSubgraph(cond)
        }
    }
}
