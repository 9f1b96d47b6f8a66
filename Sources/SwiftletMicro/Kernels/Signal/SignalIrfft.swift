import SwiftletFormat

/// SignalIrfft: inverse real FFT of each row of `fft_length / 2 + 1` complex bins
/// (interleaved re, im) into `fft_length` real samples, bit-exact with TFLM's KISS
/// FFT builds: int16 (Q15, scaled down 1/2 per radix-2 step as KISS's fixed point
/// does), int32 (Q31, likewise) and float32 (divided by `fft_length`), chosen by
/// the `T` option. Power-of-two `fft_length` only.
public enum SignalIrfft {
    /// The kernel's registration (custom code `SignalIrfft`).
    public static var registration: KernelRegistration {
        KernelRegistration(code: .custom, customName: "SignalIrfft", prepare: prepare, eval: eval)
    }

    struct OpData {
        var type: TensorType
        var fftLength: Int32
        var rows: Int32
        /// A `KissRealFFT<Int16 | Int32 | Float>` (same layout for each).
        var fft: UnsafeMutableRawPointer
        var scratch: ScratchHandle
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let setup = try SignalFFTSetup(&context)
        let type = setup.type, fftLength = setup.fftLength, input = setup.input, output = setup.output
        let rows = input.dimension(-1) > 0 ? input.elementCount / input.dimension(-1) : 0
        guard input.dimension(-1) == fftLength + 2, output.dimension(-1) == fftLength, output.elementCount == rows * fftLength else {
            throw context.invalid("each row must be fft_length / 2 + 1 complex bins in and fft_length samples out")
        }
        let fft: UnsafeMutableRawPointer, scalarBytes: Int
        switch type {
        case .int16: fft = make(Int16.self, fftLength, &context); scalarBytes = 2
        case .int32: fft = make(Int32.self, fftLength, &context); scalarBytes = 4
        default: fft = make(Float.self, fftLength, &context); scalarBytes = 4
        }
        let scratch = context.requestScratch(bytes: fftLength * scalarBytes)
        context.setOpData(OpData(type: type, fftLength: Int32(fftLength), rows: Int32(rows), fft: fft, scratch: scratch))
    }

    /// Builds the transform's tables in the arena and stores the transform there too.
    static func make<Scalar: KissFFTScalar>(_ type: Scalar.Type, _ fftLength: Int, _ context: inout PrepareContext) -> UnsafeMutableRawPointer {
        let sizes = KissRealFFT<Scalar>.tableSizes(realLength: fftLength)
        let twiddles = context.allocateArray(Scalar.self, count: sizes.twiddles)
        let superTwiddles = context.allocateArray(Scalar.self, count: max(sizes.superTwiddles, 1))
        let factors = context.allocateArray(Int32.self, count: sizes.factors)
        let fft = context.allocateArray(KissRealFFT<Scalar>.self, count: 1)
        fft.baseAddress!.initialize(to: KissRealFFT(realLength: fftLength, inverse: true, twiddles: twiddles.baseAddress!,
                                                           superTwiddles: superTwiddles.baseAddress!, factors: factors.baseAddress!))
        return UnsafeMutableRawPointer(fft.baseAddress!)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.type {
        case .int16: run(Int16.self, data, context.input(0, as: Int16.self), context.output(0, as: Int16.self), context.scratch(data.scratch))
        case .int32: run(Int32.self, data, context.input(0, as: Int32.self), context.output(0, as: Int32.self), context.scratch(data.scratch))
        default:
            let output = context.output(0, as: Float.self)
            run(Float.self, data, context.input(0, as: Float.self), output, context.scratch(data.scratch))
            let scale = Float(data.fftLength)
            for index in 0..<Int(data.rows * data.fftLength) { output[index] /= scale }
        }
    }

    @inline(__always)
    static func run<Scalar: KissFFTScalar>(_ type: Scalar.Type, _ data: OpData, _ input: UnsafePointer<Scalar>,
                                           _ output: UnsafeMutablePointer<Scalar>, _ scratch: UnsafeMutableRawPointer) {
        let fft = data.fft.assumingMemoryBound(to: KissRealFFT<Scalar>.self).pointee
        let work = scratch.assumingMemoryBound(to: Scalar.self)
        let length = Int(data.fftLength)
        for row in 0..<Int(data.rows) {
            fft.inverse(input + row * (length + 2), output + row * length, work: work)
        }
    }
}
