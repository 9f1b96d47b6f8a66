import SwiftletFormat

/// SQUEEZE: removes size-1 dimensions (those in `squeeze_dims`, or every one
/// when the list is empty). The elements do not move. Any fixed-size element type.
///
/// Registered with `aliasesInputToOutput` like RESHAPE: `eval` does nothing when
/// the output shares the input's memory.
public enum Squeeze {
    /// The kernel's registration.
    public static var registration: KernelRegistration {
        KernelRegistration(code: .squeeze, aliasesInputToOutput: true, prepare: prepare, eval: ReshapeLike.eval)
    }

    /// The most input dimensions TFLM's SQUEEZE takes.
    static let maxRank = 8

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1, context.outputCount == 1 else { throw context.invalid("SQUEEZE takes one input and one output") }
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        let rank = input.rank
        guard rank <= maxRank else { throw context.invalid("SQUEEZE takes at most 8 input dimensions") }
        if let dims = context.op.options(SqueezeOptions.self)?.squeezeDims {
            for dim in dims {
                let axis = dim < 0 ? Int(dim) + rank : Int(dim)
                guard axis >= 0, axis < rank, input.dimension(axis) == 1 else {
                    throw context.invalid("a squeeze dimension is out of range or not of size 1")
                }
            }
        }
        try ReshapeLike.prepare(&context, input: input, output: output)
    }
}
