import SwiftletFormat

/// DEPTHWISE_CONV_2D over NHWC activations with a filter `[1, kH, kW, outputDepth]`,
/// `outputDepth = inputDepth · depthMultiplier`: output channel `c·M + m` filters
/// input channel `c` alone,
/// `output[b, y, x, c·M + m] = activation(Σ_{ky, kx} input[b, y·sH − padTop + ky·dH, x·sW − padLeft + kx·dW, c] · filter[0, ky, kx, c·M + m] + bias[c·M + m])`.
/// Taps outside the image are zero padding. float32; int8 with per-channel (or
/// per-tensor) int8 filters and int32 bias; int16 activations with int8 filters
/// and int64 bias. Bit-exact with TFLM's reference kernels; float sums run in
/// TFLM's order (ky, kx).
public enum DepthwiseConv2D {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .depthwiseConv2D, prepare: prepare, eval: eval) }

    typealias Kind = NumericKind

    struct OpData {
        var kind: Kind
        var window: ConvolutionWindow
        var depthMultiplier: Int
        var hasBias: Bool
        var floatMin: Float
        var floatMax: Float
        var requantization: ChannelRequantization
        /// One accumulator per output channel (quantized kinds).
        var accumulators: ScratchHandle?
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        if try HybridConvolution.prepareIfHybrid(&context, depthwise: true) { return }
        let operands = try ConvolutionOperands(
            &context, DepthwiseConv2DOptions.self, inputSlot: 0, filterSlot: 1, biasSlot: 2,
            rankMessage: "input, filter and output must be 4-D (NHWC, 1HWO)",
            hybridMessage: "hybrid (dynamic-range) DEPTHWISE_CONV_2D: quantize the activations too",
            int4Message: "DEPTHWISE_CONV_2D with int4 filters", int16AcceptsInt32Bias: false)
        let input = operands.input, filter = operands.filter, bias = operands.bias, output = operands.output
        let options = operands.options
        let kind = operands.elements.kind
        let (strideHeight, strideWidth, dilationHeight, dilationWidth) = try operands.stridesAndDilation(
            context, dilationHeight: options.dilationHFactor, dilationWidth: options.dilationWFactor)
        let inputDepth = input.dimension(3)
        let filterHeight = filter.dimension(1), filterWidth = filter.dimension(2), outputDepth = filter.dimension(3)
        let depthMultiplier = Int(options.depthMultiplier)
        guard filter.dimension(0) == 1, depthMultiplier > 0, outputDepth == inputDepth * depthMultiplier else {
            throw context.invalid("the filter must be [1, kH, kW, inputDepth · depthMultiplier]")
        }
        guard output.dimension(0) == input.dimension(0), output.dimension(3) == outputDepth else {
            throw context.invalid("input, filter and output shapes do not agree")
        }
        if let bias, bias.elementCount != outputDepth { throw context.invalid("the bias must have one value per output channel") }
        let window = try operands.forwardWindow(
            context, filterHeight: filterHeight, filterWidth: filterWidth, outputDepth: outputDepth,
            strideHeight: strideHeight, strideWidth: strideWidth, dilationHeight: dilationHeight, dilationWidth: dilationWidth)

        var data = OpData(kind: kind, window: window, depthMultiplier: depthMultiplier, hasBias: bias != nil,
                          floatMin: 0, floatMax: 0, requantization: ChannelRequantization.none(&context), accumulators: nil)
        try operands.setOutputRange(&context, floatMin: &data.floatMin, floatMax: &data.floatMax,
                                    requantization: &data.requantization, channels: outputDepth, quantizedDimension: 3)
        // Float sums accumulate in the output pixel itself: no scratch.
        if kind != .float32 { data.accumulators = context.requestScratch(bytes: outputDepth * (kind == .int8 ? 4 : 8)) }
        // Eval walks output pixels in order and reads only the current pixel's
        // window before or while writing that pixel (float sums live in the pixel).
        let elementBytes = kind.byteWidth
        context.allowOutputOverlap(distance: window.outputOverlapDistance(
            inputPixelBytes: inputDepth * elementBytes, outputPixelBytes: outputDepth * elementBytes))
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        if HybridConvolution.owns(context) { return HybridConvolution.eval(context) }
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32: evalFloat(context, data)
        case .int8: evalInt8(context, data)
        case .int16: evalInt16(context, data)
        }
    }

    /// Visits each output pixel with its in-image filter window found once:
    /// rows `ky.0..<ky.1`, columns `kx.0..<kx.1`. `start` clears the pixel's
    /// sums; `tap(pixel, filterOffset, outputOffset)` runs for each tap in
    /// (ky, kx) order with the input pixel's channels and the offset of that
    /// tap's `outputDepth` filter values; `finish` then writes the pixel.
    @inline(__always)
    private static func forEachPixel<Element>(
        _ w: ConvolutionWindow, _ input: UnsafePointer<Element>,
        start: (_ outputOffset: Int) -> Void,
        tap: (_ pixel: UnsafePointer<Element>, _ filterOffset: Int, _ outputOffset: Int) -> Void,
        finish: (_ outputOffset: Int) -> Void
    ) {
        let rowStride = w.inputWidth * w.inputDepth, columnStride = w.dilationWidth * w.inputDepth
        for batch in 0..<w.batches {
            let image = input + batch * w.inputHeight * rowStride
            for outY in 0..<w.outputHeight {
                let originY = outY * w.strideHeight - w.paddingTop
                let ky = ConvolutionWindow.taps(origin: originY, dilation: w.dilationHeight, size: w.inputHeight, count: w.filterHeight)
                for outX in 0..<w.outputWidth {
                    let originX = outX * w.strideWidth - w.paddingLeft
                    let kx = ConvolutionWindow.taps(origin: originX, dilation: w.dilationWidth, size: w.inputWidth, count: w.filterWidth)
                    let outputOffset = ((batch * w.outputHeight + outY) * w.outputWidth + outX) * w.outputDepth
                    start(outputOffset)
                    for filterY in ky.0..<ky.1 {
                        var pixel = image + (originY + filterY * w.dilationHeight) * rowStride + (originX + kx.0 * w.dilationWidth) * w.inputDepth
                        var filterOffset = (filterY * w.filterWidth + kx.0) * w.outputDepth
                        for _ in kx.0..<kx.1 {
                            tap(pixel, filterOffset, outputOffset)
                            pixel += columnStride
                            filterOffset += w.outputDepth
                        }
                    }
                    finish(outputOffset)
                }
            }
        }
    }

    private static func evalFloat(_ context: borrowing EvalContext, _ data: OpData) {
        let input = context.input(0, as: Float.self)
        let filter = context.input(1, as: Float.self)
        let bias: UnsafePointer<Float>? = data.hasBias ? context.input(2, as: Float.self) : nil
        let output = context.output(0, as: Float.self)
        let w = data.window
        let depth = w.inputDepth, outputDepth = w.outputDepth, multiplier = data.depthMultiplier
        let floatMin = data.floatMin, floatMax = data.floatMax
        forEachPixel(w, input, start: { outputOffset in
            (output + outputOffset).update(repeating: 0, count: outputDepth)
        }, tap: { pixel, filterOffset, outputOffset in
            let weights = filter + filterOffset, sums = output + outputOffset
            if multiplier == 1 {
                for channel in 0..<depth { sums[channel] += pixel[channel] * weights[channel] }
            } else {
                for channel in 0..<depth {
                    let value = pixel[channel], base = channel * multiplier
                    for m in 0..<multiplier { sums[base + m] += value * weights[base + m] }
                }
            }
        }, finish: { outputOffset in
            let sums = output + outputOffset
            for channel in 0..<outputDepth {
                let total = sums[channel] + (bias?[channel] ?? 0)
                sums[channel] = min(max(total, floatMin), floatMax)
            }
        })
    }

    private static func evalInt8(_ context: borrowing EvalContext, _ data: OpData) {
        let input = context.input(0, as: Int8.self)
        let filter = context.input(1, as: Int8.self)
        let bias: UnsafePointer<Int32>? = data.hasBias ? context.input(2, as: Int32.self) : nil
        let output = context.output(0, as: Int8.self)
        let sums = context.scratch(data.accumulators!).assumingMemoryBound(to: Int32.self)
        let w = data.window
        let depth = w.inputDepth, outputDepth = w.outputDepth, multiplier = data.depthMultiplier
        let requantization = data.requantization
        let inputOffset = requantization.inputOffset
        forEachPixel(w, input, start: { _ in
            sums.update(repeating: 0, count: outputDepth)
        }, tap: { pixel, filterOffset, _ in
            let weights = filter + filterOffset
            if multiplier == 1 {
                for channel in 0..<depth { sums[channel] &+= Int32(weights[channel]) &* (Int32(pixel[channel]) &+ inputOffset) }
            } else {
                for channel in 0..<depth {
                    let value = Int32(pixel[channel]) &+ inputOffset, base = channel * multiplier
                    for m in 0..<multiplier { sums[base + m] &+= Int32(weights[base + m]) &* value }
                }
            }
        }, finish: { outputOffset in
            finishInt8(sums, bias, output + outputOffset, count: outputDepth, requantization)
        })
    }

    /// Adds the bias to one pixel's sums and requantizes them. Not inlined, so
    /// that the per-pixel loop stays small enough for its own callees to inline.
    @inline(never)
    private static func finishInt8(_ sums: UnsafePointer<Int32>, _ bias: UnsafePointer<Int32>?, _ pixel: UnsafeMutablePointer<Int8>,
                                   count: Int, _ requantization: ChannelRequantization) {
        for channel in 0..<count {
            var accumulator = sums[channel]
            if let bias { accumulator &+= bias[channel] }
            pixel[channel] = requantization.int8Output(accumulator, channel: channel)
        }
    }

    /// int16 activations: no input offset, int64 accumulators and bias.
    private static func evalInt16(_ context: borrowing EvalContext, _ data: OpData) {
        let input = context.input(0, as: Int16.self)
        let filter = context.input(1, as: Int8.self)
        let bias: UnsafePointer<Int64>? = data.hasBias ? context.input(2, as: Int64.self) : nil
        let output = context.output(0, as: Int16.self)
        let sums = context.scratch(data.accumulators!).assumingMemoryBound(to: Int64.self)
        let w = data.window
        let depth = w.inputDepth, outputDepth = w.outputDepth, multiplier = data.depthMultiplier
        let requantization = data.requantization
        forEachPixel(w, input, start: { _ in
            sums.update(repeating: 0, count: outputDepth)
        }, tap: { pixel, filterOffset, _ in
            let weights = filter + filterOffset
            if multiplier == 1 {
                for channel in 0..<depth { sums[channel] &+= Int64(Int32(weights[channel]) &* Int32(pixel[channel])) }
            } else {
                for channel in 0..<depth {
                    let value = Int32(pixel[channel]), base = channel * multiplier
                    for m in 0..<multiplier { sums[base + m] &+= Int64(Int32(weights[base + m]) &* value) }
                }
            }
        }, finish: { outputOffset in
            finishInt16(sums, bias, output + outputOffset, count: outputDepth, requantization)
        })
    }

    /// Adds the bias to one pixel's int64 sums and requantizes them.
    @inline(never)
    private static func finishInt16(_ sums: UnsafePointer<Int64>, _ bias: UnsafePointer<Int64>?, _ pixel: UnsafeMutablePointer<Int16>,
                                    count: Int, _ requantization: ChannelRequantization) {
        for channel in 0..<count {
            var accumulator = sums[channel]
            if let bias { accumulator &+= bias[channel] }
            pixel[channel] = requantization.int16Output(accumulator, channel: channel)
        }
    }
}
