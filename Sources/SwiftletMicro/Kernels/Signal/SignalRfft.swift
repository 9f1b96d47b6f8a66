import SwiftletFormat

/// SignalRfft: real FFT of each frame (zero-padded to `fft_length`) into
/// `fft_length / 2 + 1` complex bins (interleaved re, im), bit-exact with TFLM's
/// KISS FFT builds: int16 (Q15), int32 (Q31) and float32, chosen by the `T`
/// option. Power-of-two `fft_length` only.
public enum SignalRfft {
    /// The kernel's registration (custom code `SignalRfft`).
    public static var registration: KernelRegistration {
        KernelRegistration(code: .custom, customName: "SignalRfft", prepare: prepare, eval: eval)
    }

    struct OpData {
        var type: TensorType
        var fftLength: Int32
        var inputLength: Int32
        var frames: Int32
        /// A `KissRealFFT<Int16 | Int32 | Float>` with forward tables.
        var fft: UnsafeMutableRawPointer
        var scratch: ScratchHandle
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let setup = try SignalFFTSetup(&context)
        let type = setup.type, fftLength = setup.fftLength, input = setup.input, output = setup.output
        let inputLength = input.dimension(-1)
        let frames = inputLength > 0 ? input.elementCount / inputLength : 0
        guard inputLength > 0, inputLength <= fftLength, output.dimension(-1) == fftLength + 2,
              output.elementCount == frames * (fftLength + 2) else {
            throw context.invalid("frames must be at most fft_length long and the output fft_length / 2 + 1 complex bins per frame")
        }
        let fft: UnsafeMutableRawPointer, scalarBytes: Int
        switch type {
        case .int16: fft = make(Int16.self, fftLength, &context); scalarBytes = 2
        case .int32: fft = make(Int32.self, fftLength, &context); scalarBytes = 4
        default: fft = make(Float.self, fftLength, &context); scalarBytes = 4
        }
        // Scratch: the zero-padded frame, then the half-length complex FFT.
        let scratch = context.requestScratch(bytes: 2 * fftLength * scalarBytes)
        context.setOpData(OpData(type: type, fftLength: Int32(fftLength), inputLength: Int32(inputLength),
                                 frames: Int32(frames), fft: fft, scratch: scratch))
    }

    /// Builds the transform's tables in the arena and stores the transform there too.
    static func make<Scalar: KissFFTScalar>(_ type: Scalar.Type, _ fftLength: Int, _ context: inout PrepareContext) -> UnsafeMutableRawPointer {
        let sizes = KissRealFFT<Scalar>.tableSizes(realLength: fftLength)
        let twiddles = context.allocateArray(Scalar.self, count: sizes.twiddles)
        let superTwiddles = context.allocateArray(Scalar.self, count: max(sizes.superTwiddles, 1))
        let factors = context.allocateArray(Int32.self, count: sizes.factors)
        let fft = context.allocateArray(KissRealFFT<Scalar>.self, count: 1)
        fft.baseAddress!.initialize(to: KissRealFFT(realLength: fftLength, inverse: false, twiddles: twiddles.baseAddress!,
                                                    superTwiddles: superTwiddles.baseAddress!, factors: factors.baseAddress!))
        return UnsafeMutableRawPointer(fft.baseAddress!)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.type {
        case .int16: run(Int16.self, data, context.input(0, as: Int16.self), context.output(0, as: Int16.self), context.scratch(data.scratch))
        case .int32: run(Int32.self, data, context.input(0, as: Int32.self), context.output(0, as: Int32.self), context.scratch(data.scratch))
        default: run(Float.self, data, context.input(0, as: Float.self), context.output(0, as: Float.self), context.scratch(data.scratch))
        }
    }

    @inline(__always)
    static func run<Scalar: KissFFTScalar>(_ type: Scalar.Type, _ data: OpData, _ input: UnsafePointer<Scalar>,
                                           _ output: UnsafeMutablePointer<Scalar>, _ scratch: UnsafeMutableRawPointer) {
        let fft = data.fft.assumingMemoryBound(to: KissRealFFT<Scalar>.self).pointee
        let frame = scratch.assumingMemoryBound(to: Scalar.self)
        let fftLength = Int(data.fftLength), inputLength = Int(data.inputLength)
        let work = frame + fftLength
        for index in 0..<Int(data.frames) {
            for sample in 0..<inputLength { frame[sample] = input[index * inputLength + sample] }
            for sample in inputLength..<fftLength { frame[sample] = .zero }
            fft.forward(UnsafePointer(frame), output + index * (fftLength + 2), work: work)
        }
    }
}
