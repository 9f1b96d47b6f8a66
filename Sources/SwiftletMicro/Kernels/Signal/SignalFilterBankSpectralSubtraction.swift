import SwiftletFormat

/// SignalFilterBankSpectralSubtraction: noise reduction. Keeps a per-channel noise
/// estimate (a low-pass filter of the signal, in the arena's persistent region,
/// zeroed by `reset()`), subtracts it and floors the result at a fraction of the
/// signal. Outputs the cleaned channels and a copy of the estimate.
public enum SignalFilterBankSpectralSubtraction {
    /// The kernel's registration (custom code `SignalFilterBankSpectralSubtraction`).
    public static var registration: KernelRegistration {
        KernelRegistration(code: .custom, customName: "SignalFilterBankSpectralSubtraction", prepare: prepare, eval: eval, reset: reset)
    }

    struct OpData {
        var channels: Int32
        var smoothing: UInt32, oneMinusSmoothing: UInt32
        var alternateSmoothing: UInt32, alternateOneMinusSmoothing: UInt32
        var minSignalRemaining: UInt32
        var smoothingBits: UInt32, spectralSubtractionBits: UInt32
        var clamping: Bool
        var estimate: UnsafeMutablePointer<UInt32>
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1, context.outputCount == 2 else { throw context.invalid("SignalFilterBankSpectralSubtraction takes one input and two outputs") }
        let options = try context.customOptions()
        func int(_ key: StaticString) throws(MicroError) -> UInt32 {
            UInt32(bitPattern: try context.option { () throws(FormatError) in try options.int32(key) })
        }
        let channels = Int(try int("num_channels"))
        let input = try context.requiredInput(0), output = try context.requiredOutput(0), estimate = try context.requiredOutput(1)
        for tensor in [input, output, estimate] {
            guard tensor.type == .uint32 else { throw context.unsupported(tensor) }
            guard tensor.rank == 1, tensor.elementCount == channels else { throw context.invalid("input and outputs must be vectors of num_channels") }
        }
        let smoothingBits = try int("smoothing_bits"), subtractionBits = try int("spectral_subtraction_bits")
        guard channels > 0, smoothingBits < 32, subtractionBits < 64 else { throw context.invalid("num_channels must be positive and the bit counts in range") }
        let state = context.allocateArray(UInt32.self, count: channels)
        context.setOpData(OpData(
            channels: Int32(channels), smoothing: try int("smoothing"), oneMinusSmoothing: try int("one_minus_smoothing"),
            alternateSmoothing: try int("alternate_smoothing"), alternateOneMinusSmoothing: try int("alternate_one_minus_smoothing"),
            minSignalRemaining: try int("min_signal_remaining"), smoothingBits: smoothingBits, spectralSubtractionBits: subtractionBits,
            clamping: try context.option { () throws(FormatError) in try options.bool("clamping") }, estimate: state.baseAddress!))
    }

    static func reset(_ opData: UnsafeMutableRawPointer?) {
        guard let data = opData?.assumingMemoryBound(to: OpData.self).pointee else { return }
        data.estimate.update(repeating: 0, count: Int(data.channels))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let input = context.input(0, as: UInt32.self), output = context.output(0, as: UInt32.self)
        let estimate = data.estimate
        let bits = UInt64(data.spectralSubtractionBits)
        for channel in 0..<Int(data.channels) {
            let even = channel & 1 == 0
            let smoothing = UInt64(even ? data.smoothing : data.alternateSmoothing)
            let oneMinus = UInt64(even ? data.oneMinusSmoothing : data.alternateOneMinusSmoothing)
            let signal = input[channel] << data.smoothingBits
            estimate[channel] = UInt32(truncatingIfNeeded: (UInt64(signal) &* smoothing &+ UInt64(estimate[channel]) &* oneMinus) >> bits)
            var scaledEstimate = estimate[channel]
            if scaledEstimate > signal {
                scaledEstimate = signal
                if data.clamping { estimate[channel] = scaledEstimate }
            }
            let floor = UInt32(truncatingIfNeeded: (UInt64(input[channel]) &* UInt64(data.minSignalRemaining)) >> bits)
            let subtracted = (signal - scaledEstimate) >> data.smoothingBits
            output[channel] = subtracted > floor ? subtracted : floor
        }
        let copy = context.output(1, as: UInt32.self)
        for channel in 0..<Int(data.channels) { copy[channel] = estimate[channel] }
    }
}
