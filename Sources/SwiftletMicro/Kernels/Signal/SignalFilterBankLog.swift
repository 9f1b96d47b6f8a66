import SwiftletFormat

/// SignalFilterBankLog: scaled natural log of each uint32 channel (after a left
/// shift by `input_correction_bits`), as int16 saturated at 32767; 0 for values ≤ 1.
public enum SignalFilterBankLog {
    /// The kernel's registration (custom code `SignalFilterBankLog`).
    public static var registration: KernelRegistration {
        KernelRegistration(code: .custom, customName: "SignalFilterBankLog", prepare: prepare, eval: eval)
    }

    struct OpData { var correctionBits: UInt32; var outputScale: UInt32; var channels: Int32 }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1, context.outputCount == 1 else { throw context.invalid("SignalFilterBankLog takes one input and one output") }
        let options = try context.customOptions()
        let correction = try context.option { () throws(FormatError) in try options.int32("input_correction_bits") }
        let scale = try context.option { () throws(FormatError) in try options.int32("output_scale") }
        let input = try context.requiredInput(0), output = try context.requiredOutput(0)
        guard input.type == .uint32 else { throw context.unsupported(input) }
        guard output.type == .int16 else { throw context.unsupported(output) }
        guard input.rank == 1, output.rank == 1, output.elementCount >= input.elementCount else { throw context.invalid("input and output must be vectors of one size") }
        guard correction >= 0, correction < 32 else { throw context.invalid("input_correction_bits must be in 0..<32") }
        context.setOpData(OpData(correctionBits: UInt32(correction), outputScale: UInt32(bitPattern: scale), channels: Int32(input.elementCount)))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let input = context.input(0, as: UInt32.self), output = context.output(0, as: Int16.self)
        for channel in 0..<Int(data.channels) {
            let scaled = input[channel] << data.correctionBits
            if scaled > 1 {
                let value = SignalFixedPoint.log32(scaled, outputScale: data.outputScale)
                output[channel] = Int16(value < 32767 ? value : 32767)
            } else {
                output[channel] = 0
            }
        }
    }
}
