import SwiftletFormat

/// SignalWindow (TFLM signal library): multiplies each frame of int16 samples by
/// int16 window weights and shifts right by `shift`, saturating to int16.
public enum SignalWindow {
    /// The kernel's registration (custom code `SignalWindow`).
    public static var registration: KernelRegistration {
        KernelRegistration(code: .custom, customName: "SignalWindow", prepare: prepare, eval: eval)
    }

    struct OpData { var shift: Int32; var size: Int32; var weightCount: Int32 }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("SignalWindow takes input and weights, and one output") }
        let options = try context.customOptions()
        let shift = try context.option { () throws(FormatError) in try options.int32("shift") }
        let input = try context.requiredInput(0), weights = try context.requiredInput(1), output = try context.requiredOutput(0)
        for tensor in [input, weights, output] where tensor.type != .int16 { throw context.unsupported(tensor) }
        guard input.rank >= 1, weights.rank == 1, input.rank == output.rank else { throw context.invalid("weights must be rank 1 and output the input's rank") }
        let weightCount = weights.elementCount
        guard weightCount > 0, input.elementCount % weightCount == 0, output.elementCount == input.elementCount else {
            throw context.invalid("the input must be whole frames of the weights' length, and the output its size")
        }
        guard shift >= 0, shift < 32 else { throw context.invalid("shift must be in 0..<32") }
        context.setOpData(OpData(shift: shift, size: Int32(input.elementCount), weightCount: Int32(weightCount)))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let input = context.input(0, as: Int16.self), weights = context.input(1, as: Int16.self)
        let output = context.output(0, as: Int16.self)
        let count = Int(data.weightCount)
        var start = 0
        while start < Int(data.size) {
            for index in 0..<count {
                let raw = (Int32(input[start + index]) * Int32(weights[index])) >> data.shift
                output[start + index] = Int16(clamping: raw)
            }
            start += count
        }
    }
}
