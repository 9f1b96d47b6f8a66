/// TensorFlow's post-training quantization formulas (converter-facts §2), as pure functions.
///
/// Two families: the MLIR quantizer's (int8 runs) and the old `tools/optimize` quantizer's
/// (16x8 runs), which TF still uses for int16 activations. Both round half away from zero.
public enum QuantizationMath {
    /// Scale and zero point of an asymmetric int8 activation with the recorded range:
    /// the range is widened to include 0 (and to at least 2e-6 when it is empty), the scale is
    /// the range over 255 in float32, the zero point `-128 - min/scale` rounded and clamped.
    public static func int8Activation(min: Float, max: Float) -> (scale: Float, zeroPoint: Int64) {
        var low = Swift.min(min, 0), high = Swift.max(max, 0)
        if high - low < 1e-6 {
            low -= 1e-6
            high += 1e-6
        }
        let scale = (high - low) / 255
        let zeroPointReal = -128 - Double(low) / Double(scale)
        let zeroPoint: Int64 = zeroPointReal < -128 ? -128 : zeroPointReal > 127 ? 127 : Int64(zeroPointReal.rounded())
        return (scale, zeroPoint)
    }

    /// Scale of a symmetric int16 activation (old quantizer): `max(|min|, |max|) / 32767`, zero point 0.
    public static func int16Activation(min: Float, max: Float) -> Float {
        Swift.max(abs(min), abs(max)) / 32767
    }

    /// `clamp(round(value / scale) + zeroPoint, low, high)`, as TF quantizes inputs and constants.
    public static func quantizeActivation(_ value: Float, scale: Float, zeroPoint: Int64, low: Int64, high: Int64) -> Int64 {
        guard scale > 0, value.isFinite else { return Swift.min(Swift.max(zeroPoint, low), high) }
        let ratio = (value / scale).rounded()
        // Far outside the range (PADV2's -FLT_MAX padding of a max pool): the nearest end.
        guard abs(ratio) < 1e15 else { return ratio < 0 ? low : high }
        let level = Int64(ratio) + zeroPoint
        return Swift.min(Swift.max(level, low), high)
    }

    /// Largest magnitude of each slice along `axis` (all of `values` when `channels` is 1).
    public static func channelAbsMax(_ values: [Float], shape: [Int], axis: Int, perChannel: Bool) -> [Float] {
        let slices = sliceIndices(shape: shape, axis: axis, perChannel: perChannel)
        var result = [Float](repeating: 0, count: slices.channels)
        for (i, value) in values.enumerated() {
            let channel = slices.channel(i)
            result[channel] = Swift.max(result[channel], abs(value))
        }
        return result
    }

    /// Per-slice minimum and maximum of `values` (not widened to include zero).
    public static func channelMinMax(_ values: [Float], shape: [Int], axis: Int, perChannel: Bool) -> (min: [Float], max: [Float]) {
        let slices = sliceIndices(shape: shape, axis: axis, perChannel: perChannel)
        var low = [Float](repeating: .infinity, count: slices.channels)
        var high = [Float](repeating: -.infinity, count: slices.channels)
        for (i, value) in values.enumerated() {
            let channel = slices.channel(i)
            low[channel] = Swift.min(low[channel], value)
            high[channel] = Swift.max(high[channel], value)
        }
        return (low, high)
    }

    /// Weight scale of the MLIR quantizer for a channel with largest magnitude `absMax`:
    /// symmetric narrow range [-127, 127]; a range under 1e-6 is widened to ±5e-7.
    public static func int8WeightScale(absMax: Float) -> Float {
        var magnitude = absMax
        if 2 * magnitude <= 1e-6 { magnitude = Swift.max(magnitude, 5e-7) }
        return Float((Double(magnitude) + Double(magnitude)) / 254)
    }

    /// Weight scale of the old quantizer (16x8): `absMax / 127`; 0 for an all-zero channel.
    public static func legacyWeightScale(absMax: Float) -> Float {
        absMax / 127
    }

    /// Quantizes weights symmetrically with one scale per slice along `axis`: `round(w / scale)` as
    /// `w * (1/scale)` in float32, clamped to [-127, 127]; a zero scale gives 0.
    public static func quantizeWeights(_ values: [Float], shape: [Int], axis: Int, scales: [Float]) -> [Int8] {
        let slices = sliceIndices(shape: shape, axis: axis, perChannel: scales.count > 1)
        let inverses = scales.map { $0 == 0 ? 0 : Float(1 / Double($0)) }
        var result = [Int8](repeating: 0, count: values.count)
        for (i, value) in values.enumerated() {
            let level = (value * inverses[slices.channel(i)]).rounded()
            result[i] = Int8(Swift.min(Swift.max(level, -127), 127))
        }
        return result
    }

    /// Bias scale per channel: `inputScale × weightScale[c]`, rounded once to float32.
    public static func biasScales(inputScale: Float, weightScales: [Float]) -> [Float] {
        weightScales.map { Float(Double(inputScale) * Double($0)) }
    }

    /// int32 bias levels (MLIR): `clamp(round(b * (1/scale)), ±(2^31 − 1))`.
    public static func quantizeBias32(_ values: [Float], scales: [Float]) -> [Int32] {
        values.enumerated().map { i, value in
            let scale = scales.count == 1 ? scales[0] : scales[i]
            guard scale > 0 else { return 0 }
            let level = Double(value * Float(1 / Double(scale))).rounded()
            return Int32(Swift.min(Swift.max(level, -Double(Int32.max)), Double(Int32.max)))
        }
    }

    /// int64 bias levels (old quantizer, 16x8): `round(b * (1/scale))`.
    public static func quantizeBias64(_ values: [Float], scales: [Float]) -> [Int64] {
        values.enumerated().map { i, value in
            let scale = scales.count == 1 ? scales[0] : scales[i]
            guard scale > 0 else { return 0 }
            let level = Double(value * (1 / scale)).rounded()
            return Int64(Swift.min(Swift.max(level, -9.2e18), 9.2e18))
        }
    }

    /// The largest bias level the MLIR quantizer lets a channel reach before it rescales it.
    public static let biasLevelLimit: Float = 1_073_741_823  // INT32_MAX / 2

    /// The overflow guard of the MLIR quantizer: for each channel whose bias would exceed
    /// `biasLevelLimit` levels, the bias scale becomes `|b| / limit` and the weight scale
    /// `biasScale / inputScale`. Returns the adjusted weight scales (unchanged if nothing overflows).
    public static func guardBiasOverflow(bias: [Float], inputScale: Float, weightScales: [Float]) -> [Float] {
        var scales = weightScales
        let biasScale = biasScales(inputScale: inputScale, weightScales: weightScales)
        if scales.count == 1 {
            let largest = bias.map { abs($0) }.max() ?? 0
            if biasScale[0] > 0, largest / biasScale[0] > biasLevelLimit {
                scales[0] = (largest / biasLevelLimit) / inputScale
            }
            return scales
        }
        for c in 0..<Swift.min(scales.count, bias.count) where biasScale[c] > 0 && abs(bias[c]) / biasScale[c] > biasLevelLimit {
            scales[c] = (abs(bias[c]) / biasLevelLimit) / inputScale
        }
        return scales
    }

    struct SliceIndices {
        let channels: Int
        let inner: Int
        func channel(_ flat: Int) -> Int { channels == 1 ? 0 : (flat / inner) % channels }
    }

    static func sliceIndices(shape: [Int], axis: Int, perChannel: Bool) -> SliceIndices {
        guard perChannel, axis >= 0, axis < shape.count else { return SliceIndices(channels: 1, inner: 1) }
        let inner = shape[(axis + 1)...].reduce(1, *)
        return SliceIndices(channels: Swift.max(shape[axis], 1), inner: Swift.max(inner, 1))
    }
}
