import SwiftletFormat

/// RESHAPE: the same elements, in the same order, under the output tensor's shape.
/// The optional second input (the shape tensor) is not needed: the output's
/// shape in the model is authoritative, as in TFLM. Any fixed-size element type.
///
/// Registered with `aliasesInputToOutput`, so when the input dies here the
/// planner gives the output the input's memory and `eval` does nothing.
public enum Reshape {
    /// The kernel's registration.
    public static var registration: KernelRegistration {
        KernelRegistration(code: .reshape, aliasesInputToOutput: true, prepare: prepare, eval: ReshapeLike.eval)
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1 || context.inputCount == 2, context.outputCount == 1 else {
            throw context.invalid("RESHAPE takes an input, an optional shape tensor and one output")
        }
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        if context.inputCount == 1, output.rank == 1, output.dimension(0) == 0 {
            throw .unsupportedFeature("RESHAPE to a legacy [0] scalar shape; re-convert the model")
        }
        try ReshapeLike.prepare(&context, input: input, output: output)
    }
}

/// What RESHAPE, SQUEEZE and EXPAND_DIMS share: the bytes do not change, only
/// the shape does, so `eval` copies the input only when the planner could not
/// put the output in the input's memory.
enum ReshapeLike {
    struct OpData {
        var byteCount: Int
    }

    /// Checks that `input` and `output` hold the same number of elements of one
    /// type and stores the byte count.
    static func prepare(_ context: inout PrepareContext, input: TensorView, output: TensorView) throws(MicroError) {
        guard input.type == output.type else { throw context.unsupported(output) }
        guard input.type.bitsPerElement != nil else { throw context.unsupported(input) }
        guard let inputCount = input.tensor.elementCount, let outputCount = output.tensor.elementCount else {
            throw .unsupportedFeature("tensors with a dynamic (-1) dimension in their stored shape")
        }
        guard inputCount == outputCount else { throw context.invalid("the input and output element counts differ") }
        context.setOpData(OpData(byteCount: input.byteCount))
    }

    /// Copies the input to the output unless they already share memory.
    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let output = context.output(0)
        guard let input = context.input(0), input != output else { return }
        output.copyMemory(from: input, byteCount: context.opData(as: OpData.self).pointee.byteCount)
    }
}
