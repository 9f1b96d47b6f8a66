import SwiftletFormat

/// Hybrid (dynamic-range) CONV_2D and DEPTHWISE_CONV_2D, as LiteRT's reference kernels (TFLM
/// refuses these models): float32 activations, int8 symmetric per-channel (or per-tensor)
/// filters, float32 bias. Each batch of the input is quantized to int8 at run time with an
/// asymmetric scale and zero point (`HybridInputQuantization.asymmetric`, as LiteRT does for
/// both operators); each output is `Σ w·(q − zeroPoint)` in int32, times the filter's channel
/// scale and the input scale in float, plus the bias, then the activation. Taps outside the
/// image are skipped (zero padding in the real domain).
///
/// `Conv2D` and `DepthwiseConv2D` hand such models here from their `prepare`; this kernel's op
/// data starts with the byte `tag`, a value their own op data's first field (a kind enum of a
/// few cases) never holds, which is how their `eval` tells the two apart.
enum HybridConvolution {
    /// The first byte of this kernel's op data.
    static var tag: UInt8 { 0xFF }

    struct OpData {
        var tag: UInt8
        var depthwise: Bool
        var batches: Int
        var inputHeight: Int
        var inputWidth: Int
        var inputDepth: Int
        var outputHeight: Int
        var outputWidth: Int
        var outputDepth: Int
        var filterHeight: Int
        var filterWidth: Int
        var strideHeight: Int
        var strideWidth: Int
        var dilationHeight: Int
        var dilationWidth: Int
        var padTop: Int
        var padLeft: Int
        var depthMultiplier: Int
        var floatMin: Float
        var floatMax: Float
        var filterScales: UnsafeMutablePointer<Float>
        var quantizedInput: ScratchHandle
    }

    /// Whether `context`'s op data is this kernel's.
    @inline(__always)
    static func owns(_ context: borrowing EvalContext) -> Bool {
        context.opData!.load(as: UInt8.self) == tag
    }

    /// Prepares the operator if it is hybrid (float input, int8 filter); false otherwise.
    static func prepareIfHybrid(_ context: inout PrepareContext, depthwise: Bool) throws(MicroError) -> Bool {
        guard let input = context.input(0), let filter = context.input(1), input.type == .float32, filter.type == .int8 else { return false }
        let bias = context.input(2)
        let output = try context.requiredOutput(0)
        guard output.type == .float32 else { throw context.unsupported(output) }
        if let bias, bias.type != .float32 { throw context.unsupported(bias) }
        guard input.rank == 4, filter.rank == 4, output.rank == 4 else { throw context.invalid("input, filter and output must be 4-D") }
        let paddingCode: Int8, strideH: Int32, strideW: Int32, dilationH: Int32, dilationW: Int32, activationCode: Int8
        var multiplier = 1
        if depthwise {
            let options = try context.options(DepthwiseConv2DOptions.self)
            (paddingCode, strideH, strideW, dilationH, dilationW, activationCode) = (options.padding, options.strideH, options.strideW,
                                                                                     options.dilationHFactor, options.dilationWFactor, options.fusedActivationFunction)
            multiplier = max(Int(options.depthMultiplier), 1)
        } else {
            let options = try context.options(Conv2DOptions.self)
            (paddingCode, strideH, strideW, dilationH, dilationW, activationCode) = (options.padding, options.strideH, options.strideW,
                                                                                     options.dilationHFactor, options.dilationWFactor, options.fusedActivationFunction)
            // LiteRT's hybrid convolution ignores dilation; refuse rather than differ.
            guard dilationH == 1, dilationW == 1 else { throw .unsupportedFeature("hybrid CONV_2D with dilation") }
        }
        guard let padding = Padding(rawValue: paddingCode), let activation = ActivationFunction(rawValue: activationCode) else {
            throw context.invalid("unknown padding or fused activation")
        }
        guard strideH > 0, strideW > 0, dilationH > 0, dilationW > 0 else { throw context.invalid("strides and dilations must be positive") }
        let batches = input.dimension(0), inputHeight = input.dimension(1), inputWidth = input.dimension(2), inputDepth = input.dimension(3)
        let filterHeight = filter.dimension(1), filterWidth = filter.dimension(2)
        let outputDepth = depthwise ? filter.dimension(3) : filter.dimension(0)
        if depthwise {
            guard filter.dimension(0) == 1, outputDepth == inputDepth * multiplier else { throw context.invalid("the depthwise filter must be [1, kH, kW, inputDepth · multiplier]") }
        } else {
            guard filter.dimension(3) == inputDepth else { throw .unsupportedFeature("hybrid CONV_2D with groups") }
        }
        let outputHeight = WindowPadding.outputSize(padding, input: inputHeight, filter: filterHeight, stride: Int(strideH), dilation: Int(dilationH))
        let outputWidth = WindowPadding.outputSize(padding, input: inputWidth, filter: filterWidth, stride: Int(strideW), dilation: Int(dilationW))
        guard output.dimension(0) == batches, output.dimension(1) == outputHeight, output.dimension(2) == outputWidth,
              output.dimension(3) == outputDepth else { throw context.invalid("input, filter and output shapes do not agree") }
        if let bias, bias.elementCount != outputDepth { throw context.invalid("the bias must have one value per output channel") }
        let scales = filter.scales
        guard scales.count == 1 || scales.count == outputDepth else { throw context.invalid("filter scales must be one or one per output channel") }
        for zeroPoint in filter.zeroPoints where zeroPoint != 0 { throw context.invalid("hybrid convolutions need symmetric filters (zero points 0)") }
        let filterScales = context.allocateArray(Float.self, count: outputDepth).baseAddress!
        for channel in 0..<outputDepth { filterScales[channel] = scales[scales.count == 1 ? 0 : channel] }
        let padTop = (padding == .same ? WindowPadding.padding(stride: Int(strideH), dilation: Int(dilationH), input: inputHeight, filter: filterHeight, output: outputHeight).before : 0)
        let padLeft = (padding == .same ? WindowPadding.padding(stride: Int(strideW), dilation: Int(dilationW), input: inputWidth, filter: filterWidth, output: outputWidth).before : 0)
        let (floatMin, floatMax) = QuantizedMath.activationRange(activation)
        let scratch = context.requestScratch(bytes: inputHeight * inputWidth * inputDepth)
        context.setOpData(OpData(tag: tag, depthwise: depthwise, batches: batches, inputHeight: inputHeight, inputWidth: inputWidth,
                                 inputDepth: inputDepth, outputHeight: outputHeight, outputWidth: outputWidth, outputDepth: outputDepth,
                                 filterHeight: filterHeight, filterWidth: filterWidth, strideHeight: Int(strideH), strideWidth: Int(strideW),
                                 dilationHeight: Int(dilationH), dilationWidth: Int(dilationW), padTop: padTop, padLeft: padLeft,
                                 depthMultiplier: multiplier, floatMin: floatMin, floatMax: floatMax, filterScales: filterScales,
                                 quantizedInput: scratch))
        return true
    }

    static func eval(_ context: borrowing EvalContext) {
        let data = context.opData(as: OpData.self).pointee
        let input = context.input(0, as: Float.self)
        let filter = context.input(1, as: Int8.self)
        let bias = context.input(2).map { UnsafePointer($0.assumingMemoryBound(to: Float.self)) }
        let output = context.output(0, as: Float.self)
        let quantized = context.scratch(data.quantizedInput).assumingMemoryBound(to: Int8.self)
        let imageSize = data.inputHeight * data.inputWidth * data.inputDepth
        let outputImageSize = data.outputHeight * data.outputWidth * data.outputDepth
        for batch in 0..<data.batches {
            let (inputScale, zeroPoint) = HybridInputQuantization.asymmetric(input + batch * imageSize, imageSize, into: quantized)
            let out = output + batch * outputImageSize
            if data.depthwise {
                evalDepthwise(data, UnsafePointer(quantized), zeroPoint, inputScale, filter, bias, out)
            } else {
                evalConvolution(data, UnsafePointer(quantized), zeroPoint, inputScale, filter, bias, out)
            }
        }
    }

    private static func evalConvolution(_ data: OpData, _ input: UnsafePointer<Int8>, _ zeroPoint: Int32, _ inputScale: Float,
                                        _ filter: UnsafePointer<Int8>, _ bias: UnsafePointer<Float>?, _ output: UnsafeMutablePointer<Float>) {
        let depth = data.inputDepth
        let filterSize = data.filterHeight * data.filterWidth * depth
        var out = output
        for outY in 0..<data.outputHeight {
            let originY = outY * data.strideHeight - data.padTop
            for outX in 0..<data.outputWidth {
                let originX = outX * data.strideWidth - data.padLeft
                for channel in 0..<data.outputDepth {
                    let weights = filter + channel * filterSize
                    var accumulator: Int32 = 0
                    for filterY in 0..<data.filterHeight {
                        let y = originY + filterY
                        if y < 0 || y >= data.inputHeight { continue }
                        for filterX in 0..<data.filterWidth {
                            let x = originX + filterX
                            if x < 0 || x >= data.inputWidth { continue }
                            let pixel = input + (y * data.inputWidth + x) * depth
                            let tap = weights + (filterY * data.filterWidth + filterX) * depth
                            for index in 0..<depth { accumulator &+= Int32(tap[index]) &* (Int32(pixel[index]) &- zeroPoint) }
                        }
                    }
                    var value = Float(accumulator) * data.filterScales[channel] * inputScale
                    if let bias { value += bias[channel] }
                    out[channel] = min(max(value, data.floatMin), data.floatMax)
                }
                out += data.outputDepth
            }
        }
    }

    private static func evalDepthwise(_ data: OpData, _ input: UnsafePointer<Int8>, _ zeroPoint: Int32, _ inputScale: Float,
                                      _ filter: UnsafePointer<Int8>, _ bias: UnsafePointer<Float>?, _ output: UnsafeMutablePointer<Float>) {
        let depth = data.inputDepth, outputDepth = data.outputDepth, multiplier = data.depthMultiplier
        var out = output
        for outY in 0..<data.outputHeight {
            let originY = outY * data.strideHeight - data.padTop
            for outX in 0..<data.outputWidth {
                let originX = outX * data.strideWidth - data.padLeft
                for inChannel in 0..<depth {
                    for m in 0..<multiplier {
                        let channel = inChannel * multiplier + m
                        var accumulator: Int32 = 0
                        for filterY in 0..<data.filterHeight {
                            let y = originY + filterY * data.dilationHeight
                            if y < 0 || y >= data.inputHeight { continue }
                            for filterX in 0..<data.filterWidth {
                                let x = originX + filterX * data.dilationWidth
                                if x < 0 || x >= data.inputWidth { continue }
                                let value = Int32(input[(y * data.inputWidth + x) * depth + inChannel]) &- zeroPoint
                                accumulator &+= Int32(filter[(filterY * data.filterWidth + filterX) * outputDepth + channel]) &* value
                            }
                        }
                        var value = Float(accumulator) * (data.filterScales[channel] * inputScale)
                        if let bias { value += bias[channel] }
                        out[channel] = min(max(value, data.floatMin), data.floatMax)
                    }
                }
                out += outputDepth
            }
        }
    }
}
