/// The run-time quantization of float activations that TFLite's hybrid (dynamic-range)
/// kernels perform before an int8 dot product (`SymmetricQuantizeFloats` and
/// `AsymmetricQuantizeFloats` in TFLite's portable tensor utils), in the same arithmetic:
/// the scale in float (symmetric) or double (asymmetric), values rounded half away from zero.
public enum HybridInputQuantization {
    /// Quantizes `count` floats to int8 in [−127, 127] with scale `max|x| / 127`; returns the
    /// scale (1 for an all-zero input).
    @inline(__always)
    public static func symmetric(_ values: UnsafePointer<Float>, _ count: Int, into quantized: UnsafeMutablePointer<Int8>) -> Float {
        var low: Float = count > 0 ? values[0] : 0, high = low
        for index in 0..<count {
            low = min(low, values[index])
            high = max(high, values[index])
        }
        let range = max(low.magnitude, high.magnitude)
        if range == 0 {
            quantized.initialize(repeating: 0, count: count)
            return 1
        }
        let inverse: Float = 127 / range
        for index in 0..<count {
            quantized[index] = Int8(clampedRounding(values[index] * inverse, low: -127, high: 127))
        }
        return range / 127
    }

    /// Quantizes `count` floats to int8 in [−128, 127] with the range widened to include 0;
    /// returns the scale and the zero point (1 and 0 for an all-zero input).
    @inline(__always)
    public static func asymmetric(_ values: UnsafePointer<Float>, _ count: Int, into quantized: UnsafeMutablePointer<Int8>) -> (scale: Float, zeroPoint: Int32) {
        var low: Float = count > 0 ? values[0] : 0, high = low
        for index in 0..<count {
            low = min(low, values[index])
            high = max(high, values[index])
        }
        let rangeMin = Double(min(0, low)), rangeMax = Double(max(0, high))
        if rangeMin == rangeMax {
            quantized.initialize(repeating: 0, count: count)
            return (1, 0)
        }
        let qmin = -128.0, qmax = 127.0
        let scale = (rangeMax - rangeMin) / (qmax - qmin)
        let fromMin = qmin - rangeMin / scale
        let fromMax = qmax - rangeMax / scale
        let errorMin = qmin.magnitude + (rangeMin / scale).magnitude
        let errorMax = qmax.magnitude + (rangeMax / scale).magnitude
        let zeroPointDouble = errorMin < errorMax ? fromMin : fromMax
        let zeroPoint: Int32
        if zeroPointDouble <= qmin { zeroPoint = -128 } else if zeroPointDouble >= qmax { zeroPoint = 127 } else {
            zeroPoint = Int32(zeroPointDouble.rounded(.toNearestOrAwayFromZero))
        }
        let storedScale = Float(scale)
        let inverse: Float = 1 / storedScale
        let offset = Float(zeroPoint)
        for index in 0..<count {
            quantized[index] = Int8(clampedRounding(offset + values[index] * inverse, low: -128, high: 127))
        }
        return (storedScale, zeroPoint)
    }

    /// C's `static_cast<int32_t>(round(x))` clamped to [low, high] (no trap on huge values).
    @inline(__always)
    static func clampedRounding(_ x: Float, low: Int32, high: Int32) -> Int32 {
        let rounded = x.rounded(.toNearestOrAwayFromZero)
        if !(rounded >= Float(low)) { return low }
        if rounded >= Float(high) { return high }
        return Int32(rounded)
    }
}
