import SwiftletFormat

/// AVERAGE_POOL_2D: each output is the mean of the input taps its window covers
/// (taps in the padding are left out of both the sum and the count).
/// float32, int8 and int16 (input and output share scale and zero point).
/// Bit-exact with TFLM's reference kernels.
public enum AveragePool2D {
    /// The kernel's registration.
    public static var registration: KernelRegistration {
        KernelRegistration(code: .averagePool2D, prepare: PoolingGeometry.prepareOpData, eval: eval)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let geometry = context.opData(as: PoolingGeometry.self).pointee
        switch geometry.kind {
        case .float32:
            geometry.pool(context.input(0, as: Float.self), context.output(0, as: Float.self),
                          FloatMean(floatMin: geometry.floatMin, floatMax: geometry.floatMax))
        case .int8:
            geometry.pool(context.input(0, as: Int8.self), context.output(0, as: Int8.self),
                          IntegerMean<Int8>(activationMin: geometry.activationMin, activationMax: geometry.activationMax))
        case .int16:
            geometry.pool(context.input(0, as: Int16.self), context.output(0, as: Int16.self),
                          IntegerMean<Int16>(activationMin: geometry.activationMin, activationMax: geometry.activationMax))
        }
    }

    /// float32: the sum over the window's taps divided by their count, clamped.
    struct FloatMean: PoolingReduction {
        var floatMin: Float, floatMax: Float
        @inline(__always) func windowConstant(taps: Int) -> Float { Float(taps) }
        @inline(__always) var initial: Float { 0 }
        @inline(__always) func add(_ total: inout Float, _ tap: Float) { total += tap }
        @inline(__always) func finish(_ total: Float, _ count: Float) -> Float { min(max(total / count, floatMin), floatMax) }
    }

    /// Integers: the int32 sum divided by the tap count, rounding half away from zero, clamped.
    struct IntegerMean<Element: FixedWidthInteger & SignedInteger>: PoolingReduction {
        var activationMin: Int32, activationMax: Int32
        @inline(__always) func windowConstant(taps: Int) -> (count: Int32, half: Int32) {
            let count = Int32(truncatingIfNeeded: taps)
            return (count, count / 2)
        }
        @inline(__always) var initial: Int32 { 0 }
        @inline(__always) func add(_ total: inout Int32, _ tap: Element) { total &+= Int32(truncatingIfNeeded: tap) }
        @inline(__always) func finish(_ total: Int32, _ window: (count: Int32, half: Int32)) -> Element {
            // Round half away from zero, dividing by the taps inside the image.
            let average = total > 0 ? (total &+ window.half) / window.count : (total &- window.half) / window.count
            return Element(truncatingIfNeeded: min(max(average, activationMin), activationMax))
        }
    }
}

/// MAX_POOL_2D: each output is the largest input tap its window covers.
/// float32, int8 and int16 (input and output share scale and zero point).
/// Bit-exact with TFLM's reference kernels.
public enum MaxPool2D {
    /// The kernel's registration.
    public static var registration: KernelRegistration {
        KernelRegistration(code: .maxPool2D, prepare: PoolingGeometry.prepareOpData, eval: eval)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let geometry = context.opData(as: PoolingGeometry.self).pointee
        switch geometry.kind {
        case .float32:
            geometry.pool(context.input(0, as: Float.self), context.output(0, as: Float.self),
                          FloatMaximum(floatMin: geometry.floatMin, floatMax: geometry.floatMax))
        case .int8: maximumInteger(context, Int8.self, geometry)
        case .int16: maximumInteger(context, Int16.self, geometry)
        }
    }

    @inline(__always)
    private static func maximumInteger<Element: FixedWidthInteger & SignedInteger>(
        _ context: borrowing EvalContext, _ type: Element.Type, _ geometry: PoolingGeometry
    ) {
        geometry.pool(context.input(0, as: Element.self), context.output(0, as: Element.self),
                      IntegerMaximum(lowest: Element(truncatingIfNeeded: geometry.activationMin),
                                     highest: Element(truncatingIfNeeded: geometry.activationMax)))
    }

    /// float32: the largest tap, clamped.
    struct FloatMaximum: PoolingReduction {
        var floatMin: Float, floatMax: Float
        @inline(__always) func windowConstant(taps: Int) {}
        @inline(__always) var initial: Float { -Float.greatestFiniteMagnitude }
        @inline(__always) func add(_ largest: inout Float, _ tap: Float) { if tap > largest { largest = tap } }
        @inline(__always) func finish(_ largest: Float, _: Void) -> Float { min(max(largest, floatMin), floatMax) }
    }

    /// Integers: the largest tap, clamped.
    struct IntegerMaximum<Element: FixedWidthInteger & SignedInteger>: PoolingReduction {
        var lowest: Element, highest: Element
        @inline(__always) func windowConstant(taps: Int) {}
        @inline(__always) var initial: Element { Element.min }
        @inline(__always) func add(_ largest: inout Element, _ tap: Element) { if tap > largest { largest = tap } }
        @inline(__always) func finish(_ largest: Element, _: Void) -> Element { min(max(largest, lowest), highest) }
    }
}

/// How a pool reduces one window, channel by channel: `add` each tap (in row,
/// then column order) to `initial`, then `finish` with what `windowConstant`
/// computed once for the window from its tap count.
protocol PoolingReduction {
    associatedtype Element
    associatedtype Accumulator
    associatedtype WindowConstant
    func windowConstant(taps: Int) -> WindowConstant
    var initial: Accumulator { get }
    func add(_ accumulator: inout Accumulator, _ tap: Element)
    func finish(_ accumulator: Accumulator, _ window: WindowConstant) -> Element
}

/// What both 2-D pools precompute in `prepare`: NHWC dimensions, the window,
/// TFLM's padding, and the fused activation's clamp range.
struct PoolingGeometry {
    typealias Kind = NumericKind

    var kind: Kind
    var batches: Int
    var inputHeight: Int
    var inputWidth: Int
    var depth: Int
    var outputHeight: Int
    var outputWidth: Int
    var strideHeight: Int
    var strideWidth: Int
    var filterHeight: Int
    var filterWidth: Int
    var paddingHeight: Int
    var paddingWidth: Int
    var activationMin: Int32
    var activationMax: Int32
    var floatMin: Float
    var floatMax: Float

    /// Eval for both pools: walks every output pixel in order, finds its window
    /// once, and reduces the window's taps channel by channel with `reduction`.
    /// Specialized and inlined per reduction, so the tap loop calls nothing.
    @inline(__always)
    func pool<Reduction: PoolingReduction>(_ input: UnsafePointer<Reduction.Element>,
                                           _ output: UnsafeMutablePointer<Reduction.Element>, _ reduction: Reduction) {
        var output = output
        let rowStride = inputWidth * depth
        for batch in 0..<batches {
            let image = input + batch * inputHeight * rowStride
            for outY in 0..<outputHeight {
                let rows = self.rows(outY)
                for outX in 0..<outputWidth {
                    let columns = self.columns(outX)
                    let window = image + rows.first * rowStride + columns.first * depth
                    let constant = reduction.windowConstant(taps: rows.count * columns.count)
                    for channel in 0..<depth {
                        var accumulator = reduction.initial
                        var row = window + channel
                        for _ in 0..<rows.count {
                            var tap = row
                            for _ in 0..<columns.count {
                                reduction.add(&accumulator, tap.pointee)
                                tap += depth
                            }
                            row += rowStride
                        }
                        output.pointee = reduction.finish(accumulator, constant)
                        output += 1
                    }
                }
            }
        }
    }

    /// The input rows output row `outY`'s window covers: the first one and how many.
    @inline(__always)
    func rows(_ outY: Int) -> (first: Int, count: Int) {
        let origin = outY * strideHeight - paddingHeight
        let start = max(0, -origin), end = min(filterHeight, inputHeight - origin)
        return (origin + start, end - start)
    }

    /// The input columns output column `outX`'s window covers: the first one and how many.
    @inline(__always)
    func columns(_ outX: Int) -> (first: Int, count: Int) {
        let origin = outX * strideWidth - paddingWidth
        let start = max(0, -origin), end = min(filterWidth, inputWidth - origin)
        return (origin + start, end - start)
    }

    /// Both pools' `prepare`: their op data is the geometry.
    static func prepareOpData(_ context: inout PrepareContext) throws(MicroError) {
        context.setOpData(try prepare(&context))
    }

    /// Validates a pooling operator and computes its geometry (TFLM's `PoolingPrepare`).
    static func prepare(_ context: inout PrepareContext) throws(MicroError) -> PoolingGeometry {
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        let options = try context.options(Pool2DOptions.self)
        guard let activation = ActivationFunction(rawValue: options.fusedActivationFunction) else {
            throw context.invalid("unknown fused activation")
        }
        guard let padding = Padding(rawValue: options.padding) else { throw context.invalid("unknown padding") }
        guard input.rank == 4, output.rank == 4 else { throw context.invalid("pooling needs 4-D NHWC input and output") }
        guard input.type == output.type else { throw context.unsupported(output) }
        let kind = try NumericKind(input, context)
        let strideHeight = Int(options.strideH), strideWidth = Int(options.strideW)
        let filterHeight = Int(options.filterHeight), filterWidth = Int(options.filterWidth)
        guard strideHeight > 0, strideWidth > 0, filterHeight > 0, filterWidth > 0 else {
            throw context.invalid("strides and filter sizes must be positive")
        }
        let batches = input.dimension(0), height = input.dimension(1), width = input.dimension(2), depth = input.dimension(3)
        let outputHeight = WindowPadding.outputSize(padding, input: height, filter: filterHeight, stride: strideHeight)
        let outputWidth = WindowPadding.outputSize(padding, input: width, filter: filterWidth, stride: strideWidth)
        guard output.dimension(0) == batches, output.dimension(1) == outputHeight,
              output.dimension(2) == outputWidth, output.dimension(3) == depth
        else { throw context.invalid("the output shape does not match the input, window, strides and padding") }
        let paddingHeight = WindowPadding.padding(stride: strideHeight, dilation: 1, input: height,
                                                  filter: filterHeight, output: outputHeight).before
        let paddingWidth = WindowPadding.padding(stride: strideWidth, dilation: 1, input: width,
                                                 filter: filterWidth, output: outputWidth).before

        var geometry = PoolingGeometry(
            kind: kind, batches: batches, inputHeight: height, inputWidth: width, depth: depth,
            outputHeight: outputHeight, outputWidth: outputWidth, strideHeight: strideHeight, strideWidth: strideWidth,
            filterHeight: filterHeight, filterWidth: filterWidth, paddingHeight: paddingHeight, paddingWidth: paddingWidth,
            activationMin: 0, activationMax: 0, floatMin: 0, floatMax: 0)
        // Window origins grow with the output index, so checking both ends proves
        // every window covers at least one tap (TFLM fails at run time otherwise).
        if outputHeight > 0, outputWidth > 0 {
            guard geometry.rows(0).count > 0, geometry.rows(outputHeight - 1).count > 0,
                  geometry.columns(0).count > 0, geometry.columns(outputWidth - 1).count > 0
            else { throw context.invalid("a pooling window lies entirely in the padding") }
        }

        if kind == .float32 {
            (geometry.floatMin, geometry.floatMax) = QuantizedMath.activationRange(activation)
        } else {
            let scaleDifference = Double(input.scale) - Double(output.scale)
            guard scaleDifference <= 1e-6, scaleDifference >= -1e-6, input.zeroPoint == output.zeroPoint else {
                throw context.invalid("quantized pooling needs the same scale and zero point on input and output")
            }
            let (qmin, qmax) = kind.range
            (geometry.activationMin, geometry.activationMax) = QuantizedMath.activationRange(
                activation, scale: output.scale, zeroPoint: output.zeroPoint, qmin: qmin, qmax: qmax)
        }
        // Eval walks output pixels in order and reads only the current pixel's
        // window while writing it: the output may overlap the input's memory.
        let window = ConvolutionWindow(
            batches: batches, inputHeight: height, inputWidth: width, inputDepth: depth,
            filterHeight: filterHeight, filterWidth: filterWidth,
            outputHeight: outputHeight, outputWidth: outputWidth, outputDepth: depth,
            strideHeight: strideHeight, strideWidth: strideWidth, dilationHeight: 1, dilationWidth: 1,
            paddingTop: paddingHeight, paddingLeft: paddingWidth)
        let pixelBytes = depth * kind.byteWidth
        context.allowOutputOverlap(distance: window.outputOverlapDistance(inputPixelBytes: pixelBytes, outputPixelBytes: pixelBytes))
        return geometry
    }
}
