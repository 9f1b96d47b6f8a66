import SwiftletFormat

/// IF: runs the `then` subgraph when the bool input 0 is true, else the `else`
/// subgraph, on inputs 1…n; the branch's outputs become the operator's outputs.
///
/// The planner keeps the operator's inputs alive until its entry and its outputs
/// from the end of the branch, so the inputs are copied straight into the branch
/// and the results straight out: no persistent staging copies (TFLM keeps two).
public enum If {
    /// The kernel's registration.
    public static var registration: KernelRegistration {
        KernelRegistration(code: .`if`, prepare: prepare, eval: eval, calledSubgraphs: calledSubgraphs)
    }

    /// The subgraphs the operator calls, for the planner's timeline.
    static func calledSubgraphs(_ op: Operator) -> (first: Int, second: Int)? {
        guard let options = op.options(IfOptions.self) else { return nil }
        return (Int(options.thenSubgraphIndex), Int(options.elseSubgraphIndex))
    }

    struct OpData {
        var thenIndex: Int32
        var elseIndex: Int32
        var inputCount: Int32
        var outputCount: Int32
        /// Bytes of inputs 1…n, then of every output.
        var bytes: UnsafeMutablePointer<Int32>
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let options = try context.options(IfOptions.self)
        guard context.inputCount >= 1 else { throw context.invalid("IF needs a condition input") }
        let condition = try context.requiredInput(0)
        guard condition.type == .bool else { throw context.unsupported(condition) }
        guard condition.elementCount == 1 else { throw context.invalid("the condition must be a single bool") }
        let branches = [Int(options.thenSubgraphIndex), Int(options.elseSubgraphIndex)]
        let inputs = context.inputCount - 1, outputs = context.outputCount
        let bytes = context.allocateArray(Int32.self, count: max(inputs + outputs, 1))
        for branch in branches {
            guard branch >= 1, branch < context.model.subgraphs.count else { throw context.invalid("a branch names a subgraph the model does not have") }
            let graph = context.model.subgraphs[branch]
            guard graph.inputs.count == inputs, graph.outputs.count == outputs else {
                throw context.invalid("a branch's inputs and outputs do not match the operator's")
            }
            for slot in 0..<inputs {
                guard context.op.inputs[slot + 1] >= 0 else { throw context.invalid("an input is missing") }
                bytes[slot] = try context.matchingBytes(context.op.inputs[slot + 1], subgraph: branch, graph.inputs[slot], written: true)
            }
            for slot in 0..<outputs {
                bytes[inputs + slot] = try context.matchingBytes(context.op.outputs[slot], subgraph: branch, graph.outputs[slot], written: false)
            }
        }
        context.setOpData(OpData(thenIndex: options.thenSubgraphIndex, elseIndex: options.elseSubgraphIndex,
                                 inputCount: Int32(inputs), outputCount: Int32(outputs), bytes: bytes.baseAddress!))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let condition = context.input(0, as: UInt8.self)[0] != 0
        let branch = Int(condition ? data.thenIndex : data.elseIndex)
        let inputs = Int(data.inputCount)
        for slot in 0..<inputs {
            ControlFlowCopy.copy(from: context.input(slot + 1), to: context.subgraphInput(branch, slot), bytes: data.bytes[slot])
        }
        try context.invokeSubgraph(branch)
        for slot in 0..<Int(data.outputCount) {
            ControlFlowCopy.copy(from: context.subgraphOutput(branch, slot), to: context.output(slot), bytes: data.bytes[inputs + slot])
        }
    }
}

/// Copies between the tensors of a control-flow operator and of the subgraphs it calls.
enum ControlFlowCopy {
    @inline(__always)
    static func copy(from source: UnsafeMutableRawPointer?, to destination: UnsafeMutableRawPointer?, bytes: Int32) {
        guard let source, let destination, source != destination, bytes > 0 else { return }
        destination.copyMemory(from: source, byteCount: Int(bytes))
    }
}
