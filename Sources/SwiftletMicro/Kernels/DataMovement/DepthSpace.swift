import SwiftletFormat

/// SPACE_TO_DEPTH and DEPTH_TO_SPACE (NHWC): move `block × block` spatial tiles
/// into the channel axis and back — `output[n, h, w, (bh·block + bw)·C + c] =
/// input[n, h·block + bh, w·block + bw, c]` and its inverse. Any fixed-width element
/// type (TFLM: float32, int8). Both are one strided walk over six axes.
public enum DepthSpace {
    /// SPACE_TO_DEPTH's registration.
    public static var spaceToDepthRegistration: KernelRegistration { KernelRegistration(code: .spaceToDepth, prepare: prepareSpaceToDepth, eval: eval) }
    /// DEPTH_TO_SPACE's registration.
    public static var depthToSpaceRegistration: KernelRegistration { KernelRegistration(code: .depthToSpace, prepare: prepareDepthToSpace, eval: eval) }

    struct OpData {
        var width: ElementMove.Width
        var walk: StridedWalk
    }

    static func prepareSpaceToDepth(_ context: inout PrepareContext) throws(MicroError) {
        let (input, output, width, block) = try operands(&context, block: try context.options(SpaceToDepthOptions.self).blockSize)
        let (n, h, w, c) = (input.dimension(0), input.dimension(1), input.dimension(2), input.dimension(3))
        guard h % block == 0, w % block == 0,
              output.dimension(0) == n, output.dimension(1) == h / block, output.dimension(2) == w / block,
              output.dimension(3) == c * block * block else { throw context.invalid("the output shape does not match the block size") }
        // Output order n, h', w', bh, bw, c.
        let counts = [n, h / block, w / block, block, block, c]
        let steps = [h * w * c, block * w * c, block * c, w * c, c, 1]
        try finish(&context, width: width, counts: counts, steps: steps)
    }

    static func prepareDepthToSpace(_ context: inout PrepareContext) throws(MicroError) {
        let (input, output, width, block) = try operands(&context, block: try context.options(DepthToSpaceOptions.self).blockSize)
        let (n, h, w, c) = (input.dimension(0), input.dimension(1), input.dimension(2), input.dimension(3))
        guard c % (block * block) == 0 else { throw context.invalid("the depth does not divide by block²") }
        let depth = c / (block * block)
        guard output.dimension(0) == n, output.dimension(1) == h * block, output.dimension(2) == w * block,
              output.dimension(3) == depth else { throw context.invalid("the output shape does not match the block size") }
        // Output order n, h, bh, w, bw, c'.
        let counts = [n, h, block, w, block, depth]
        let steps = [h * w * c, w * c, block * depth, c, depth, 1]
        try finish(&context, width: width, counts: counts, steps: steps)
    }

    private static func operands(_ context: inout PrepareContext, block: Int32) throws(MicroError) -> (TensorView, TensorView, ElementMove.Width, Int) {
        guard context.inputCount == 1, context.outputCount == 1 else { throw context.invalid("the operator takes one input and one output") }
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard let width = ElementMove.Width(input.type), output.type == input.type else { throw context.unsupported(output) }
        guard input.rank == 4, output.rank == 4 else { throw context.invalid("the input and output must be 4-D (NHWC)") }
        guard block >= 1 else { throw context.invalid("the block size must be positive") }
        return (input, output, width, Int(block))
    }

    private static func finish(_ context: inout PrepareContext, width: ElementMove.Width, counts: [Int], steps: [Int]) throws(MicroError) {
        guard let walk = StridedWalk(base: 0, counts: counts, steps: steps) else { throw context.invalid("too many axes") }
        context.setOpData(OpData(width: width, walk: walk))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        data.walk.run(data.width, from: context.input(0)!, to: context.output(0))
    }
}
