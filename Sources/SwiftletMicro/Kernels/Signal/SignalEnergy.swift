import SwiftletFormat

/// SignalEnergy: squared magnitude (re² + im², as uint32) of the int16 complex
/// spectrum bins in `start_index..<end_index`. Bins outside stay untouched, as in TFLM.
public enum SignalEnergy {
    /// The kernel's registration (custom code `SignalEnergy`).
    public static var registration: KernelRegistration {
        KernelRegistration(code: .custom, customName: "SignalEnergy", prepare: prepare, eval: eval)
    }

    struct OpData { var start: Int32; var end: Int32 }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1, context.outputCount == 1 else { throw context.invalid("SignalEnergy takes one input and one output") }
        let options = try context.customOptions()
        let start = try context.option { () throws(FormatError) in try options.int32("start_index") }
        let end = try context.option { () throws(FormatError) in try options.int32("end_index") }
        let input = try context.requiredInput(0), output = try context.requiredOutput(0)
        guard input.type == .int16 else { throw context.unsupported(input) }
        guard output.type == .uint32 else { throw context.unsupported(output) }
        guard input.rank == 1, output.rank == 1 else { throw context.invalid("input and output must be vectors") }
        guard start >= 0, start <= end, Int(end) <= output.elementCount, Int(end) * 2 <= input.elementCount else {
            throw context.invalid("start_index..<end_index must lie within the spectrum and the output")
        }
        context.setOpData(OpData(start: start, end: end))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let input = context.input(0, as: Int16.self), output = context.output(0, as: UInt32.self)
        for bin in Int(data.start)..<Int(data.end) {
            let real = Int32(input[2 * bin]), imaginary = Int32(input[2 * bin + 1])
            output[bin] = UInt32(bitPattern: real &* real &+ imaginary &* imaginary)
        }
    }
}
