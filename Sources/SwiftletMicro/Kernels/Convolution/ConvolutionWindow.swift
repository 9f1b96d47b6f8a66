import SwiftletFormat

/// The geometry the convolution kernels share: NHWC activation sizes, the
/// filter window, strides, dilation and the padding before the first row and
/// column (computed in prepare the way TFLM's `ComputePaddingHeightWidth` does).
struct ConvolutionWindow {
    // Stored as int32 (op data lives in the arena, and every size fits); read as Int.
    private let batches32: Int32
    private let inputHeight32: Int32
    private let inputWidth32: Int32
    private let inputDepth32: Int32
    private let filterHeight32: Int32
    private let filterWidth32: Int32
    private let outputHeight32: Int32
    private let outputWidth32: Int32
    private let outputDepth32: Int32
    private let strideHeight32: Int32
    private let strideWidth32: Int32
    private let dilationHeight32: Int32
    private let dilationWidth32: Int32
    private let paddingTop32: Int32
    private let paddingLeft32: Int32

    var batches: Int { Int(batches32) }
    var inputHeight: Int { Int(inputHeight32) }
    var inputWidth: Int { Int(inputWidth32) }
    var inputDepth: Int { Int(inputDepth32) }
    var filterHeight: Int { Int(filterHeight32) }
    var filterWidth: Int { Int(filterWidth32) }
    var outputHeight: Int { Int(outputHeight32) }
    var outputWidth: Int { Int(outputWidth32) }
    var outputDepth: Int { Int(outputDepth32) }
    var strideHeight: Int { Int(strideHeight32) }
    var strideWidth: Int { Int(strideWidth32) }
    var dilationHeight: Int { Int(dilationHeight32) }
    var dilationWidth: Int { Int(dilationWidth32) }
    var paddingTop: Int { Int(paddingTop32) }
    var paddingLeft: Int { Int(paddingLeft32) }

    init(batches: Int, inputHeight: Int, inputWidth: Int, inputDepth: Int,
         filterHeight: Int, filterWidth: Int, outputHeight: Int, outputWidth: Int, outputDepth: Int,
         strideHeight: Int, strideWidth: Int, dilationHeight: Int, dilationWidth: Int, paddingTop: Int, paddingLeft: Int) {
        batches32 = Int32(truncatingIfNeeded: batches)
        inputHeight32 = Int32(truncatingIfNeeded: inputHeight)
        inputWidth32 = Int32(truncatingIfNeeded: inputWidth)
        inputDepth32 = Int32(truncatingIfNeeded: inputDepth)
        filterHeight32 = Int32(truncatingIfNeeded: filterHeight)
        filterWidth32 = Int32(truncatingIfNeeded: filterWidth)
        outputHeight32 = Int32(truncatingIfNeeded: outputHeight)
        outputWidth32 = Int32(truncatingIfNeeded: outputWidth)
        outputDepth32 = Int32(truncatingIfNeeded: outputDepth)
        strideHeight32 = Int32(truncatingIfNeeded: strideHeight)
        strideWidth32 = Int32(truncatingIfNeeded: strideWidth)
        dilationHeight32 = Int32(truncatingIfNeeded: dilationHeight)
        dilationWidth32 = Int32(truncatingIfNeeded: dilationWidth)
        paddingTop32 = Int32(truncatingIfNeeded: paddingTop)
        paddingLeft32 = Int32(truncatingIfNeeded: paddingLeft)
    }

    /// The filter taps `k` in `0..<count` whose sample `origin + k·dilation`
    /// falls inside `0..<size`, as a half-open pair (`first ≤ end`). Taps
    /// outside the image are the zero padding, which contributes nothing.
    @inline(__always)
    static func taps(origin: Int, dilation: Int, size: Int, count: Int) -> (first: Int, end: Int) {
        let first = origin < 0 ? (dilation - 1 - origin) / dilation : 0
        let room = size - origin
        let end = room <= 0 ? 0 : min(count, (room + dilation - 1) / dilation)
        return (first, max(first, end))
    }

    /// The least distance in bytes from the output's start to the input's start
    /// at which a kernel may write its output over its input, for kernels that
    /// walk output pixels in order (batch, row, column) and read only the input
    /// pixels of the current pixel's window before or while writing that pixel:
    /// each output pixel must then end at or before the first input pixel that
    /// it or any later output pixel reads. For pooling as well (dilation 1).
    func outputOverlapDistance(inputPixelBytes: Int, outputPixelBytes: Int) -> Int {
        let pixels = batches * inputHeight * inputWidth
        // The earliest input pixel read by the current output pixel or any later one.
        var earliest = pixels
        var distance = outputHeight * outputWidth * batches * outputPixelBytes - pixels * inputPixelBytes
        for batch in (0..<batches).reversed() {
            for outY in (0..<outputHeight).reversed() {
                let originY = outY * strideHeight - paddingTop
                let ky = Self.taps(origin: originY, dilation: dilationHeight, size: inputHeight, count: filterHeight)
                for outX in (0..<outputWidth).reversed() {
                    let originX = outX * strideWidth - paddingLeft
                    let kx = Self.taps(origin: originX, dilation: dilationWidth, size: inputWidth, count: filterWidth)
                    if ky.first < ky.end && kx.first < kx.end {
                        let first = (batch * inputHeight + originY + ky.first * dilationHeight) * inputWidth
                            + originX + kx.first * dilationWidth
                        earliest = min(earliest, first)
                    }
                    let end = ((batch * outputHeight + outY) * outputWidth + outX + 1) * outputPixelBytes
                    distance = max(distance, end - earliest * inputPixelBytes)
                }
            }
        }
        return distance
    }

    /// The input rows/columns `i` in `0..<size` that reach output position
    /// `target` (already shifted by the padding) through a filter of `count`
    /// taps at `stride`, for transposed convolution: `target − i·stride` must be
    /// a tap in `0..<count`. Ascending, as a half-open pair.
    @inline(__always)
    static func sources(target: Int, stride: Int, size: Int, count: Int) -> (first: Int, end: Int) {
        let lowest = target - count + 1
        let first = lowest <= 0 ? 0 : (lowest + stride - 1) / stride
        let end = target < 0 ? 0 : min(size, target / stride + 1)
        return (first, max(first, end))
    }
}

/// The per-output-channel requantization every quantized convolution uses:
/// one multiplier and shift per channel (a per-tensor filter scale is
/// broadcast), the zero-point offsets and the fused activation's clamp.
/// Shifts lie in −31…31, so they are kept in one byte each (5 bytes per
/// channel in the arena where TFLM keeps 8).
struct ChannelRequantization {
    var multipliers: UnsafeMutablePointer<Int32>
    var shifts: UnsafeMutablePointer<Int8>
    /// `-input zero point` (added to every int8 input value).
    var inputOffset: Int32
    /// The output zero point (added after rescaling, int8 only).
    var outputOffset: Int32
    var activationMin: Int32
    var activationMax: Int32

    /// A placeholder for float kernels: no channels, no clamp.
    static func none(_ context: inout PrepareContext) -> ChannelRequantization {
        let multipliers = context.allocateArray(Int32.self, count: 0)
        let shifts = context.allocateArray(Int8.self, count: 0)
        return ChannelRequantization(multipliers: multipliers.baseAddress!, shifts: shifts.baseAddress!,
                                     inputOffset: 0, outputOffset: 0, activationMin: 0, activationMax: 0)
    }

    /// Computes the multipliers like TFLM's `PopulateConvolutionQuantizationParams`:
    /// `double(input scale) · double(filter scale[c]) / double(output scale)`,
    /// then `QuantizeMultiplier`; and the activation range over the output type.
    static func prepare(_ context: inout PrepareContext, input: TensorView, filter: TensorView, output: TensorView,
                        activation: ActivationFunction, channels: Int, quantizedDimension: Int) throws(MicroError) -> ChannelRequantization {
        let scales = filter.scales
        guard scales.count == 1 || scales.count == channels else {
            throw context.invalid("filter scales must be one or one per output channel")
        }
        if scales.count > 1 && filter.quantizedDimension != quantizedDimension {
            throw context.invalid("the filter is quantized along the wrong dimension")
        }
        guard input.scale > 0, output.scale > 0 else { throw context.invalid("quantized tensors need a positive scale") }
        let multipliers = context.allocateArray(Int32.self, count: channels)
        let shifts = context.allocateArray(Int8.self, count: channels)
        for channel in 0..<channels {
            let filterScale = Double(scales.count > 1 ? scales[channel] : scales[0])
            let real = Double(input.scale) * filterScale / Double(output.scale)
            let (multiplier, shift) = QuantizedMath.quantizeMultiplier(real)
            guard shift <= 31 else { throw context.invalid("the requantization scale (input · filter / output) is out of range") }
            multipliers[channel] = multiplier
            shifts[channel] = Int8(shift)
        }
        let (qmin, qmax): (Int32, Int32) = output.type == .int8 ? (-128, 127) : (-32768, 32767)
        let (low, high) = QuantizedMath.activationRange(activation, scale: output.scale, zeroPoint: output.zeroPoint,
                                                        qmin: qmin, qmax: qmax)
        return ChannelRequantization(multipliers: multipliers.baseAddress!, shifts: shifts.baseAddress!,
                                     inputOffset: -input.zeroPoint, outputOffset: output.zeroPoint,
                                     activationMin: low, activationMax: high)
    }

    /// Rescales an int8 kernel's int32 accumulator for `channel`, adds the
    /// output zero point and clamps.
    @inline(__always)
    func int8Output(_ accumulator: Int32, channel: Int) -> Int8 {
        var value = QuantizedMath.multiplyByQuantizedMultiplier(accumulator, multipliers[channel], Int(shifts[channel]))
        value &+= outputOffset
        return Int8(truncatingIfNeeded: min(max(value, activationMin), activationMax))
    }

    /// Rescales an int16 kernel's accumulator (int32 or int64: the two
    /// `MultiplyByQuantizedMultiplier` overloads round differently) and clamps.
    /// The int16 paths add no output zero point.
    @inline(__always)
    func int16Output<Accumulator: FixedWidthInteger & SignedInteger>(_ accumulator: Accumulator, channel: Int) -> Int16 {
        let value: Int32
        if Accumulator.bitWidth == 64 {
            value = QuantizedMath.multiplyByQuantizedMultiplier(Int64(truncatingIfNeeded: accumulator), multipliers[channel], Int(shifts[channel]))
        } else {
            value = QuantizedMath.multiplyByQuantizedMultiplier(Int32(truncatingIfNeeded: accumulator), multipliers[channel], Int(shifts[channel]))
        }
        return Int16(truncatingIfNeeded: min(max(value, activationMin), activationMax))
    }
}

/// The fused activation of a convolution's options, or an error naming the operator.
@inline(__always)
func convolutionActivation(_ raw: Int8, _ context: borrowing PrepareContext) throws(MicroError) -> ActivationFunction {
    guard let activation = ActivationFunction(rawValue: raw) else { throw context.invalid("unknown fused activation") }
    switch activation {
    case .none, .relu, .relu6, .reluN1To1: return activation
    default: throw .unsupportedFeature("a fused TANH or SIGN_BIT activation on a convolution")
    }
}
