import SwiftletFormat

/// SignalPCAN: per-channel automatic gain control (PCAN). The gain comes from a
/// piecewise-polynomial lookup of the noise estimate (`gain_lut`, 125 int16
/// entries), then a "shrink" curve compresses the signal-to-noise ratio.
/// Inputs: channels (uint32), noise estimate (uint32), gain table (int16).
public enum SignalPCAN {
    /// The kernel's registration (custom code `SignalPCAN`).
    public static var registration: KernelRegistration {
        KernelRegistration(code: .custom, customName: "SignalPCAN", prepare: prepare, eval: eval)
    }

    /// Entries the gain table needs (4 per msb interval up to 32, as TFLM's generator writes).
    static let tableCount = 4 * 32 - 3
    static let snrBits: UInt32 = 12
    static let outputBits: UInt32 = 6

    struct OpData { var snrShift: Int32; var channels: Int32 }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 3, context.outputCount == 1 else { throw context.invalid("SignalPCAN takes three inputs and one output") }
        let options = try context.customOptions()
        let snrShift = try context.option { () throws(FormatError) in try options.int32("snr_shift") }
        let input = try context.requiredInput(0), noise = try context.requiredInput(1), table = try context.requiredInput(2)
        let output = try context.requiredOutput(0)
        for tensor in [input, noise, output] where tensor.type != .uint32 { throw context.unsupported(tensor) }
        guard table.type == .int16 else { throw context.unsupported(table) }
        guard input.rank == 1, noise.rank == 1, table.rank == 1, output.rank == 1 else { throw context.invalid("all tensors must be vectors") }
        guard input.elementCount > 0, noise.elementCount == input.elementCount, output.elementCount == input.elementCount else {
            throw context.invalid("channels, noise estimate and output must have one non-zero length")
        }
        guard table.elementCount >= tableCount else { throw context.invalid("gain_lut must have at least 125 entries") }
        guard snrShift >= 0, snrShift < 64 else { throw context.invalid("snr_shift must be in 0..<64") }
        context.setOpData(OpData(snrShift: snrShift, channels: Int32(input.elementCount)))
    }

    /// TFLM's WideDynamicFunction: the gain for noise level `x`.
    static func gain(_ x: UInt32, _ table: UnsafePointer<Int16>) -> Int16 {
        if x <= 2 { return table[Int(x)] }
        let interval = Int32(SignalFixedPoint.mostSignificantBit32(x))
        let base = Int(4 * interval - 6)
        let shifted = interval < 11 ? x << UInt32(11 - interval) : x >> UInt32(interval - 11)
        let fraction = Int32(Int16(truncatingIfNeeded: shifted & 0x3FF))
        var result = (Int32(table[base + 2]) &* fraction) >> 5
        result &+= Int32(bitPattern: UInt32(bitPattern: Int32(table[base + 1])) << 5)
        result &*= fraction
        result = (result &+ (1 << 14)) >> 15
        result &+= Int32(table[base])
        return Int16(truncatingIfNeeded: result)
    }

    /// x²/4 below 2, x − 1 above (x with 12 fraction bits, result with 6).
    static func shrink(_ x: UInt32) -> UInt32 {
        if x < (2 << snrBits) { return (x &* x) >> (2 + 2 * snrBits - outputBits) }
        return (x >> (snrBits - outputBits)) &- (1 << outputBits)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let input = context.input(0, as: UInt32.self), noise = context.input(1, as: UInt32.self)
        let table = context.input(2, as: Int16.self), output = context.output(0, as: UInt32.self)
        let shift = UInt64(data.snrShift)
        for channel in 0..<Int(data.channels) {
            let gain = UInt32(bitPattern: Int32(gain(noise[channel], table)))
            let snr = UInt32(truncatingIfNeeded: (UInt64(input[channel]) &* UInt64(gain)) >> shift)
            output[channel] = shrink(snr)
        }
    }
}
