import SwiftletFormat

/// CONV_2D over NHWC activations with an OHWI filter `[outputDepth, kH, kW, inputDepth / groups]`:
/// `output[b, y, x, o] = activation(Σ_{ky, kx, i} input[b, y·sH − padTop + ky·dH, x·sW − padLeft + kx·dW, g·I + i] · filter[o, ky, kx, i] + bias[o])`
/// where `g` is the group of output channel `o` (grouped convolution when the
/// filter's input depth `I` is smaller than the input's). Taps outside the
/// image are zero padding. float32; int8 with per-channel (or per-tensor) int8
/// filters and int32 bias; int16 activations with int8 filters and int64 bias
/// (or int32/no bias, which TFLM accumulates in int32). Bit-exact with TFLM's
/// reference kernels; float sums run in TFLM's order (ky, kx, i).
///
/// Eval copies each output pixel's receptive field into a small arena patch in
/// filter order (padding filled with a value that contributes nothing), then
/// takes one contiguous dot product per output channel, several channels at a
/// time. The only float difference from TFLM's skipped taps would come from a
/// non-finite filter value meeting the padding (0 · ∞).
public enum Conv2D {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .conv2D, prepare: prepare, eval: eval) }

    enum Kind { case float32, int8, int16WithInt64Bias, int16WithInt32Bias }

    struct OpData {
        var kind: Kind
        var hasBias: Bool
        var window: ConvolutionWindow
        // Sizes are stored as int32 (op data lives in the arena) and read as Int.
        var groupDepth32: Int32
        var groups32: Int32
        var filtersPerGroup32: Int32
        var patchSize32: Int32
        /// The filter's input depth (`inputDepth / groups`).
        var groupDepth: Int { Int(groupDepth32) }
        var groups: Int { Int(groups32) }
        var filtersPerGroup: Int { Int(filtersPerGroup32) }
        /// Values in one output channel's filter, and in one receptive-field patch: `kH · kW · groupDepth`.
        var patchSize: Int { Int(patchSize32) }
        var floatMin: Float
        var floatMax: Float
        var requantization: ChannelRequantization
        /// The receptive field of one output pixel and group, copied in filter
        /// order with padding filled in; nil for 1x1 ungrouped filters, whose
        /// patch is the input pixel itself.
        var patch: ScratchHandle?
        /// int8: per channel, `bias + inputOffset · Σ filter` (see `evalInt8`);
        /// computed in prepare when filter and bias are constant.
        var channelBase: UnsafeMutablePointer<Int32>?
        /// int8 with a non-constant filter or bias, or many output pixels: where eval computes `channelBase`.
        var channelBaseScratch: ScratchHandle?
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        if try HybridConvolution.prepareIfHybrid(&context, depthwise: false) { return }
        let operands = try ConvolutionOperands(
            &context, Conv2DOptions.self, inputSlot: 0, filterSlot: 1, biasSlot: 2,
            rankMessage: "input, filter and output must be 4-D (NHWC, OHWI)",
            hybridMessage: "hybrid (dynamic-range) CONV_2D: quantize the activations too",
            int4Message: "CONV_2D with int4 filters", int16AcceptsInt32Bias: true)
        let input = operands.input, filter = operands.filter, bias = operands.bias, output = operands.output
        let kind: Kind
        switch operands.elements {
        case .float32: kind = .float32
        case .int8: kind = .int8
        case .int16(let int64Bias): kind = int64Bias ? .int16WithInt64Bias : .int16WithInt32Bias
        }
        let (strideHeight, strideWidth, dilationHeight, dilationWidth) = try operands.stridesAndDilation(
            context, dilationHeight: operands.options.dilationHFactor, dilationWidth: operands.options.dilationWFactor)
        let inputDepth = input.dimension(3)
        let outputDepth = filter.dimension(0), filterHeight = filter.dimension(1), filterWidth = filter.dimension(2)
        let groupDepth = filter.dimension(3)
        guard groupDepth > 0, inputDepth % groupDepth == 0, outputDepth > 0 else {
            throw context.invalid("the input depth must be a multiple of the filter's input depth")
        }
        let groups = inputDepth / groupDepth
        guard outputDepth % groups == 0 else { throw context.invalid("the output depth must be a multiple of the group count") }
        guard output.dimension(0) == input.dimension(0), output.dimension(3) == outputDepth else {
            throw context.invalid("input, filter and output shapes do not agree")
        }
        if let bias, bias.elementCount != outputDepth { throw context.invalid("the bias must have one value per output channel") }
        let window = try operands.forwardWindow(
            context, filterHeight: filterHeight, filterWidth: filterWidth, outputDepth: outputDepth,
            strideHeight: strideHeight, strideWidth: strideWidth, dilationHeight: dilationHeight, dilationWidth: dilationWidth)
        let outputHeight = window.outputHeight, outputWidth = window.outputWidth

        let patchSize = filterHeight * filterWidth * groupDepth
        var data = OpData(kind: kind, hasBias: bias != nil, window: window, groupDepth32: Int32(truncatingIfNeeded: groupDepth),
                          groups32: Int32(truncatingIfNeeded: groups), filtersPerGroup32: Int32(truncatingIfNeeded: outputDepth / groups),
                          patchSize32: Int32(truncatingIfNeeded: patchSize), floatMin: 0, floatMax: 0,
                          requantization: ChannelRequantization.none(&context), patch: nil, channelBase: nil, channelBaseScratch: nil)
        if filterHeight * filterWidth != 1 || groups != 1 {
            data.patch = context.requestScratch(bytes: patchSize * (kind == .float32 ? 4 : kind == .int8 ? 1 : 2))
        }
        try operands.setOutputRange(&context, floatMin: &data.floatMin, floatMax: &data.floatMax,
                                    requantization: &data.requantization, channels: outputDepth, quantizedDimension: 0)
        if kind == .int8 {
            // The per-channel base is kept in the arena's tail only where eval could not
            // afford to recompute it: with few output pixels, summing the filter again is
            // a large share of the work; with many it is a small one, and the base lives
            // in scratch (head memory that other operators reuse). A few channels' base
            // is kept: its scratch would cost about what it saves.
            let outputPixels = window.batches * outputHeight * outputWidth
            if let weights = filter.data, bias == nil || bias?.data != nil, (outputPixels < Self.recomputedBaseMinimumPixels || outputDepth < 16) {
                let base = context.allocateArray(Int32.self, count: outputDepth)
                fillChannelBase(base.baseAddress!, filter: UnsafePointer(weights.assumingMemoryBound(to: Int8.self)),
                                bias: bias?.data.map { UnsafePointer($0.assumingMemoryBound(to: Int32.self)) },
                                inputOffset: data.requantization.inputOffset, channels: outputDepth, patchSize: patchSize)
                data.channelBase = base.baseAddress!
            } else {
                data.channelBaseScratch = context.requestScratch(bytes: outputDepth * 4)
            }
        }
        // Eval walks output pixels in order, reading each pixel's window (copied
        // to the patch, or read in place for 1x1) before writing the pixel.
        let elementBytes = kind == .float32 ? 4 : kind == .int8 ? 1 : 2
        context.allowOutputOverlap(distance: window.outputOverlapDistance(
            inputPixelBytes: inputDepth * elementBytes, outputPixelBytes: outputDepth * elementBytes))
        context.setOpData(data)
    }

    /// From this many output pixels on, eval recomputes the int8 channel base each
    /// run (at most 1/32 more work than the convolution itself) rather than keeping it.
    static let recomputedBaseMinimumPixels = 32

    /// `base[c] = bias[c] + inputOffset · Σₖ filter[c, k]`, wrapping as int32 does.
    static func fillChannelBase(_ base: UnsafeMutablePointer<Int32>, filter: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?,
                                inputOffset: Int32, channels: Int, patchSize: Int) {
        for channel in 0..<channels {
            var sum: Int32 = 0
            let weights = filter + channel * patchSize
            for index in 0..<patchSize { sum &+= Int32(weights[index]) }
            base[channel] = (bias?[channel] ?? 0) &+ inputOffset &* sum
        }
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        if HybridConvolution.owns(context) { return HybridConvolution.eval(context) }
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32:
            evalFloat(context, data)
        case .int8:
            evalInt8(context, data)
        case .int16WithInt64Bias:
            evalInt16(context, data, bias: data.hasBias ? context.input(2, as: Int64.self) : nil)
        case .int16WithInt32Bias:
            evalInt16(context, data, bias: data.hasBias ? context.input(2, as: Int32.self) : nil)
        }
    }

    /// Visits every output pixel and group with that group's receptive field as
    /// one contiguous patch in filter order `(ky, kx, i)`: copied into `patch`
    /// with out-of-image taps set to `padding` (a value that contributes exactly
    /// nothing), or the input pixel itself for 1x1 ungrouped filters. `body`
    /// gets the patch, the group and the pixel's output offset.
    @inline(__always)
    private static func forEachPatch<Element>(
        _ data: OpData, input: UnsafePointer<Element>, patch: UnsafeMutablePointer<Element>?, padding: Element,
        _ body: (_ patch: UnsafePointer<Element>, _ group: Int, _ outputOffset: Int) -> Void
    ) {
        let w = data.window, depth = data.groupDepth
        let rowStride = w.inputWidth * w.inputDepth, columnStride = w.dilationWidth * w.inputDepth
        let patchRow = w.filterWidth * depth
        // Taps of one filter row are adjacent in the input when they are undilated whole pixels.
        let contiguousRows = w.dilationWidth == 1 && depth == w.inputDepth
        for batch in 0..<w.batches {
            let image = input + batch * w.inputHeight * rowStride
            for outY in 0..<w.outputHeight {
                let originY = outY &* w.strideHeight &- w.paddingTop
                let ky = ConvolutionWindow.taps(origin: originY, dilation: w.dilationHeight, size: w.inputHeight, count: w.filterHeight)
                for outX in 0..<w.outputWidth {
                    let originX = outX &* w.strideWidth &- w.paddingLeft
                    let outputOffset = ((batch &* w.outputHeight &+ outY) &* w.outputWidth &+ outX) &* w.outputDepth
                    guard let patch else {
                        body(image + originY * rowStride + originX * w.inputDepth, 0, outputOffset)
                        continue
                    }
                    let kx = ConvolutionWindow.taps(origin: originX, dilation: w.dilationWidth, size: w.inputWidth, count: w.filterWidth)
                    let before = kx.0 * depth, inside = (kx.1 - kx.0) * depth, after = patchRow - before - inside
                    for group in 0..<data.groups {
                        let groupImage = image + originX * w.inputDepth + group * depth
                        var slot = patch
                        for filterY in 0..<w.filterHeight {
                            guard filterY >= ky.0 && filterY < ky.1 else {
                                slot.update(repeating: padding, count: patchRow)
                                slot += patchRow
                                continue
                            }
                            var pixel = groupImage + (originY + filterY * w.dilationHeight) * rowStride + kx.0 * columnStride
                            slot.update(repeating: padding, count: before)
                            slot += before
                            if contiguousRows {
                                slot.update(from: pixel, count: inside)
                                slot += inside
                            } else {
                                for _ in kx.0..<kx.1 {
                                    slot.update(from: pixel, count: depth)
                                    slot += depth
                                    pixel += columnStride
                                }
                            }
                            slot.update(repeating: padding, count: after)
                            slot += after
                        }
                        body(UnsafePointer(patch), group, outputOffset)
                    }
                }
            }
        }
    }

    /// float32. Padding taps add `0 · w = ±0`, which leaves every sum's bits as
    /// TFLM's (a sum that starts at +0 never becomes −0); each output channel
    /// still sums in TFLM's order (ky, kx, i), four channels side by side.
    private static func evalFloat(_ context: borrowing EvalContext, _ data: OpData) {
        let input = context.input(0, as: Float.self)
        let filter = context.input(1, as: Float.self)
        let bias: UnsafePointer<Float>? = data.hasBias ? context.input(2, as: Float.self) : nil
        let output = context.output(0, as: Float.self)
        var patchBuffer: UnsafeMutablePointer<Float>? = nil
        if let handle = data.patch { patchBuffer = context.scratch(handle).assumingMemoryBound(to: Float.self) }
        let size = data.patchSize, perGroup = data.filtersPerGroup
        let floatMin = data.floatMin, floatMax = data.floatMax
        forEachPatch(data, input: input, patch: patchBuffer, padding: 0) { patch, group, outputOffset in
            floatChannels(patch, filter, bias, output + outputOffset, channels: group * perGroup..<(group + 1) * perGroup,
                          size: size, floatMin: floatMin, floatMax: floatMax)
        }
    }

    /// One output pixel's channels `channels` of a float patch: four filters side
    /// by side (four independent sums, each in order). Not inlined, so that the
    /// per-pixel loop stays small enough for its own callees to inline.
    @inline(never)
    private static func floatChannels(_ patch: UnsafePointer<Float>, _ filter: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                                      _ out: UnsafeMutablePointer<Float>, channels: Range<Int>, size: Int,
                                      floatMin: Float, floatMax: Float) {
        var channel = channels.lowerBound
        let end = channels.upperBound
        while channel + 4 <= end {
            let w0 = filter + channel * size, w1 = w0 + size, w2 = w1 + size, w3 = w2 + size
            var t0: Float = 0, t1: Float = 0, t2: Float = 0, t3: Float = 0
            for k in 0..<size {
                let x = patch[k]
                t0 += x * w0[k]; t1 += x * w1[k]; t2 += x * w2[k]; t3 += x * w3[k]
            }
            if let bias { t0 += bias[channel]; t1 += bias[channel + 1]; t2 += bias[channel + 2]; t3 += bias[channel + 3] }
            out[channel] = min(max(t0, floatMin), floatMax)
            out[channel + 1] = min(max(t1, floatMin), floatMax)
            out[channel + 2] = min(max(t2, floatMin), floatMax)
            out[channel + 3] = min(max(t3, floatMin), floatMax)
            channel += 4
        }
        while channel < end {
            let weights = filter + channel * size
            var total: Float = 0
            for k in 0..<size { total += patch[k] * weights[k] }
            if let bias { total += bias[channel] }
            out[channel] = min(max(total, floatMin), floatMax)
            channel += 1
        }
    }

    /// int8. `Σ w·(x + inputOffset) = Σ w·x + inputOffset·Σ w` in wrapping int32,
    /// so the per-channel second term joins the bias once (`channelBase`) and the
    /// inner loop is a plain int8 dot product. Padding taps hold the input zero
    /// point (`x + inputOffset = 0`), so they contribute nothing, as in TFLM.
    private static func evalInt8(_ context: borrowing EvalContext, _ data: OpData) {
        let input = context.input(0, as: Int8.self)
        let filter = context.input(1, as: Int8.self)
        let output = context.output(0, as: Int8.self)
        var patchBuffer: UnsafeMutablePointer<Int8>? = nil
        if let handle = data.patch { patchBuffer = context.scratch(handle).assumingMemoryBound(to: Int8.self) }
        let requantization = data.requantization
        let size = data.patchSize, perGroup = data.filtersPerGroup
        let base: UnsafePointer<Int32>
        if let constant = data.channelBase {
            base = UnsafePointer(constant)
        } else {
            let scratch = context.scratch(data.channelBaseScratch!).assumingMemoryBound(to: Int32.self)
            fillChannelBase(scratch, filter: filter, bias: data.hasBias ? context.input(2, as: Int32.self) : nil,
                            inputOffset: requantization.inputOffset, channels: data.window.outputDepth, patchSize: size)
            base = UnsafePointer(scratch)
        }
        let padding = Int8(truncatingIfNeeded: -requantization.inputOffset)
        forEachPatch(data, input: input, patch: patchBuffer, padding: padding) { patch, group, outputOffset in
            int8Channels(patch, filter, base, output + outputOffset, channels: group * perGroup..<(group + 1) * perGroup,
                         size: size, requantization)
        }
    }

    /// One output pixel's channels `channels` of an int8 patch, two filters side by side.
    @inline(never)
    private static func int8Channels(_ patch: UnsafePointer<Int8>, _ filter: UnsafePointer<Int8>, _ base: UnsafePointer<Int32>,
                                     _ out: UnsafeMutablePointer<Int8>, channels: Range<Int>, size: Int,
                                     _ requantization: ChannelRequantization) {
        var channel = channels.lowerBound
        let end = channels.upperBound
        while channel + 2 <= end {
            let w0 = filter + channel * size, w1 = w0 + size
            var a0: Int32 = 0, a1: Int32 = 0
            for k in 0..<size {
                let x = Int32(patch[k])
                a0 &+= x &* Int32(w0[k]); a1 &+= x &* Int32(w1[k])
            }
            out[channel] = requantization.int8Output(a0 &+ base[channel], channel: channel)
            out[channel + 1] = requantization.int8Output(a1 &+ base[channel + 1], channel: channel + 1)
            channel += 2
        }
        if channel < end {
            let weights = filter + channel * size
            var accumulator: Int32 = 0
            for k in 0..<size { accumulator &+= Int32(patch[k]) &* Int32(weights[k]) }
            out[channel] = requantization.int8Output(accumulator &+ base[channel], channel: channel)
        }
    }

    /// int16 activations: no input offset (padding is 0); the accumulator is the bias type.
    private static func evalInt16<Accumulator: FixedWidthInteger & SignedInteger>(
        _ context: borrowing EvalContext, _ data: OpData, bias: UnsafePointer<Accumulator>?
    ) {
        let input = context.input(0, as: Int16.self)
        let filter = context.input(1, as: Int8.self)
        let output = context.output(0, as: Int16.self)
        var patchBuffer: UnsafeMutablePointer<Int16>? = nil
        if let handle = data.patch { patchBuffer = context.scratch(handle).assumingMemoryBound(to: Int16.self) }
        let requantization = data.requantization
        let size = data.patchSize, perGroup = data.filtersPerGroup
        forEachPatch(data, input: input, patch: patchBuffer, padding: 0) { patch, group, outputOffset in
            int16Channels(patch, filter, bias, output + outputOffset, channels: group * perGroup..<(group + 1) * perGroup,
                          size: size, requantization)
        }
    }

    /// One output pixel's channels `channels` of an int16 patch.
    @inline(never)
    private static func int16Channels<Accumulator: FixedWidthInteger & SignedInteger>(
        _ patch: UnsafePointer<Int16>, _ filter: UnsafePointer<Int8>, _ bias: UnsafePointer<Accumulator>?,
        _ out: UnsafeMutablePointer<Int16>, channels: Range<Int>, size: Int, _ requantization: ChannelRequantization
    ) {
        for channel in channels {
            let weights = filter + channel * size
            var accumulator: Accumulator = 0
            // Each product fits in int32 (|int8 · int16| < 2^23); the sum is in the accumulator type.
            for k in 0..<size { accumulator &+= Accumulator(truncatingIfNeeded: Int32(patch[k]) &* Int32(weights[k])) }
            if let bias { accumulator &+= bias[channel] }
            out[channel] = requantization.int16Output(accumulator, channel: channel)
        }
    }
}
