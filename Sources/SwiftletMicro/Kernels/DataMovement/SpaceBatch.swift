import SwiftletFormat

/// SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND for 4-D NHWC inputs and 3-D NHC inputs
/// (one spatial axis), with constant block shapes and paddings/crops.
/// SPACE_TO_BATCH_ND pads with zero bits — for int8 that is the value 0, not the
/// zero point, exactly as TFLM's kernel (LiteRT pads with the zero point) — and moves
/// each block offset into its own batch; BATCH_TO_SPACE_ND undoes it and crops. Any
/// fixed-width element type (TFLM: float32, int8).
public enum SpaceBatch {
    /// SPACE_TO_BATCH_ND's registration.
    public static var spaceToBatchRegistration: KernelRegistration { KernelRegistration(code: .spaceToBatchNd, prepare: prepareSpaceToBatch, eval: evalSpaceToBatch) }
    /// BATCH_TO_SPACE_ND's registration.
    public static var batchToSpaceRegistration: KernelRegistration { KernelRegistration(code: .batchToSpaceNd, prepare: prepareBatchToSpace, eval: evalBatchToSpace) }

    /// Both operators' geometry as 4-D NHWC (a 3-D tensor is [N, H, 1, C] with block width 1).
    struct Geometry {
        var batch: Int, height: Int, width: Int, depth: Int
        var blockHeight: Int, blockWidth: Int
        /// Paddings (SPACE_TO_BATCH_ND) or crops (BATCH_TO_SPACE_ND) before each spatial axis.
        var top: Int, left: Int
    }

    struct SpaceToBatchData {
        var width: ElementMove.Width
        var geometry: Geometry
        var outputBatch: Int, outputHeight: Int, outputWidth: Int
    }

    struct BatchToSpaceData {
        var width: ElementMove.Width
        var gather: AxisMapGather
    }

    /// Reads the input, block shape and paddings/crops; returns the geometry and the after-paddings/crops.
    private static func geometry(_ context: inout PrepareContext) throws(MicroError) -> (Geometry, bottom: Int, right: Int, TensorView, TensorView, ElementMove.Width) {
        guard context.inputCount == 3, context.outputCount == 1 else { throw context.invalid("the operator takes an input, a block shape, paddings/crops and one output") }
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard let width = ElementMove.Width(input.type), output.type == input.type else { throw context.unsupported(output) }
        guard input.rank == 3 || input.rank == 4, output.rank == input.rank else { throw context.invalid("the input must be 3-D or 4-D") }
        guard let block = ElementMove.constantIndices(try context.requiredInput(1), in: context),
              let edges = ElementMove.constantIndices(try context.requiredInput(2), in: context) else {
            throw .unsupportedFeature("SPACE_TO_BATCH_ND/BATCH_TO_SPACE_ND with a non-constant block shape, paddings or crops")
        }
        let spatial = input.rank - 2
        guard block.count == spatial, edges.count == 2 * spatial else { throw context.invalid("block shape and paddings/crops need one entry per spatial axis") }
        for value in block where value < 1 { throw context.invalid("block sizes must be positive") }
        for value in edges where value < 0 { throw context.invalid("paddings and crops must not be negative") }
        let fourD = spatial == 2
        let geometry = Geometry(batch: input.dimension(0), height: input.dimension(1), width: fourD ? input.dimension(2) : 1,
                                depth: input.dimension(-1), blockHeight: block[0], blockWidth: fourD ? block[1] : 1,
                                top: edges[0], left: fourD ? edges[2] : 0)
        return (geometry, edges[1], fourD ? edges[3] : 0, input, output, width)
    }

    static func prepareSpaceToBatch(_ context: inout PrepareContext) throws(MicroError) {
        let (g, bottom, right, _, output, width) = try geometry(&context)
        let paddedHeight = g.height + g.top + bottom, paddedWidth = g.width + g.left + right
        guard paddedHeight % g.blockHeight == 0, paddedWidth % g.blockWidth == 0 else { throw context.invalid("the padded size does not divide by the block") }
        let outputBatch = g.batch * g.blockHeight * g.blockWidth
        let outputHeight = paddedHeight / g.blockHeight, outputWidth = paddedWidth / g.blockWidth
        var expected = [outputBatch, outputHeight]
        if output.rank == 4 { expected.append(outputWidth) }
        expected.append(g.depth)
        guard ElementMove.dimensions(output) == expected else { throw context.invalid("the output shape does not match block and paddings") }
        context.setOpData(SpaceToBatchData(width: width, geometry: g, outputBatch: outputBatch, outputHeight: outputHeight,
                                           outputWidth: outputWidth))
    }

    static func evalSpaceToBatch(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: SpaceToBatchData.self).pointee
        let source = UnsafeRawPointer(context.input(0)!), destination = context.output(0)
        switch data.width {
        case .one: spaceToBatch(data, source.assumingMemoryBound(to: UInt8.self), destination.assumingMemoryBound(to: UInt8.self))
        case .two: spaceToBatch(data, source.assumingMemoryBound(to: UInt16.self), destination.assumingMemoryBound(to: UInt16.self))
        case .four: spaceToBatch(data, source.assumingMemoryBound(to: UInt32.self), destination.assumingMemoryBound(to: UInt32.self))
        case .eight: spaceToBatch(data, source.assumingMemoryBound(to: UInt64.self), destination.assumingMemoryBound(to: UInt64.self))
        }
    }

    private static func spaceToBatch<Element: FixedWidthInteger>(_ data: SpaceToBatchData, _ input: UnsafePointer<Element>, _ output: UnsafeMutablePointer<Element>) {
        let g = data.geometry
        let pad: Element = 0
        let depth = g.depth
        let rowElements = g.width * depth, imageElements = g.height * rowElements
        var destination = output
        for outputBatch in 0..<data.outputBatch {
            let inputBatch = outputBatch % g.batch
            let offset = outputBatch / g.batch
            let shiftHeight = offset / g.blockWidth, shiftWidth = offset % g.blockWidth
            for outputRow in 0..<data.outputHeight {
                let row = outputRow * g.blockHeight + shiftHeight - g.top
                if row < 0 || row >= g.height {
                    destination.update(repeating: pad, count: data.outputWidth * depth)
                    destination += data.outputWidth * depth
                    continue
                }
                let sourceRow = input + inputBatch * imageElements + row * rowElements
                for outputColumn in 0..<data.outputWidth {
                    let column = outputColumn * g.blockWidth + shiftWidth - g.left
                    if column < 0 || column >= g.width {
                        destination.update(repeating: pad, count: depth)
                    } else {
                        destination.update(from: sourceRow + column * depth, count: depth)
                    }
                    destination += depth
                }
            }
        }
    }

    static func prepareBatchToSpace(_ context: inout PrepareContext) throws(MicroError) {
        let (g, bottom, right, input, output, width) = try geometry(&context)
        let blocks = g.blockHeight * g.blockWidth
        guard g.batch % blocks == 0 else { throw context.invalid("the batch does not divide by the block") }
        let outputBatch = g.batch / blocks
        let outputHeight = g.height * g.blockHeight - g.top - bottom, outputWidth = g.width * g.blockWidth - g.left - right
        guard outputHeight >= 0, outputWidth >= 0 else { throw context.invalid("the crops are larger than the output") }
        var expected = [outputBatch, outputHeight]
        if input.rank == 4 { expected.append(outputWidth) }
        expected.append(g.depth)
        guard ElementMove.dimensions(output) == expected else { throw context.invalid("the output shape does not match block and crops") }
        let image = g.height * g.width * g.depth
        guard let gather = AxisMapGather(counts: [outputBatch, outputHeight, outputWidth, g.depth], in: &context, offset: { axis, index in
            switch axis {
            case 0: return index * image
            case 1:
                let position = index + g.top
                return (position % g.blockHeight) * g.blockWidth * outputBatch * image + (position / g.blockHeight) * g.width * g.depth
            case 2:
                let position = index + g.left
                return (position % g.blockWidth) * outputBatch * image + (position / g.blockWidth) * g.depth
            default: return index
            }
        }) else { throw context.invalid("too many axes") }
        context.setOpData(BatchToSpaceData(width: width, gather: gather))
    }

    static func evalBatchToSpace(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: BatchToSpaceData.self).pointee
        data.gather.run(data.width, from: context.input(0)!, to: context.output(0))
    }
}
