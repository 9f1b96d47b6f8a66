import SwiftletFormat

/// SignalFilterBankSquareRoot: rounded integer square root of each uint64 channel,
/// shifted right by the int32 scalar second input (the FFT auto-scale shift).
public enum SignalFilterBankSquareRoot {
    /// The kernel's registration (custom code `SignalFilterBankSquareRoot`).
    public static var registration: KernelRegistration {
        KernelRegistration(code: .custom, customName: "SignalFilterBankSquareRoot", prepare: prepare, eval: eval)
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("SignalFilterBankSquareRoot takes two inputs and one output") }
        let input = try context.requiredInput(0), shift = try context.requiredInput(1), output = try context.requiredOutput(0)
        guard input.type == .uint64 else { throw context.unsupported(input) }
        guard shift.type == .int32 else { throw context.unsupported(shift) }
        guard output.type == .uint32 else { throw context.unsupported(output) }
        guard input.rank == 1, shift.rank == 0, output.rank == 1, output.elementCount >= input.elementCount else {
            throw context.invalid("input and output must be vectors of one size, the shift a scalar")
        }
        context.setOpData(Int32(input.elementCount))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let count = Int(context.opData(as: Int32.self).pointee)
        let input = context.input(0, as: UInt64.self), output = context.output(0, as: UInt32.self)
        let shift = context.input(1, as: Int32.self).pointee
        guard shift >= 0, shift < 32 else { throw .kernelFailure(op: "SignalFilterBankSquareRoot", reason: "the scale shift is outside 0..<32") }
        for index in 0..<count { output[index] = SignalFixedPoint.sqrt64(input[index]) >> UInt32(shift) }
    }
}
