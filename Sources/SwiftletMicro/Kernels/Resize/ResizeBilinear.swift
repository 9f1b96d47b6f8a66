import SwiftletFormat

/// RESIZE_BILINEAR (NHWC) as TFLite's reference kernels: float32 interpolates in
/// float with TFLite's source coordinates (`x·scale`, or `(x+½)·scale − ½` with
/// half_pixel_centers, clamped neighbours); int8 and int16 use the integer-only
/// variant with 10 fractional bits and round-half-away division by 2²⁰ — bit-exact.
/// Per-row and per-column neighbours and weights are tabulated in `prepare`.
public enum ResizeBilinear {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .resizeBilinear, prepare: prepare, eval: eval) }

    enum Kind { case float32, int8, int16 }

    /// One axis's table entry: the two neighbours and the source coordinate.
    struct Sample {
        var lower: Int
        var upper: Int
        /// Float: the source coordinate. Integer: the coordinate in 1/1024ths (as Float-free Int).
        var position: Float
        var position10: Int64
    }

    struct OpData {
        var kind: Kind
        var geometry: ResizeGeometry
        var rows: UnsafeMutablePointer<Sample>
        var columns: UnsafeMutablePointer<Sample>
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let options = context.op.options(ResizeBilinearOptions.self)
        let g = try ResizeGeometry(context, alignCorners: options?.alignCorners ?? false, halfPixelCenters: options?.halfPixelCenters ?? false)
        let input = try context.requiredInput(0)
        let kind: Kind
        switch input.type {
        case .float32: kind = .float32
        case .int8: kind = .int8
        case .int16: kind = .int16
        default: throw context.unsupported(input)
        }
        let rows = context.allocateArray(Sample.self, count: g.outputHeight)
        let columns = context.allocateArray(Sample.self, count: g.outputWidth)
        for y in 0..<g.outputHeight { rows[y] = sample(y, input: g.inputHeight, output: g.outputHeight, g, integer: kind != .float32) }
        for x in 0..<g.outputWidth { columns[x] = sample(x, input: g.inputWidth, output: g.outputWidth, g, integer: kind != .float32) }
        context.setOpData(OpData(kind: kind, geometry: g, rows: rows.baseAddress!, columns: columns.baseAddress!))
    }

    private static func sample(_ index: Int, input: Int, output: Int, _ g: ResizeGeometry, integer: Bool) -> Sample {
        if integer {
            // Scale in 1/1024ths, rounded to nearest, computed in int32 as TFLite does.
            var scale10 = (1024 * input + output / 2) / output
            if g.alignCorners && output > 1 { scale10 = (1024 * (input - 1) + (output - 1) / 2) / (output - 1) }
            let position = g.halfPixelCenters ? index * scale10 + scale10 / 2 - 512 : index * scale10
            // C division truncates toward zero.
            let lower = max(position / 1024, 0)
            let upper = min((position + 1023) / 1024, input - 1)
            return Sample(lower: lower, upper: upper, position: 0, position10: Int64(position))
        }
        let scale = g.scale(input: input, output: output)
        let position = g.halfPixelCenters ? (Float(index) + 0.5) * scale - 0.5 : Float(index) * scale
        let lower = max(Int(position.rounded(.down)), 0)
        let upper = min(Int(position.rounded(.up)), input - 1)
        return Sample(lower: lower, upper: upper, position: position, position10: 0)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32: interpolateFloat(data, context.input(0, as: Float.self), context.output(0, as: Float.self))
        case .int8: interpolateInteger(data, context.input(0, as: Int8.self), context.output(0, as: Int8.self))
        case .int16: interpolateInteger(data, context.input(0, as: Int16.self), context.output(0, as: Int16.self))
        }
    }

    private static func interpolateFloat(_ data: OpData, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        let g = data.geometry
        let depth = g.depth, row = g.inputWidth * depth, image = g.inputHeight * row
        var destination = output
        for batch in 0..<g.batch {
            let source = input + batch * image
            for y in 0..<g.outputHeight {
                let r = data.rows[y]
                let dy = r.position - Float(r.lower)
                let top = source + r.lower * row, bottom = source + r.upper * row
                for x in 0..<g.outputWidth {
                    let c = data.columns[x]
                    let dx = c.position - Float(c.lower)
                    let p00 = top + c.lower * depth, p10 = bottom + c.lower * depth
                    let p01 = top + c.upper * depth, p11 = bottom + c.upper * depth
                    for channel in 0..<depth {
                        var value = p00[channel] * (1 - dy) * (1 - dx)
                        value += p10[channel] * dy * (1 - dx)
                        value += p01[channel] * (1 - dy) * dx
                        value += p11[channel] * dy * dx
                        destination[channel] = value
                    }
                    destination += depth
                }
            }
        }
    }

    private static func interpolateInteger<Element: FixedWidthInteger>(_ data: OpData, _ input: UnsafePointer<Element>, _ output: UnsafeMutablePointer<Element>) {
        let g = data.geometry
        let depth = g.depth, row = g.inputWidth * depth, image = g.inputHeight * row
        var destination = output
        for batch in 0..<g.batch {
            let source = input + batch * image
            for y in 0..<g.outputHeight {
                let r = data.rows[y]
                let wy1 = r.position10 - 1024 * Int64(r.lower), wy0 = 1024 - wy1
                let top = source + r.lower * row, bottom = source + r.upper * row
                for x in 0..<g.outputWidth {
                    let c = data.columns[x]
                    let wx1 = c.position10 - 1024 * Int64(c.lower), wx0 = 1024 - wx1
                    let p00 = top + c.lower * depth, p10 = bottom + c.lower * depth
                    let p01 = top + c.upper * depth, p11 = bottom + c.upper * depth
                    for channel in 0..<depth {
                        let total = Int64(p00[channel]) * wy0 * wx0 + Int64(p10[channel]) * wy1 * wx0
                            + Int64(p01[channel]) * wy0 * wx1 + Int64(p11[channel]) * wy1 * wx1
                        // Round half away from zero, then C's truncating division by 2²⁰.
                        let rounded = (total + (total > 0 ? 1 << 19 : -(1 << 19))) / (1 << 20)
                        destination[channel] = Element(truncatingIfNeeded: rounded)
                    }
                    destination += depth
                }
            }
        }
    }
}
