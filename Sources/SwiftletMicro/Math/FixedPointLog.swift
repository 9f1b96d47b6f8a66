/// The natural logarithm in gemmlowp-style fixed point, bit-exact with TFLite's
/// `log_x_for_x_greater_than_or_equal_to_1` (used by int8 LOG_SOFTMAX).
extension FixedPoint {
    /// ln(x) for x ≥ 1 given with `inputIntegerBits` integer bits; the result has
    /// `outputIntegerBits` integer bits. The input is normalised to r in
    /// [√½, √2) by a power of two (taking the better of two candidate shifts),
    /// and ln r comes from a rational approximation around ⁴√½, computed with
    /// one more integer bit of headroom than the output.
    @inlinable
    public static func logOfValueAtLeastOne(_ x: Int32, inputIntegerBits: Int, outputIntegerBits: Int) -> Int32 {
        let accumulatorBits = outputIntegerBits + 1
        let ln2: Int32 = 1_488_522_236          // ln 2 in Q0.31
        let fourthRootOfHalf: Int32 = 1_805_811_301  // ⁴√½
        let rootHalf: Int32 = 1_518_500_250     // √½
        let oneQuarter: Int32 = 536_870_912
        let alphaN: Int32 = 117_049_297         // 11/240 · ⁴√2
        let alphaD: Int32 = 127_690_142         // 1/20 · ⁴√2
        let alphaI: Int32 = 1_057_819_769       // 2/⁴√2 − ⁴√2
        let alphaF: Int32 = 638_450_708         // 1/4 · ⁴√2

        let shiftedQuarter = rescale(oneQuarter, from: 0, to: accumulatorBits)
        // First candidate: x read as Q0.31 and shifted up to its headroom.
        let headroomPlusOneA = UInt32(bitPattern: x).leadingZeroBitCount
        let rA = saturatingRoundingMultiplyByPOT(multiply(saturatingRoundingMultiplyByPOT(x, headroomPlusOneA - 1), rootHalf), 1)
        let powerA = saturatingAdd(
            saturatingRoundingMultiplyByPOT(Int32(inputIntegerBits - headroomPlusOneA), 31 - accumulatorBits), shiftedQuarter)
        // Second candidate: the same after multiplying by √½.
        let headroomB = UInt32(bitPattern: multiply(x, rootHalf)).leadingZeroBitCount - 1
        let rB = saturatingRoundingMultiplyByPOT(x, headroomB)
        let powerB = saturatingSubtract(
            saturatingRoundingMultiplyByPOT(Int32(inputIntegerBits - headroomB), 31 - accumulatorBits), shiftedQuarter)

        let r = min(rA, rB)
        let power = max(powerA, powerB)
        let p = roundingHalfSum(r, fourthRootOfHalf)
        var q = r &- fourthRootOfHalf
        q = q &+ q
        let square = multiply(q, q)
        let numerator = multiply(q, r) &+ multiply(multiply(q, square), alphaN)
        let denominatorMinusOne = multiply(p, alphaI &+ q &+ multiply(alphaD, square)) &+ multiply(alphaF, q)
        let reciprocalDenominator = oneOverOnePlusX(denominatorMinusOne)
        let scaledNumerator = rescale(numerator, from: 0, to: accumulatorBits)
        return rescale(multiply(power, ln2) &+ multiply(scaledNumerator, reciprocalDenominator),
                       from: accumulatorBits, to: outputIntegerBits)
    }

    /// a + b, saturated to the Int32 range.
    @inlinable @inline(__always)
    public static func saturatingAdd(_ a: Int32, _ b: Int32) -> Int32 {
        Int32(clamping: Int64(a) + Int64(b))
    }

    /// a − b, saturated to the Int32 range.
    @inlinable @inline(__always)
    public static func saturatingSubtract(_ a: Int32, _ b: Int32) -> Int32 {
        Int32(clamping: Int64(a) - Int64(b))
    }
}
