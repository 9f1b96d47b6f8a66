/// The 256-entry tables TFLite's int8 kernels (ELU, EXP, LOG, GELU) build in
/// `prepare`: each int8 input is dequantized, transformed in Float, divided by the
/// output scale, rounded half away from zero, offset by the output zero point
/// and clamped — all in Float, in TFLite's order, so the tables match entry for entry.
public enum Int8LookupTable {
    /// Entries in a table (indexed by the input's bit pattern as UInt8).
    public static var count: Int { 256 }

    /// Fills `table` (256 entries) with `transform` over every int8 input.
    public static func populate(_ table: UnsafeMutablePointer<Int8>,
                                inputScale: Float, inputZeroPoint: Int32,
                                outputScale: Float, outputZeroPoint: Int32,
                                transform: (Float) -> Float) {
        let inverseScale = 1 / outputScale
        for value in Int32(Int8.min)...Int32(Int8.max) {
            let dequantized = inputScale * Float(value - inputZeroPoint)
            let rescaled = (transform(dequantized) * inverseScale).rounded(.toNearestOrAwayFromZero)
            let shifted = rescaled + Float(outputZeroPoint)
            // C's float-to-int conversion truncates; clamp first so no value traps.
            let bounded = min(max(shifted, -1_000_000), 1_000_000)
            let quantized = bounded.isNaN ? Int32(Int8.max) : Int32(bounded)
            table[Int(UInt8(bitPattern: Int8(truncatingIfNeeded: value)))] = Int8(min(max(quantized, -128), 127))
        }
    }

    /// The table's value for `value`.
    @inlinable @inline(__always)
    public static func lookup(_ value: Int8, _ table: UnsafePointer<Int8>) -> Int8 {
        table[Int(UInt8(bitPattern: value))]
    }
}
