/// Integer helpers of TFLM's signal library (msb, square roots, log), written to
/// give the same bits as `signal/src/{msb,square_root,log}.cc`.
enum SignalFixedPoint {
    /// Position of the highest set bit plus one; 32 for zero (as TFLM's GCC build).
    @inline(__always) static func mostSignificantBit32(_ x: UInt32) -> Int {
        x == 0 ? 32 : 32 - x.leadingZeroBitCount
    }

    /// Position of the highest set bit plus one; 64 for zero.
    @inline(__always) static func mostSignificantBit64(_ x: UInt64) -> Int {
        x == 0 ? 64 : 64 - x.leadingZeroBitCount
    }

    /// Rounded integer square root of a 32-bit value.
    static func sqrt32(_ value: UInt32) -> UInt16 {
        if value == 0 { return 0 }
        var num = value
        var result: UInt32 = 0
        let maxBit = (32 - mostSignificantBit32(num)) | 1
        var bit: UInt32 = 1 << UInt32(31 - maxBit)
        var iterations = (31 - maxBit) / 2 + 1
        while iterations > 0 {
            iterations -= 1
            if num >= result &+ bit {
                num &-= result &+ bit
                result = (result >> 1) &+ bit
            } else {
                result >>= 1
            }
            bit >>= 2
        }
        if num > result && result != 0xFFFF { result += 1 }
        return UInt16(truncatingIfNeeded: result)
    }

    /// Rounded integer square root of a 64-bit value (32-bit path when the high word is clear).
    static func sqrt64(_ value: UInt64) -> UInt32 {
        if value >> 32 == 0 { return UInt32(sqrt32(UInt32(truncatingIfNeeded: value))) }
        var num = value
        var result: UInt64 = 0
        let maxBit = (64 - mostSignificantBit64(num)) | 1
        var bit: UInt64 = 1 << UInt64(63 - maxBit)
        var iterations = (63 - maxBit) / 2 + 1
        while iterations > 0 {
            iterations -= 1
            if num >= result &+ bit {
                num &-= result &+ bit
                result = (result >> 1) &+ bit
            } else {
                result >>= 1
            }
            bit >>= 2
        }
        if num > result && result != 0xFFFF_FFFF { result += 1 }
        return UInt32(truncatingIfNeeded: result)
    }

    /// The log2 fraction table (129 segments and padding) of `signal/src/log.cc`.
    static let logTable: [UInt16] = [
        0, 224, 442, 654, 861, 1063, 1259, 1450, 1636, 1817, 1992, 2163,
        2329, 2490, 2646, 2797, 2944, 3087, 3224, 3358, 3487, 3611, 3732, 3848,
        3960, 4068, 4172, 4272, 4368, 4460, 4549, 4633, 4714, 4791, 4864, 4934,
        5001, 5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507,
        5533, 5557, 5578, 5595, 5610, 5622, 5631, 5637, 5640, 5641, 5638, 5633,
        5626, 5615, 5602, 5586, 5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370,
        5332, 5291, 5249, 5203, 5156, 5106, 5054, 5000, 4944, 4885, 4825, 4762,
        4697, 4630, 4561, 4490, 4416, 4341, 4264, 4184, 4103, 4020, 3935, 3848,
        3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981, 2875, 2768, 2659,
        2549, 2437, 2323, 2207, 2090, 1971, 1851, 1729, 1605, 1480, 1353, 1224,
        1094, 963, 830, 695, 559, 421, 282, 142, 0, 0,
    ]

    /// Natural log of `x` (> 0) scaled by `outputScale` / 65536, in integers.
    static func log32(_ x: UInt32, outputScale: UInt32) -> UInt32 {
        let integer = UInt32(mostSignificantBit32(x) - 1)
        // The fraction part, as int32 in TFLM.
        var fraction = Int32(truncatingIfNeeded: Int64(x) - (Int64(1) << Int64(integer)))
        if integer < 16 {
            fraction = fraction &<< Int32(16 - integer)
        } else {
            fraction = fraction >> Int32(integer - 16)
        }
        let segment = Int(UInt32(bitPattern: fraction) >> 9)
        let c0 = Int32(logTable[segment])
        let c1 = Int32(logTable[segment + 1])
        let segmentBase = Int32(512 * segment)
        let relative = ((c1 &- c0) &* (fraction &- segmentBase)) >> 16
        let fractionPart = UInt32(bitPattern: fraction &+ c0 &+ relative)
        let log2 = (integer << 16) &+ fractionPart
        let loge = UInt32(truncatingIfNeeded: (UInt64(45426) &* UInt64(log2) &+ 32768) >> 16)
        return (outputScale &* loge &+ 32768) >> 16
    }
}
