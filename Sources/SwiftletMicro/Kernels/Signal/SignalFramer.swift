import SwiftletFormat

/// SignalFramer: cuts each row of int16 samples (the innermost dimension, a
/// whole number of `frame_step` hops) into overlapping frames of `frame_size`,
/// carrying the unfinished frame's samples to the next invoke in a ring per row
/// (arena memory). With `prefill` the rings start with `frame_size - frame_step`
/// zeros, so every frame is ready at once. The bool scalar output is false when
/// some frame of this invoke was not ready yet; such frames' outputs are left
/// untouched, as in TFLM. `reset()` restores the initial rings.
public enum SignalFramer {
    /// The kernel's registration (custom code `SignalFramer`).
    public static var registration: KernelRegistration {
        KernelRegistration(code: .custom, customName: "SignalFramer", prepare: prepare, eval: eval, reset: reset)
    }

    struct OpData {
        var frameSize: Int32, frameStep: Int32, rows: Int32, framesPerRow: Int32
        var prefill: Bool
        var rings: UnsafeMutablePointer<SignalSampleRing>
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1, context.outputCount == 2 else { throw context.invalid("SignalFramer takes one input and two outputs (frames, valid)") }
        let options = try context.customOptions()
        let frameSize = Int(try context.option { () throws(FormatError) in try options.int32("frame_size") })
        let frameStep = Int(try context.option { () throws(FormatError) in try options.int32("frame_step") })
        let prefill = try context.option { () throws(FormatError) in try options.bool("prefill") }
        let input = try context.requiredInput(0), output = try context.requiredOutput(0), valid = try context.requiredOutput(1)
        guard input.type == .int16 else { throw context.unsupported(input) }
        guard output.type == .int16 else { throw context.unsupported(output) }
        guard valid.type == .bool else { throw context.unsupported(valid) }
        guard input.rank >= 1, output.rank == input.rank + 1, valid.rank == 0 else {
            throw context.invalid("the output must have one dimension more than the input, and valid must be a scalar")
        }
        guard frameSize > 0, frameStep > 0, !prefill || frameSize >= frameStep else {
            throw context.invalid("frame_size and frame_step must be positive (frame_size >= frame_step with prefill)")
        }
        let rowLength = input.dimension(-1)
        guard rowLength >= frameStep, rowLength % frameStep == 0 else {
            throw context.invalid("the input's innermost dimension must be a positive multiple of frame_step")
        }
        let rows = input.elementCount / rowLength, framesPerRow = rowLength / frameStep
        guard output.dimension(-1) == frameSize, output.elementCount == rows * framesPerRow * frameSize else {
            throw context.invalid("the output must hold input_length / frame_step frames of frame_size per row")
        }
        // Room for a frame, rounded up to whole hops: what is held before a write is
        // always at most capacity - frame_step.
        let capacity = (frameSize + frameStep - 1) / frameStep * frameStep
        let rings = context.allocateArray(SignalSampleRing.self, count: rows)
        let storage = context.allocateArray(Int16.self, count: rows * capacity)
        for row in 0..<rows {
            (rings.baseAddress! + row).initialize(to: SignalSampleRing(storage: storage.baseAddress! + row * capacity, capacity: capacity))
        }
        let data = OpData(frameSize: Int32(frameSize), frameStep: Int32(frameStep), rows: Int32(rows),
                          framesPerRow: Int32(framesPerRow), prefill: prefill, rings: rings.baseAddress!)
        restart(data)
        context.setOpData(data)
    }

    static func restart(_ data: OpData) {
        for row in 0..<Int(data.rows) {
            data.rings[row].clear()
            if data.prefill { data.rings[row].appendZeros(Int(data.frameSize - data.frameStep)) }
        }
    }

    static func reset(_ opData: UnsafeMutableRawPointer?) {
        guard let data = opData?.assumingMemoryBound(to: OpData.self).pointee else { return }
        restart(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let input = context.input(0, as: Int16.self), output = context.output(0, as: Int16.self)
        let frameSize = Int(data.frameSize), frameStep = Int(data.frameStep), framesPerRow = Int(data.framesPerRow)
        var valid = true
        for row in 0..<Int(data.rows) {
            for frame in 0..<framesPerRow {
                let index = row * framesPerRow + frame
                data.rings[row].append(input + index * frameStep, frameStep)
                if Int(data.rings[row].count) >= frameSize {
                    data.rings[row].peek(frameSize, into: output + index * frameSize)
                    data.rings[row].drop(frameStep)
                } else {
                    valid = false
                }
            }
        }
        context.output(1, as: Bool.self).pointee = valid
    }
}
