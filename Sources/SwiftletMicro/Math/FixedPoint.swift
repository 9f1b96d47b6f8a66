/// gemmlowp-style fixed-point math on raw `Int32` values, bit-exact with the
/// functions TFLM's reference kernels call (`gemmlowp/fixedpoint/fixedpoint.h`
/// and `GetReciprocal` in TFLite's `common.h`).
///
/// A value in format Q`m`.`(31 − m)` — "`m` integer bits" — is the raw integer
/// `raw` standing for `raw / 2^(31 − m)`, so it lies in [−2^m, 2^m). Q0.31 values
/// lie in [−1, 1), and `Int32.max` stands for one. Functions that take an
/// `integerBits` argument work for any format; kernels pass a constant, so the
/// branches on it fold away once inlined.
///
/// Arithmetic follows gemmlowp exactly: `+` and `−` wrap (they never overflow on
/// the paths used here), products are `SaturatingRoundingDoublingHighMul`
/// (`QuantizedMath.saturatingRoundingDoublingHighMul`), whose result has the sum
/// of the operands' integer bits, and changes of format saturate when they
/// shift left and round to nearest (ties away from zero) when they shift right.
public enum FixedPoint {
    /// One in Q0.31 (the largest raw value, 1 − 2^−31).
    @inlinable @inline(__always)
    public static var one: Int32 { .max }

    /// The raw value of one in a format with `integerBits` integer bits
    /// (`Int32.max` for Q0.31, where one itself is not representable).
    @inlinable @inline(__always)
    public static func oneRaw(integerBits: Int) -> Int32 {
        integerBits == 0 ? .max : Int32(1) << Int32(31 - integerBits)
    }

    /// The product of two fixed-point values (integer bits add up).
    @inlinable @inline(__always)
    public static func multiply(_ a: Int32, _ b: Int32) -> Int32 {
        QuantizedMath.saturatingRoundingDoublingHighMul(a, b)
    }

    /// `x · 2^exponent` in the same format: a saturating left shift for a
    /// positive exponent, a rounding right shift (ties away from zero) for a
    /// negative one. gemmlowp's `SaturatingRoundingMultiplyByPOT`.
    @inlinable @inline(__always)
    public static func saturatingRoundingMultiplyByPOT(_ x: Int32, _ exponent: Int) -> Int32 {
        if exponent == 0 { return x }
        if exponent < 0 { return QuantizedMath.roundingDivideByPOT(x, -exponent) }
        let threshold = (Int32(1) << Int32(31 - exponent)) - 1
        if x > threshold { return .max }
        if x < -threshold { return .min }
        return x &<< Int32(exponent)
    }

    /// Converts `x` from `from` integer bits to `to` integer bits (gemmlowp's `Rescale`).
    @inlinable @inline(__always)
    public static func rescale(_ x: Int32, from: Int, to: Int) -> Int32 {
        saturatingRoundingMultiplyByPOT(x, from - to)
    }

    /// (a + b) / 2 rounded to nearest, ties away from zero (gemmlowp's `RoundingHalfSum`).
    @inlinable @inline(__always)
    public static func roundingHalfSum(_ a: Int32, _ b: Int32) -> Int32 {
        let sum = Int64(a) + Int64(b)
        return Int32(truncatingIfNeeded: (sum + (sum >= 0 ? 1 : -1)) / 2)
    }

    /// e^a for a in [−1/4, 0), both in Q0.31: a fourth-order Taylor expansion
    /// around −1/8.
    @inlinable
    public static func expOnIntervalBetweenNegativeOneQuarterAndZero(_ a: Int32) -> Int32 {
        let expOfMinusOneEighth: Int32 = 1_895_147_668  // e^(−1/8) in Q0.31
        let oneThird: Int32 = 715_827_883  // 1/3 in Q0.31
        let x = a &+ (Int32(1) << 28)  // a + 1/8
        let x2 = multiply(x, x)
        let x3 = multiply(x2, x)
        let x4 = multiply(x2, x2)
        let x4Over4 = saturatingRoundingMultiplyByPOT(x4, -2)
        let higherTerms = saturatingRoundingMultiplyByPOT(multiply(x4Over4 &+ x3, oneThird) &+ x2, -1)
        return expOfMinusOneEighth &+ multiply(expOfMinusOneEighth, x &+ higherTerms)
    }

    /// e^a for a ≤ 0 with `integerBits` (0…29) integer bits; the result is Q0.31
    /// (`Int32.max` for a = 0). gemmlowp's `exp_on_negative_values`: the
    /// fractional part modulo 1/4 goes through the Taylor expansion and each
    /// set bit of the rest multiplies in a constant e^(−2^k).
    @inlinable @inline(__always)
    public static func expOnNegativeValues(_ a: Int32, integerBits: Int) -> Int32 {
        let fractionalBits = 31 - integerBits
        let oneQuarter = Int32(1) << Int32(fractionalBits - 2)
        let aModQuarterMinusOneQuarter = (a & (oneQuarter &- 1)) &- oneQuarter
        var result = expOnIntervalBetweenNegativeOneQuarterAndZero(
            rescale(aModQuarterMinusOneQuarter, from: integerBits, to: 0))
        let remainder = aModQuarterMinusOneQuarter &- a

        // Each set bit 2^k of the rest multiplies in e^(−2^k) (Q0.31), for k = −2 … 4
        // where the format has such bits.
        multiplyIfBitSet(&result, remainder, exponent: -2, integerBits: integerBits, by: 1_672_461_947)
        multiplyIfBitSet(&result, remainder, exponent: -1, integerBits: integerBits, by: 1_302_514_674)
        multiplyIfBitSet(&result, remainder, exponent: 0, integerBits: integerBits, by: 790_015_084)
        multiplyIfBitSet(&result, remainder, exponent: 1, integerBits: integerBits, by: 290_630_308)
        multiplyIfBitSet(&result, remainder, exponent: 2, integerBits: integerBits, by: 39_332_535)
        multiplyIfBitSet(&result, remainder, exponent: 3, integerBits: integerBits, by: 720_401)
        multiplyIfBitSet(&result, remainder, exponent: 4, integerBits: integerBits, by: 242)

        if integerBits > 5 {
            // Below −32, e^a is zero in Q0.31.
            let clamp = -(Int32(1) << Int32(36 - integerBits))
            if a < clamp { result = 0 }
        }
        return a == 0 ? one : result
    }

    /// One step of `expOnNegativeValues`' barrel shifter: if `remainder` (with
    /// `integerBits` integer bits) has the bit worth 2^`exponent`, multiply
    /// `result` by `multiplier` = e^(−2^exponent).
    @inlinable @inline(__always)
    static func multiplyIfBitSet(_ result: inout Int32, _ remainder: Int32, exponent: Int, integerBits: Int, by multiplier: Int32) {
        guard integerBits > exponent else { return }
        if remainder & (Int32(1) << Int32(31 - integerBits + exponent)) != 0 {
            result = multiply(result, multiplier)
        }
    }

    /// 1 / (1 + a) for a in [0, 1), in and out in Q0.31: three Newton–Raphson
    /// steps from the 48/17 − 32/17·d estimate (gemmlowp's `one_over_one_plus_x_for_x_in_0_1`).
    @inlinable
    public static func oneOverOnePlusX(_ a: Int32) -> Int32 {
        let x = newtonReciprocalOfHalfDenominator(roundingHalfSum(a, one))
        // x is 2/(1 + a) in Q2.29; halve it exactly (Q1.30) and move to Q0.31.
        return rescale(x, from: 1, to: 0)
    }

    /// (1 − a) / (1 + a) for a in [0, 1), in and out in Q0.31 (gemmlowp's
    /// `one_minus_x_over_one_plus_x_for_x_in_0_1`).
    @inlinable
    public static func oneMinusXOverOnePlusX(_ a: Int32) -> Int32 {
        let x = newtonReciprocalOfHalfDenominator(roundingHalfSum(a, one))
        return rescale(x &- oneRaw(integerBits: 2), from: 2, to: 0)
    }

    /// 1/d in Q2.29 for d = (1 + a)/2 in [1/2, 1) given in Q0.31.
    @inlinable @inline(__always)
    static func newtonReciprocalOfHalfDenominator(_ halfDenominator: Int32) -> Int32 {
        let fortyEightOverSeventeen: Int32 = 1_515_870_810  // Q2.29
        let minusThirtyTwoOverSeventeen: Int32 = -1_010_580_540  // Q2.29
        let oneQ2 = oneRaw(integerBits: 2)
        var x = fortyEightOverSeventeen &+ multiply(halfDenominator, minusThirtyTwoOverSeventeen)
        for _ in 0..<3 {
            let error = oneQ2 &- multiply(halfDenominator, x)  // Q2.29
            x = x &+ rescale(multiply(x, error), from: 4, to: 2)
        }
        return x
    }

    /// The logistic function 1 / (1 + e^−a) for `a` with `integerBits` integer
    /// bits; the result is Q0.31 (gemmlowp's `logistic`).
    @inlinable @inline(__always)
    public static func logistic(_ a: Int32, integerBits: Int) -> Int32 {
        if a == 0 { return 1 << 30 }  // one half
        let magnitude = a > 0 ? a : 0 &- a
        let positive = oneOverOnePlusX(expOnNegativeValues(0 &- magnitude, integerBits: integerBits))
        return a > 0 ? positive : one &- positive
    }

    /// tanh(a) for `a` with `integerBits` integer bits; the result is Q0.31
    /// (gemmlowp's `tanh`: (1 − e^−2|a|) / (1 + e^−2|a|) with the sign of a).
    @inlinable @inline(__always)
    public static func tanh(_ a: Int32, integerBits: Int) -> Int32 {
        if a == 0 { return 0 }
        let negativeMagnitude = a < 0 ? a : 0 &- a
        // Doubling is exact: the same raw value read with one more integer bit.
        let t = oneMinusXOverOnePlusX(expOnNegativeValues(negativeMagnitude, integerBits: integerBits + 1))
        return a < 0 ? 0 &- t : t
    }

    /// 1/x for a positive `x` with `integerBits` integer bits, as a Q0.31
    /// mantissa and a power of two: `1/x ≈ reciprocal · 2^−numBitsOverUnit`
    /// (TFLite's `GetReciprocal`, used by SOFTMAX).
    @inlinable @inline(__always)
    public static func reciprocal(_ x: Int32, integerBits: Int) -> (reciprocal: Int32, numBitsOverUnit: Int) {
        let headroomPlusOne = UInt32(bitPattern: x).leadingZeroBitCount
        // x normalized into [1, 2), minus one, in Q0.31.
        let shiftedMinusOne = Int32(bitPattern: (UInt32(bitPattern: x) &<< UInt32(headroomPlusOne)) &- (UInt32(1) << 31))
        return (oneOverOnePlusX(shiftedMinusOne), integerBits - headroomPlusOne)
    }
}
