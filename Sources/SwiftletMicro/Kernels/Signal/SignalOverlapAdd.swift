import SwiftletFormat

/// SignalOverlapAdd: the inverse of framing. Input `[..., frames, frame_size]`,
/// output `[..., frames * frame_step]`: each frame is added into a per-row
/// accumulator of `frame_size` samples (arena memory), whose first `frame_step`
/// samples are then emitted and shifted out. int16 (sums saturate to int16) and
/// float32, chosen by the `T` option. `reset()` zeroes the accumulators.
public enum SignalOverlapAdd {
    /// The kernel's registration (custom code `SignalOverlapAdd`).
    public static var registration: KernelRegistration {
        KernelRegistration(code: .custom, customName: "SignalOverlapAdd", prepare: prepare, eval: eval, reset: reset)
    }

    struct OpData {
        var frameSize: Int32, frameStep: Int32, rows: Int32, framesPerRow: Int32
        var isFloat: Bool
        /// `rows * frame_size` accumulator values (Int16 or Float).
        var state: UnsafeMutableRawPointer
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1, context.outputCount == 1 else { throw context.invalid("SignalOverlapAdd takes one input and one output") }
        let options = try context.customOptions()
        let type = TensorType(rawValue: Int8(truncatingIfNeeded: try context.option { () throws(FormatError) in try options.int32("T") }))
        let frameStep = Int(try context.option { () throws(FormatError) in try options.int32("frame_step") })
        let input = try context.requiredInput(0), output = try context.requiredOutput(0)
        guard type == .int16 || type == .float32 else { throw .unsupportedFeature("SignalOverlapAdd with T other than INT16 or FLOAT32") }
        guard input.type == type else { throw context.unsupported(input) }
        guard output.type == type else { throw context.unsupported(output) }
        guard input.rank >= 2, output.rank == input.rank - 1 else { throw context.invalid("the input must be [..., frames, frame_size] and the output one rank less") }
        let frameSize = input.dimension(-1), frames = input.dimension(-2)
        guard frameSize > 0, frames > 0, frameStep > 0, frameStep <= frameSize else {
            throw context.invalid("frames must be non-empty and 0 < frame_step <= frame_size")
        }
        let rows = input.elementCount / (frameSize * frames)
        guard output.dimension(-1) == frames * frameStep, output.elementCount == rows * frames * frameStep else {
            throw context.invalid("the output must hold frames * frame_step samples per row")
        }
        let state: UnsafeMutableRawPointer
        if type == .float32 {
            state = UnsafeMutableRawPointer(context.allocateArray(Float.self, count: rows * frameSize).baseAddress!)
        } else {
            state = UnsafeMutableRawPointer(context.allocateArray(Int16.self, count: rows * frameSize).baseAddress!)
        }
        context.setOpData(OpData(frameSize: Int32(frameSize), frameStep: Int32(frameStep), rows: Int32(rows),
                                 framesPerRow: Int32(frames), isFloat: type == .float32, state: state))
    }

    static func reset(_ opData: UnsafeMutableRawPointer?) {
        guard let data = opData?.assumingMemoryBound(to: OpData.self).pointee else { return }
        let count = Int(data.rows * data.frameSize)
        if data.isFloat {
            data.state.assumingMemoryBound(to: Float.self).update(repeating: 0, count: count)
        } else {
            data.state.assumingMemoryBound(to: Int16.self).update(repeating: 0, count: count)
        }
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        if data.isFloat {
            run(data, context.input(0, as: Float.self), context.output(0, as: Float.self)) { $0 + $1 }
        } else {
            run(data, context.input(0, as: Int16.self), context.output(0, as: Int16.self)) { Int16(clamping: Int32($0) + Int32($1)) }
        }
    }

    @inline(__always)
    static func run<T: Numeric>(_ data: OpData, _ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>, add: (T, T) -> T) {
        let frameSize = Int(data.frameSize), frameStep = Int(data.frameStep), frames = Int(data.framesPerRow)
        let state = data.state.assumingMemoryBound(to: T.self)
        for row in 0..<Int(data.rows) {
            let accumulator = state + row * frameSize
            for frame in 0..<frames {
                let index = row * frames + frame
                let samples = input + index * frameSize, emitted = output + index * frameStep
                for i in 0..<frameSize { accumulator[i] = add(samples[i], accumulator[i]) }
                for i in 0..<frameStep { emitted[i] = accumulator[i] }
                for i in 0..<(frameSize - frameStep) { accumulator[i] = accumulator[i + frameStep] }
                for i in (frameSize - frameStep)..<frameSize { accumulator[i] = .zero }
            }
        }
    }
}
