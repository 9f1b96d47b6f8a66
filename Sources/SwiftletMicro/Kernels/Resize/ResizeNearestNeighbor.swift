import SwiftletFormat

/// RESIZE_NEAREST_NEIGHBOR (NHWC): each output pixel copies the input pixel TFLite's
/// rule picks — `floor((x + o)·scale)` (o = ½ with half_pixel_centers), or
/// `round(x·scale)` with align_corners, clamped into the image. Any fixed-width
/// element type (TFLM: float32, int8, int16). The index tables are built in `prepare`.
public enum ResizeNearestNeighbor {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .resizeNearestNeighbor, prepare: prepare, eval: eval) }

    struct OpData {
        var width: ElementMove.Width
        var gather: AxisMapGather
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let options = context.op.options(ResizeNearestNeighborOptions.self)
        let g = try ResizeGeometry(context, alignCorners: options?.alignCorners ?? false, halfPixelCenters: options?.halfPixelCenters ?? false)
        let input = try context.requiredInput(0)
        guard let width = ElementMove.Width(input.type) else { throw context.unsupported(input) }
        let heightScale = g.scale(input: g.inputHeight, output: g.outputHeight)
        let widthScale = g.scale(input: g.inputWidth, output: g.outputWidth)
        func nearest(_ index: Int, _ size: Int, _ scale: Float) -> Int {
            let offset: Float = g.halfPixelCenters ? 0.5 : 0
            let scaled = (Float(index) + offset) * scale
            var value = min(Int(g.alignCorners ? scaled.rounded() : scaled.rounded(.down)), size - 1)
            if g.halfPixelCenters { value = max(value, 0) }
            return value
        }
        let row = g.inputWidth * g.depth
        guard let gather = AxisMapGather(counts: [g.batch, g.outputHeight, g.outputWidth, g.depth], in: &context, offset: { axis, index in
            switch axis {
            case 0: return index * g.inputHeight * row
            case 1: return nearest(index, g.inputHeight, heightScale) * row
            case 2: return nearest(index, g.inputWidth, widthScale) * g.depth
            default: return index
            }
        }) else { throw context.invalid("too many axes") }
        context.setOpData(OpData(width: width, gather: gather))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        data.gather.run(data.width, from: context.input(0)!, to: context.output(0))
    }
}
