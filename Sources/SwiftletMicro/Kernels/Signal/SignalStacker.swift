import SwiftletFormat

/// SignalStacker: stacks `stacker_left_context + 1 + stacker_right_context`
/// consecutive int16 feature vectors of `num_channels` into one output vector,
/// advancing `stacker_step` vectors per output. The first vector is repeated
/// `stacker_left_context` extra times to pad the left context. The bool scalar
/// output says whether this invoke produced a stack (the stack output is left
/// untouched otherwise, as in TFLM). History lives in an arena ring; `reset()`
/// empties it and re-arms the first-vector padding.
public enum SignalStacker {
    /// The kernel's registration (custom code `SignalStacker`).
    public static var registration: KernelRegistration {
        KernelRegistration(code: .custom, customName: "SignalStacker", prepare: prepare, eval: eval, reset: reset)
    }

    struct OpData {
        var channels: Int32, leftContext: Int32, stackSize: Int32, stepSize: Int32
        var hasFirstVector: Bool
        var ring: SignalSampleRing
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1, context.outputCount == 2 else { throw context.invalid("SignalStacker takes one input and two outputs (stack, valid)") }
        let options = try context.customOptions()
        func int(_ key: StaticString) throws(MicroError) -> Int {
            Int(try context.option { () throws(FormatError) in try options.int32(key) })
        }
        let channels = try int("num_channels"), left = try int("stacker_left_context")
        let right = try int("stacker_right_context"), step = try int("stacker_step")
        let input = try context.requiredInput(0), output = try context.requiredOutput(0), valid = try context.requiredOutput(1)
        guard input.type == .int16 else { throw context.unsupported(input) }
        guard output.type == .int16 else { throw context.unsupported(output) }
        guard valid.type == .bool else { throw context.unsupported(valid) }
        guard input.rank == 1, output.rank == 1, valid.rank == 0 else { throw context.invalid("input and output must be vectors, valid a scalar") }
        guard channels > 0, left >= 0, right >= 0, step >= 1, step <= left + right + 1 else {
            throw context.invalid("num_channels must be positive, the contexts non-negative, and 1 <= stacker_step <= left + right + 1")
        }
        let stackSize = channels * (left + right + 1)
        guard input.elementCount == channels, output.elementCount == stackSize else {
            throw context.invalid("the input must be num_channels long and the output num_channels * (left + 1 + right)")
        }
        let storage = context.allocateArray(Int16.self, count: stackSize)
        context.setOpData(OpData(channels: Int32(channels), leftContext: Int32(left), stackSize: Int32(stackSize),
                                 stepSize: Int32(channels * step), hasFirstVector: false,
                                 ring: SignalSampleRing(storage: storage.baseAddress!, capacity: stackSize)))
    }

    static func reset(_ opData: UnsafeMutableRawPointer?) {
        guard let data = opData?.assumingMemoryBound(to: OpData.self) else { return }
        data.pointee.ring.clear()
        data.pointee.hasFirstVector = false
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self)
        let input = context.input(0, as: Int16.self), output = context.output(0, as: Int16.self)
        let channels = Int(data.pointee.channels), stackSize = Int(data.pointee.stackSize)
        data.pointee.ring.append(input, channels)
        if !data.pointee.hasFirstVector {
            data.pointee.ring.repeatNewest(channels, times: Int(data.pointee.leftContext))
            data.pointee.hasFirstVector = true
        }
        let ready = Int(data.pointee.ring.count) >= stackSize
        if ready {
            data.pointee.ring.peek(stackSize, into: output)
            data.pointee.ring.drop(Int(data.pointee.stepSize))
        }
        context.output(1, as: Bool.self).pointee = ready
    }
}
