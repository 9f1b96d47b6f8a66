/// The 513-entry interpolated lookup tables TFLite uses for int16 activations
/// (`LUTPopulate<int16_t>` and `LUTLookup` in TFLite's `common.h`): the top 9
/// bits of an int16 input pick one of 512 segments and the low 7 bits
/// interpolate linearly to the next entry (entry 512 closes the last segment).
///
/// Tables are built in `prepare` with Float arithmetic in the same order as
/// TFLite's, so they are identical to the real TFLM's, entry for entry.
public enum Int16LookupTable {
    /// Entries in a table.
    public static var count: Int { 513 }

    /// Fills `table` (513 entries) with `transform` sampled over the int16 input
    /// range of (`inputScale`, `inputZeroPoint`), quantized with (`outputScale`,
    /// `outputZeroPoint`). Each entry is biased by half the interpolation error
    /// at its segment's midpoint, as TFLite does.
    public static func populate(_ table: UnsafeMutablePointer<Int16>,
                                inputScale: Float, inputZeroPoint: Int32,
                                outputScale: Float, outputZeroPoint: Int32,
                                transform: (Float) -> Float) {
        let inputMin = inputScale * Float(Int32(Int16.min) - inputZeroPoint)
        let inputMax = inputScale * Float(Int32(Int16.max) - inputZeroPoint)
        let outputMin = outputScale * Float(Int32(Int16.min) - outputZeroPoint)
        let outputMax = outputScale * Float(Int32(Int16.max) - outputZeroPoint)
        let steps = 512
        let step = (inputMax - inputMin) / Float(steps)
        let halfStep = step / 2
        let outputScalingInverse = Float(65536) / (outputMax - outputMin)
        let tableMin = Float(Int16.min), tableMax = Float(Int16.max)

        for index in 0..<steps {
            let start = inputMin + Float(index) * step
            let value = transform(start)
            let midpointValue = transform(start + halfStep)
            let nextValue = transform(inputMin + Float(index + 1) * step)

            let sample = (value * outputScalingInverse).rounded()
            let interpolatedMidpoint = ((nextValue * outputScalingInverse + sample) / 2).rounded()
            let exactMidpoint = (midpointValue * outputScalingInverse).rounded()
            let bias = ((interpolatedMidpoint - exactMidpoint) / 2).rounded()
            table[index] = Int16(min(max(sample - bias, tableMin), tableMax))
        }
        table[steps] = Int16(min(max((transform(inputMax) * outputScalingInverse).rounded(), tableMin), tableMax))
    }

    /// The table's value at `value`, interpolated between neighbouring entries.
    @inlinable @inline(__always)
    public static func lookup(_ value: Int16, _ table: UnsafePointer<Int16>) -> Int16 {
        let index = 256 + Int(value >> 7)
        let offset = Int32(value & 0x7F)
        let base = table[index]
        // TFLite narrows the slope to int16 before scaling it.
        let slope = Int32(Int16(truncatingIfNeeded: Int32(table[index + 1]) - Int32(base)))
        let delta = (slope * offset + 64) >> 7
        return Int16(truncatingIfNeeded: Int32(base) + delta)
    }
}
