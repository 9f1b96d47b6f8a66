import SwiftletFormat

/// What both resize kernels check: a 4-D NHWC input and output of one type, a
/// constant int32 size `[height, width]` equal to the output's, and the options.
struct ResizeGeometry {
    var batch: Int, inputHeight: Int, inputWidth: Int, depth: Int
    var outputHeight: Int, outputWidth: Int
    var alignCorners: Bool
    var halfPixelCenters: Bool

    init(_ context: PrepareContext, alignCorners: Bool, halfPixelCenters: Bool) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("the resize takes an input, a size and one output") }
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard output.type == input.type else { throw context.unsupported(output) }
        guard input.rank == 4, output.rank == 4 else { throw context.invalid("the input and output must be 4-D (NHWC)") }
        let sizeTensor = try context.requiredInput(1)
        guard sizeTensor.type == .int32 else { throw context.unsupported(sizeTensor) }
        if let size = ElementMove.constantIndices(sizeTensor, in: context) {
            guard size.count == 2, size[0] == output.dimension(1), size[1] == output.dimension(2) else {
                throw context.invalid("the size input and the output shape differ")
            }
        }
        guard !(alignCorners && halfPixelCenters) else { throw context.invalid("align_corners and half_pixel_centers cannot both be set") }
        batch = input.dimension(0)
        inputHeight = input.dimension(1)
        inputWidth = input.dimension(2)
        depth = input.dimension(3)
        outputHeight = output.dimension(1)
        outputWidth = output.dimension(2)
        guard output.dimension(0) == batch, output.dimension(3) == depth, outputHeight > 0, outputWidth > 0,
              inputHeight > 0, inputWidth > 0 else { throw context.invalid("the output must keep the input's batch and depth") }
        self.alignCorners = alignCorners
        self.halfPixelCenters = halfPixelCenters
    }

    /// The input-to-output scale along one axis, in float32 as TFLite computes it.
    func scale(input: Int, output: Int) -> Float {
        alignCorners && output > 1 ? Float(input - 1) / Float(output - 1) : Float(input) / Float(output)
    }
}
