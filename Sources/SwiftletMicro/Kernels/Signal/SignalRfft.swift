import SwiftletFormat

/// SignalRfft: real FFT of each int16 frame (zero-padded to `fft_length`) into
/// `fft_length / 2 + 1` complex int16 bins, bit-exact with TFLM's KISS FFT build.
/// Only the int16 variant (`T` = INT16) is implemented; float and int32 throw.
public enum SignalRfft {
    /// The kernel's registration (custom code `SignalRfft`).
    public static var registration: KernelRegistration {
        KernelRegistration(code: .custom, customName: "SignalRfft", prepare: prepare, eval: eval)
    }

    struct OpData {
        var fft: KissFFTInt16
        var fftLength: Int32
        var inputLength: Int32
        var inputSize: Int32
        var outputStride: Int32
        var scratch: ScratchHandle
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1, context.outputCount == 1 else { throw context.invalid("SignalRfft takes one input and one output") }
        let options = try context.customOptions()
        let type = try context.option { () throws(FormatError) in try options.int32("T") }
        let fftLength = Int(try context.option { () throws(FormatError) in try options.int32("fft_length") })
        let input = try context.requiredInput(0), output = try context.requiredOutput(0)
        guard type == Int32(TensorType.int16.rawValue) else { throw .unsupportedFeature("SignalRfft with float32 or int32 data (only int16 is implemented)") }
        guard input.type == .int16 else { throw context.unsupported(input) }
        guard output.type == .int16 else { throw context.unsupported(output) }
        guard input.rank >= 1, input.rank == output.rank else { throw context.invalid("input and output must have the same rank") }
        guard fftLength >= 4, fftLength <= 1 << 14, fftLength & (fftLength - 1) == 0 else {
            throw .unsupportedFeature("SignalRfft with an fft_length that is not a power of two in 4...16384")
        }
        let inputLength = input.dimension(-1)
        let frames = inputLength > 0 ? input.elementCount / inputLength : 0
        guard inputLength > 0, inputLength <= fftLength, output.dimension(-1) == fftLength + 2,
              output.elementCount == frames * (fftLength + 2) else {
            throw context.invalid("frames must be at most fft_length long and the output fft_length / 2 + 1 complex bins per frame")
        }
        let sizes = KissFFTInt16.tableSizes(realLength: fftLength)
        let twiddles = context.allocateArray(Int16.self, count: sizes.twiddles)
        let superTwiddles = context.allocateArray(Int16.self, count: max(sizes.superTwiddles, 1))
        let factors = context.allocateArray(Int32.self, count: sizes.factors)
        let fft = KissFFTInt16(realLength: fftLength, twiddles: twiddles.baseAddress!, superTwiddles: superTwiddles.baseAddress!,
                               factors: factors.baseAddress!)
        // Scratch: the zero-padded frame, then the half-length complex FFT.
        let scratch = context.requestScratch(bytes: 2 * fftLength * MemoryLayout<Int16>.size)
        context.setOpData(OpData(fft: fft, fftLength: Int32(fftLength), inputLength: Int32(inputLength),
                                 inputSize: Int32(input.elementCount), outputStride: Int32(fftLength + 2), scratch: scratch))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let input = context.input(0, as: Int16.self), output = context.output(0, as: Int16.self)
        let frame = context.scratch(data.scratch).assumingMemoryBound(to: Int16.self)
        let fftLength = Int(data.fftLength), inputLength = Int(data.inputLength)
        let work = frame + fftLength
        var inputIndex = 0, outputIndex = 0
        while inputIndex < Int(data.inputSize) {
            for index in 0..<inputLength { frame[index] = input[inputIndex + index] }
            for index in inputLength..<fftLength { frame[index] = 0 }
            data.fft.transform(frame, output + outputIndex, work: work)
            inputIndex += inputLength
            outputIndex += Int(data.outputStride)
        }
    }
}
