import SwiftletFormat

/// TRANSPOSE_CONV (the gradient of CONV_2D with respect to its input, used to
/// upsample). Inputs: `output_shape` (int32, ignored as in TFLM: the output
/// tensor's shape is static), filter `[outputDepth, kH, kW, inputDepth]`, input
/// NHWC, optional bias. Each input pixel `(y, x)` spreads `input[b, y, x, i] · filter[o, ky, kx, i]`
/// onto output `(y·sH − padTop + ky, x·sW − padLeft + kx, o)`; padding comes from
/// the output size as for a CONV_2D whose input is this operator's output.
///
/// Computed by gathering: each output value sums its contributions in the order
/// TFLM's scatter adds them (input row, input column, input channel), so float
/// results match TFLM's reference order and integer results are exact. float32;
/// int8 with per-channel (or per-tensor) int8 filters and int32 bias; int16
/// activations with int8 filters and int64 bias.
public enum TransposeConv {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .transposeConv, prepare: prepare, eval: eval) }

    typealias Kind = NumericKind

    static let filterSlot = 1
    static let inputSlot = 2
    static let biasSlot = 3

    struct OpData {
        var kind: Kind
        var window: ConvolutionWindow
        var hasBias: Bool
        var floatMin: Float
        var floatMax: Float
        var requantization: ChannelRequantization
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let operands = try ConvolutionOperands(
            &context, TransposeConvOptions.self, inputSlot: inputSlot, filterSlot: filterSlot, biasSlot: biasSlot,
            rankMessage: "input, filter and output must be 4-D (NHWC, OHWI)",
            hybridMessage: "hybrid (dynamic-range) TRANSPOSE_CONV: quantize the activations too",
            int4Message: nil, int16AcceptsInt32Bias: false)
        let input = operands.input, filter = operands.filter, bias = operands.bias, output = operands.output
        let options = operands.options, padding = operands.padding
        let kind = operands.elements.kind

        let strideHeight = Int(options.strideH), strideWidth = Int(options.strideW)
        guard strideHeight > 0, strideWidth > 0 else { throw context.invalid("strides must be positive") }
        let outputDepth = filter.dimension(0), filterHeight = filter.dimension(1), filterWidth = filter.dimension(2)
        let inputDepth = input.dimension(3)
        guard filter.dimension(3) == inputDepth, output.dimension(3) == outputDepth, output.dimension(0) == input.dimension(0),
              inputDepth > 0, outputDepth > 0
        else { throw context.invalid("input, filter and output shapes do not agree") }
        if let bias, bias.elementCount != outputDepth { throw context.invalid("the bias must have one value per output channel") }
        let outputHeight = output.dimension(1), outputWidth = output.dimension(2)
        // The padding of the forward convolution from this operator's output back to its input.
        let forwardHeight = WindowPadding.outputSize(padding, input: outputHeight, filter: filterHeight, stride: strideHeight)
        let forwardWidth = WindowPadding.outputSize(padding, input: outputWidth, filter: filterWidth, stride: strideWidth)
        let top = WindowPadding.padding(stride: strideHeight, dilation: 1, input: outputHeight, filter: filterHeight, output: forwardHeight)
        let left = WindowPadding.padding(stride: strideWidth, dilation: 1, input: outputWidth, filter: filterWidth, output: forwardWidth)
        let window = ConvolutionWindow(
            batches: input.dimension(0), inputHeight: input.dimension(1), inputWidth: input.dimension(2), inputDepth: inputDepth,
            filterHeight: filterHeight, filterWidth: filterWidth,
            outputHeight: outputHeight, outputWidth: outputWidth, outputDepth: outputDepth,
            strideHeight: strideHeight, strideWidth: strideWidth, dilationHeight: 1, dilationWidth: 1,
            paddingTop: top.before, paddingLeft: left.before)

        var data = OpData(kind: kind, window: window, hasBias: bias != nil, floatMin: 0, floatMax: 0,
                          requantization: ChannelRequantization.none(&context))
        try operands.setOutputRange(&context, floatMin: &data.floatMin, floatMax: &data.floatMax,
                                    requantization: &data.requantization, channels: outputDepth, quantizedDimension: 0)
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32: evalFloat(context, data)
        case .int8: evalInt8(context, data)
        case .int16: evalInt16(context, data)
        }
    }

    /// The input pixels that reach one output pixel, and the filter taps they meet.
    struct Reach {
        /// Element offset of input pixel `(batch, 0, firstColumn)`.
        var image: Int
        /// Input rows `rows.0..<rows.1`; input row `y` meets filter row `targetY − y·sH`.
        var rows: (Int, Int)
        var targetY: Int
        /// Input columns from the first, one per filter column stepping back by `sW`.
        var columns: Int
        /// Element offset, within a filter row, of the first column's tap.
        var firstTap: Int
        /// Element offset of the output pixel.
        var output: Int
    }

    /// Visits each output pixel with the input pixels that reach it, found once.
    @inline(__always)
    private static func forEachPixel(_ w: ConvolutionWindow, _ body: (_ reach: Reach) -> Void) {
        let rowStride = w.inputWidth * w.inputDepth
        for batch in 0..<w.batches {
            for outY in 0..<w.outputHeight {
                let targetY = outY + w.paddingTop
                let rows = ConvolutionWindow.sources(target: targetY, stride: w.strideHeight, size: w.inputHeight, count: w.filterHeight)
                for outX in 0..<w.outputWidth {
                    let targetX = outX + w.paddingLeft
                    let columns = ConvolutionWindow.sources(target: targetX, stride: w.strideWidth, size: w.inputWidth, count: w.filterWidth)
                    body(Reach(image: batch * w.inputHeight * rowStride + columns.0 * w.inputDepth, rows: rows, targetY: targetY,
                               columns: columns.1 - columns.0, firstTap: (targetX - columns.0 * w.strideWidth) * w.inputDepth,
                               output: ((batch * w.outputHeight + outY) * w.outputWidth + outX) * w.outputDepth))
                }
            }
        }
    }

    /// Σ over the reaching input pixels `(y, x)` ascending and input channels
    /// `i` of `term(input[y, x, i], filter[channel, ky, kx, i])`: TFLM's scatter
    /// order for one output value.
    @inline(__always)
    private static func gather<Element, Weight, Accumulator: AdditiveArithmetic>(
        _ input: UnsafePointer<Element>, _ filter: UnsafePointer<Weight>, _ reach: Reach, _ w: ConvolutionWindow, channel: Int,
        _ term: (Element, Weight) -> Accumulator
    ) -> Accumulator {
        let depth = w.inputDepth, rowStride = w.inputWidth * depth, filterRow = w.filterWidth * depth
        let tapStep = w.strideWidth * depth
        let weights = filter + channel * w.filterHeight * filterRow + reach.firstTap
        var total = Accumulator.zero
        for inY in reach.rows.0..<reach.rows.1 {
            var pixel = input + reach.image + inY * rowStride
            var tap = weights + (reach.targetY - inY * w.strideHeight) * filterRow
            for _ in 0..<reach.columns {
                for index in 0..<depth { total += term(pixel[index], tap[index]) }
                pixel += depth
                tap -= tapStep
            }
        }
        return total
    }

    private static func evalFloat(_ context: borrowing EvalContext, _ data: OpData) {
        let input = context.input(inputSlot, as: Float.self)
        let filter = context.input(filterSlot, as: Float.self)
        let bias: UnsafePointer<Float>? = data.hasBias ? context.input(biasSlot, as: Float.self) : nil
        let output = context.output(0, as: Float.self)
        let w = data.window
        let floatMin = data.floatMin, floatMax = data.floatMax
        forEachPixel(w) { reach in floatPixel(input, filter, bias, output, reach, w, floatMin: floatMin, floatMax: floatMax) }
    }

    /// One output pixel, every channel. Not inlined, so that the per-pixel loop
    /// stays small enough for its own callees to inline.
    @inline(never)
    private static func floatPixel(_ input: UnsafePointer<Float>, _ filter: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                                   _ output: UnsafeMutablePointer<Float>, _ reach: Reach, _ w: ConvolutionWindow,
                                   floatMin: Float, floatMax: Float) {
        for channel in 0..<w.outputDepth {
            var total: Float = gather(input, filter, reach, w, channel: channel) { $0 * $1 }
            total += bias?[channel] ?? 0
            output[reach.output + channel] = min(max(total, floatMin), floatMax)
        }
    }

    private static func evalInt8(_ context: borrowing EvalContext, _ data: OpData) {
        let input = context.input(inputSlot, as: Int8.self)
        let filter = context.input(filterSlot, as: Int8.self)
        let bias: UnsafePointer<Int32>? = data.hasBias ? context.input(biasSlot, as: Int32.self) : nil
        let output = context.output(0, as: Int8.self)
        let w = data.window
        let requantization = data.requantization
        forEachPixel(w) { reach in int8Pixel(input, filter, bias, output, reach, w, requantization) }
    }

    @inline(never)
    private static func int8Pixel(_ input: UnsafePointer<Int8>, _ filter: UnsafePointer<Int8>, _ bias: UnsafePointer<Int32>?,
                                  _ output: UnsafeMutablePointer<Int8>, _ reach: Reach, _ w: ConvolutionWindow,
                                  _ requantization: ChannelRequantization) {
        let inputOffset = requantization.inputOffset
        for channel in 0..<w.outputDepth {
            var accumulator: WrappingInt32 = gather(input, filter, reach, w, channel: channel) {
                WrappingInt32((Int32($0) &+ inputOffset) &* Int32($1))
            }
            if let bias { accumulator += WrappingInt32(bias[channel]) }
            output[reach.output + channel] = requantization.int8Output(accumulator.value, channel: channel)
        }
    }

    /// int16 activations: no input offset, int64 accumulators and bias.
    private static func evalInt16(_ context: borrowing EvalContext, _ data: OpData) {
        let input = context.input(inputSlot, as: Int16.self)
        let filter = context.input(filterSlot, as: Int8.self)
        let bias: UnsafePointer<Int64>? = data.hasBias ? context.input(biasSlot, as: Int64.self) : nil
        let output = context.output(0, as: Int16.self)
        let w = data.window
        let requantization = data.requantization
        forEachPixel(w) { reach in int16Pixel(input, filter, bias, output, reach, w, requantization) }
    }

    @inline(never)
    private static func int16Pixel(_ input: UnsafePointer<Int16>, _ filter: UnsafePointer<Int8>, _ bias: UnsafePointer<Int64>?,
                                   _ output: UnsafeMutablePointer<Int16>, _ reach: Reach, _ w: ConvolutionWindow,
                                   _ requantization: ChannelRequantization) {
        for channel in 0..<w.outputDepth {
            var accumulator: WrappingInt64 = gather(input, filter, reach, w, channel: channel) {
                WrappingInt64(Int64(Int32($0) &* Int32($1)))
            }
            if let bias { accumulator += WrappingInt64(bias[channel]) }
            output[reach.output + channel] = requantization.int16Output(accumulator.value, channel: channel)
        }
    }

    /// An int32 sum that wraps (two's complement) instead of trapping, as the C
    /// reference's int32 accumulators do in practice.
    private struct WrappingInt32: AdditiveArithmetic {
        var value: Int32
        init(_ value: Int32) { self.value = value }
        static var zero: WrappingInt32 { WrappingInt32(0) }
        static func + (a: WrappingInt32, b: WrappingInt32) -> WrappingInt32 { WrappingInt32(a.value &+ b.value) }
        static func - (a: WrappingInt32, b: WrappingInt32) -> WrappingInt32 { WrappingInt32(a.value &- b.value) }
    }

    /// An int64 sum that wraps instead of trapping.
    private struct WrappingInt64: AdditiveArithmetic {
        var value: Int64
        init(_ value: Int64) { self.value = value }
        static var zero: WrappingInt64 { WrappingInt64(0) }
        static func + (a: WrappingInt64, b: WrappingInt64) -> WrappingInt64 { WrappingInt64(a.value &+ b.value) }
        static func - (a: WrappingInt64, b: WrappingInt64) -> WrappingInt64 { WrappingInt64(a.value &- b.value) }
    }
}
