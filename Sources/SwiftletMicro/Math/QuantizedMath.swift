import SwiftletFormat

/// The fixed-point arithmetic every integer kernel shares, bit-exact with
/// TFLM's reference kernels (which use double rounding: TFLITE_SINGLE_ROUNDING
/// is never defined there). No kernel re-derives any of this.
public enum QuantizedMath {
    /// Splits a positive real multiplier into a Q31 integer multiplier and a
    /// power-of-two shift: `m ≈ multiplier · 2^(shift − 31)`. Mirrors
    /// `QuantizeMultiplier`: frexp, round half away from zero, renormalize, and
    /// flush multipliers below 2^−31 to zero.
    @inlinable
    public static func quantizeMultiplier(_ realMultiplier: Double) -> (multiplier: Int32, shift: Int) {
        guard realMultiplier != 0, realMultiplier.isFinite else { return (0, 0) }
        // frexp: m = q · 2^shift with q in [0.5, 1).
        var shift = Int(realMultiplier.exponent) + 1
        let q = realMultiplier.significand / 2 * (realMultiplier < 0 ? -1 : 1)
        var fixed = Int64((q * 2147483648.0).rounded(.toNearestOrAwayFromZero))
        if fixed == Int64(1) << 31 {
            fixed /= 2
            shift += 1
        }
        if shift < -31 { return (0, 0) }
        return (Int32(fixed), shift)
    }

    /// gemmlowp's SaturatingRoundingDoublingHighMul.
    @inlinable @inline(__always)
    public static func saturatingRoundingDoublingHighMul(_ a: Int32, _ b: Int32) -> Int32 {
        if a == Int32.min && b == Int32.min { return Int32.max }
        let product = Int64(a) * Int64(b)
        let nudge: Int64 = product >= 0 ? (1 << 30) : (1 - (1 << 30))
        // C division truncates toward zero, as Swift's does.
        return Int32(truncatingIfNeeded: (product + nudge) / (Int64(1) << 31))
    }

    /// gemmlowp's RoundingDivideByPOT: divide by 2^exponent, ties away from zero.
    @inlinable @inline(__always)
    public static func roundingDivideByPOT(_ x: Int32, _ exponent: Int) -> Int32 {
        let mask = Int32(truncatingIfNeeded: (Int64(1) << exponent) - 1)
        let remainder = x & mask
        let threshold = (mask >> 1) + (x < 0 ? 1 : 0)
        return (x >> Int32(exponent)) + (remainder > threshold ? 1 : 0)
    }

    /// TFLM's MultiplyByQuantizedMultiplier for int32 accumulators (double rounding).
    @inlinable @inline(__always)
    public static func multiplyByQuantizedMultiplier(_ x: Int32, _ multiplier: Int32, _ shift: Int) -> Int32 {
        let leftShift = shift > 0 ? shift : 0
        let rightShift = shift > 0 ? 0 : -shift
        return roundingDivideByPOT(
            saturatingRoundingDoublingHighMul(x &* (Int32(1) << Int32(leftShift)), multiplier), rightShift)
    }

    /// TFLM's MultiplyByQuantizedMultiplier for int64 accumulators (the int16x8
    /// paths): the multiplier is reduced to 16 bits and the result rounds ties up.
    @inlinable @inline(__always)
    public static func multiplyByQuantizedMultiplier(_ x: Int64, _ multiplier: Int32, _ shift: Int) -> Int32 {
        let reduced: Int64 = multiplier < 0x7FFF_0000 ? Int64((multiplier + (1 << 15)) >> 16) : 0x7FFF
        let totalShift = 15 - shift
        let rounded = x &* reduced &+ (Int64(1) << Int64(totalShift - 1))
        return Int32(truncatingIfNeeded: rounded >> Int64(totalShift))
    }

    /// MultiplyByQuantizedMultiplierSmallerThanOneExp (shift ≤ 0).
    @inlinable @inline(__always)
    public static func multiplyByQuantizedMultiplierSmallerThanOne(_ x: Int32, _ multiplier: Int32, _ shift: Int) -> Int32 {
        roundingDivideByPOT(saturatingRoundingDoublingHighMul(x, multiplier), -shift)
    }

    /// MultiplyByQuantizedMultiplierGreaterThanOne (shift ≥ 0).
    @inlinable @inline(__always)
    public static func multiplyByQuantizedMultiplierGreaterThanOne(_ x: Int32, _ multiplier: Int32, _ shift: Int) -> Int32 {
        saturatingRoundingDoublingHighMul(x &* (Int32(1) << Int32(shift)), multiplier)
    }

    /// The quantized clamp range of a fused activation for an output with
    /// `scale`/`zeroPoint` in [qmin, qmax] (TFLM's CalculateActivationRangeQuantized).
    public static func activationRange(_ activation: ActivationFunction, scale: Float, zeroPoint: Int32,
                                       qmin: Int32, qmax: Int32) -> (min: Int32, max: Int32) {
        func quantize(_ value: Float) -> Int32 { zeroPoint + Int32((value / scale).rounded(.toNearestOrAwayFromZero)) }
        switch activation {
        case .relu: return (max(qmin, quantize(0)), qmax)
        case .relu6: return (max(qmin, quantize(0)), min(qmax, quantize(6)))
        case .reluN1To1: return (max(qmin, quantize(-1)), min(qmax, quantize(1)))
        default: return (qmin, qmax)
        }
    }

    /// The float clamp range of a fused activation.
    public static func activationRange(_ activation: ActivationFunction) -> (min: Float, max: Float) {
        switch activation {
        case .relu: return (0, Float.greatestFiniteMagnitude)
        case .relu6: return (0, 6)
        case .reluN1To1: return (-1, 1)
        default: return (-Float.greatestFiniteMagnitude, Float.greatestFiniteMagnitude)
        }
    }
}
