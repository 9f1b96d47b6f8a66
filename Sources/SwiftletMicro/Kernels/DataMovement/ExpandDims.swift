import SwiftletFormat

/// EXPAND_DIMS: inserts a size-1 dimension at the (constant) axis given by the
/// second input. The elements do not move. Any fixed-size element type.
///
/// Registered with `aliasesInputToOutput` like RESHAPE: `eval` does nothing when
/// the output shares the input's memory.
public enum ExpandDims {
    /// The kernel's registration.
    public static var registration: KernelRegistration {
        KernelRegistration(code: .expandDims, aliasesInputToOutput: true, prepare: prepare, eval: ReshapeLike.eval)
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("EXPAND_DIMS takes an input, an axis and one output") }
        let input = try context.requiredInput(0)
        let axisTensor = try context.requiredInput(1)
        let output = try context.requiredOutput(0)
        guard axisTensor.rank <= 1 else { throw context.invalid("the axis must be a scalar or a one-element vector") }
        guard let axes = ElementMove.constantIndices(axisTensor, in: context) else {
            if axisTensor.type != .int32 && axisTensor.type != .int64 { throw context.unsupported(axisTensor) }
            throw .unsupportedFeature("EXPAND_DIMS with a non-constant axis")
        }
        guard axes.count == 1 else { throw context.invalid("the axis must hold exactly one value") }
        let rank = input.rank
        let axis = axes[0] < 0 ? axes[0] + rank + 1 : axes[0]
        guard axis >= 0, axis <= rank else { throw context.invalid("the axis is out of range") }
        guard output.rank == rank + 1 else { throw context.invalid("the output must have one more dimension than the input") }
        for index in 0..<output.rank {
            let expected = index < axis ? input.dimension(index) : index == axis ? 1 : input.dimension(index - 1)
            guard output.dimension(index) == expected else { throw context.invalid("the output shape is not the input's with a 1 inserted at the axis") }
        }
        try ReshapeLike.prepare(&context, input: input, output: output)
    }
}
