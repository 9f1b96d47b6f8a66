import SwiftletFormat

/// SignalFftAutoScale: shifts int16 samples left as far as the largest magnitude
/// allows (so the int16 FFT keeps precision) and outputs the shift as an int32 scalar.
public enum SignalFftAutoScale {
    /// The kernel's registration (custom code `SignalFftAutoScale`).
    public static var registration: KernelRegistration {
        KernelRegistration(code: .custom, customName: "SignalFftAutoScale", prepare: prepare, eval: eval)
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1, context.outputCount == 2 else { throw context.invalid("SignalFftAutoScale takes one input and two outputs") }
        let input = try context.requiredInput(0), output = try context.requiredOutput(0), shift = try context.requiredOutput(1)
        guard input.type == .int16 else { throw context.unsupported(input) }
        guard output.type == .int16 else { throw context.unsupported(output) }
        guard shift.type == .int32 else { throw context.unsupported(shift) }
        guard input.rank == 1, output.rank == 1, shift.rank == 0, output.elementCount == input.elementCount else {
            throw context.invalid("input and output must be vectors of one size, the shift a scalar")
        }
        context.setOpData(Int32(input.elementCount))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let count = Int(context.opData(as: Int32.self).pointee)
        let input = context.input(0, as: Int16.self), output = context.output(0, as: Int16.self)
        var largest: Int16 = 0
        for index in 0..<count {
            // As TFLM's MaxAbs16: compared in int, stored in int16 (so -32768 stays -32768).
            let value = Int32(input[index])
            if value > Int32(largest) { largest = Int16(value) } else if -value > Int32(largest) { largest = Int16(truncatingIfNeeded: -value) }
        }
        var shift = 16 - SignalFixedPoint.mostSignificantBit32(UInt32(bitPattern: Int32(largest))) - 1
        if shift <= 0 { shift = 0 }
        for index in 0..<count {
            output[index] = Int16(truncatingIfNeeded: Int32(input[index]) &* (Int32(1) << Int32(shift)))
        }
        context.output(1, as: Int32.self).pointee = Int32(shift)
    }
}
