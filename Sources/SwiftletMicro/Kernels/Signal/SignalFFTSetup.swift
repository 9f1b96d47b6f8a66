import SwiftletFormat

/// What SignalRfft and SignalIrfft read and check alike in `prepare`: the `T` and
/// `fft_length` options, one input and one output of type `T` (INT16, INT32 or
/// FLOAT32) with the same rank, and a power-of-two `fft_length` in 4...16384.
struct SignalFFTSetup {
    let type: TensorType
    let fftLength: Int
    let input: TensorView
    let output: TensorView

    init(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1, context.outputCount == 1 else { throw context.invalid("a signal FFT takes one input and one output") }
        let options = try context.customOptions()
        type = TensorType(rawValue: Int8(truncatingIfNeeded: try context.option { () throws(FormatError) in try options.int32("T") }))
        fftLength = Int(try context.option { () throws(FormatError) in try options.int32("fft_length") })
        input = try context.requiredInput(0)
        output = try context.requiredOutput(0)
        guard type == .int16 || type == .int32 || type == .float32 else {
            throw context.invalid("the T option must be INT16, INT32 or FLOAT32")
        }
        guard input.type == type else { throw context.unsupported(input) }
        guard output.type == type else { throw context.unsupported(output) }
        guard input.rank >= 1, input.rank == output.rank else { throw context.invalid("input and output must have the same rank") }
        guard fftLength >= 4, fftLength <= 1 << 14, fftLength & (fftLength - 1) == 0 else {
            throw .unsupportedFeature("a signal FFT (SignalRfft/SignalIrfft) with an fft_length that is not a power of two in 4...16384")
        }
    }
}
