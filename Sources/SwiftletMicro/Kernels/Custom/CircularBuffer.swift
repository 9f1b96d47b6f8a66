import SwiftletFormat

/// CIRCULAR_BUFFER (TFLM custom op for streaming models): each invoke shifts the
/// int8 output `[1, slots, 1, depth]` back by one slot and appends the input
/// `[1, 1, 1, depth]`. The output tensor itself carries the history between
/// invokes. With `cycles_max` > 1 (from the FlexBuffers options) the rest of the
/// graph runs only every `cycles_max`-th invoke: on the other invokes `invoke()`
/// stops after this operator with `MicroError.kernelFailure` ("cycle not reached"),
/// where TFLM returns kTfLiteAbort. `reset()` restarts the cycle count.
public enum CircularBuffer {
    /// The kernel's registration (custom code `CIRCULAR_BUFFER`).
    public static var registration: KernelRegistration {
        KernelRegistration(code: .custom, customName: "CIRCULAR_BUFFER", prepare: prepare, eval: eval, reset: reset)
    }

    struct OpData { var cyclesMax: Int32; var cyclesUntilRun: Int32; var slots: Int32; var depth: Int32 }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1, context.outputCount == 1 else { throw context.invalid("CIRCULAR_BUFFER takes one input and one output") }
        var cyclesMax: Int32 = 0
        if !context.op.customOptions.isEmpty {
            let options = try context.customOptions()
            cyclesMax = try context.option { () throws(FormatError) in try options.int32("cycles_max") }
        }
        let input = try context.requiredInput(0), output = try context.requiredOutput(0)
        guard input.type == .int8 else { throw context.unsupported(input) }
        guard output.type == .int8 else { throw context.unsupported(output) }
        guard input.rank == 4, output.rank == 4, input.dimension(0) == output.dimension(0), input.dimension(1) == 1,
              input.dimension(2) == output.dimension(2), input.dimension(3) == output.dimension(3), output.dimension(1) >= 1 else {
            throw context.invalid("the input must be [1, 1, W, D] and the output [1, slots, W, D]")
        }
        // TFLM's default period when the options give none (its two streaming models).
        if cyclesMax <= 0 { cyclesMax = [5, 13, 25].contains(output.dimension(1)) ? 1 : 2 }
        context.setOpData(OpData(cyclesMax: cyclesMax, cyclesUntilRun: cyclesMax, slots: Int32(output.dimension(1)),
                                 depth: Int32(output.dimension(2) * output.dimension(3))))
    }

    static func reset(_ opData: UnsafeMutableRawPointer?) {
        guard let data = opData?.assumingMemoryBound(to: OpData.self) else { return }
        data.pointee.cyclesUntilRun = data.pointee.cyclesMax
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self)
        let input = context.input(0, as: Int8.self), output = context.output(0, as: Int8.self)
        let depth = Int(data.pointee.depth), slots = Int(data.pointee.slots)
        for index in 0..<((slots - 1) * depth) { output[index] = output[index + depth] }
        for index in 0..<depth { output[(slots - 1) * depth + index] = input[index] }
        data.pointee.cyclesUntilRun -= 1
        if data.pointee.cyclesUntilRun != 0 {
            throw .kernelFailure(op: "CIRCULAR_BUFFER", reason: "cycle not reached; the operators after it did not run (TFLM's kTfLiteAbort)")
        }
        data.pointee.cyclesUntilRun = data.pointee.cyclesMax
    }
}
