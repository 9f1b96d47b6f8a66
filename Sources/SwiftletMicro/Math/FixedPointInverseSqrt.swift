/// 1/√x as a quantized multiplier, bit-exact with TFLite's
/// `GetInvSqrtQuantizedMultiplierExp` (used by int8/int16 RSQRT and
/// L2_NORMALIZATION): the input is brought into [2^27, 2^29) by pairs of bits,
/// five Newton–Raphson steps run in Q3.28 fixed point from a guess of one, and
/// the result is scaled by √2/2.
public enum FixedPointInverseSqrt {
    /// The multiplier and shift (positive = left) of 1/√`input` for `input` ≥ 0.
    /// `reverseShift` is −1 where TFLite passes `kReverseShift` (micro kernels)
    /// and +1 otherwise.
    public static func multiplierAndShift(_ input: Int32, reverseShift: Int) -> (multiplier: Int32, shift: Int) {
        if input <= 1 { return (.max, 0) }
        var value = input
        var shift = 11
        while value >= (1 << 29) {
            value /= 4
            shift += 1
        }
        let maxLeftShiftBits = UInt32(bitPattern: value).leadingZeroBitCount - 1
        let leftShiftBitPairs = maxLeftShiftBits / 2 - 1
        shift -= leftShiftBitPairs
        value <<= Int32(2 * leftShiftBitPairs)
        // Q3.28 arithmetic.
        let fixedInput = value >> 1
        let halfInput = FixedPoint.saturatingRoundingMultiplyByPOT(fixedInput, -1)
        let halfThree: Int32 = (1 << 28) + (1 << 27)
        var x: Int32 = 1 << 28  // one in Q3.28
        for _ in 0..<5 {
            let cube = FixedPoint.rescale(FixedPoint.multiply(FixedPoint.multiply(x, x), x), from: 9, to: 3)
            let difference = FixedPoint.multiply(halfThree, x) &- FixedPoint.multiply(halfInput, cube)
            x = FixedPoint.rescale(difference, from: 6, to: 3)
        }
        let halfSqrtTwo: Int32 = 1_518_500_250  // √2/2 in Q0.31
        var multiplier = FixedPoint.multiply(x, halfSqrtTwo)
        if shift < 0 {
            multiplier <<= Int32(-shift)
            shift = 0
        }
        return (multiplier, shift * reverseShift)
    }
}
