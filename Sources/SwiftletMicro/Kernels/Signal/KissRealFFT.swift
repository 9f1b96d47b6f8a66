/// The arithmetic of one KISS FFT build (v1.3.0, as TFLM's signal library
/// compiles it three times): FIXED_POINT=16 (Q15, int32 products), FIXED_POINT=32
/// (Q31, int64 products) and float. Fixed-point sums wrap as the C code's do.
protocol KissFFTScalar {
    static var zero: Self { get }
    /// `C_FIXDIV(x, k)`: scale by 1/k in fixed point (a no-op for float).
    static func fixDivide(_ x: Self, by k: Int32) -> Self
    static func add(_ a: Self, _ b: Self) -> Self
    static func subtract(_ a: Self, _ b: Self) -> Self
    static func negate(_ a: Self) -> Self
    /// `C_MUL`: the complex product (a.r, a.i) × (b.r, b.i), rounded as the build rounds.
    static func multiply(_ aR: Self, _ aI: Self, _ bR: Self, _ bI: Self) -> (Self, Self)
    /// `KISS_FFT_COS`/`KISS_FFT_SIN` of a twiddle component computed in Double.
    static func twiddle(_ value: Double) -> Self
    /// `HALF_OF(a + b)`: the sum (in int for the int16 build) halved.
    static func halfSum(_ a: Self, _ b: Self) -> Self
    /// `HALF_OF(a - b)`.
    static func halfDifference(_ a: Self, _ b: Self) -> Self
}

extension Int16: KissFFTScalar {
    @inline(__always) static func round15(_ x: Int32) -> Int16 { Int16(truncatingIfNeeded: (x &+ (1 << 14)) >> 15) }
    @inline(__always) static func fixDivide(_ x: Int16, by k: Int32) -> Int16 { round15(Int32(x) &* (32767 / k)) }
    @inline(__always) static func add(_ a: Int16, _ b: Int16) -> Int16 { a &+ b }
    @inline(__always) static func subtract(_ a: Int16, _ b: Int16) -> Int16 { a &- b }
    @inline(__always) static func negate(_ a: Int16) -> Int16 { 0 &- a }
    @inline(__always) static func multiply(_ aR: Int16, _ aI: Int16, _ bR: Int16, _ bI: Int16) -> (Int16, Int16) {
        (round15(Int32(aR) &* Int32(bR) &- Int32(aI) &* Int32(bI)), round15(Int32(aR) &* Int32(bI) &+ Int32(aI) &* Int32(bR)))
    }
    static func twiddle(_ value: Double) -> Int16 { Int16((0.5 + 32767 * value).rounded(.down)) }
    @inline(__always) static func halfSum(_ a: Int16, _ b: Int16) -> Int16 { Int16(truncatingIfNeeded: (Int32(a) + Int32(b)) >> 1) }
    @inline(__always) static func halfDifference(_ a: Int16, _ b: Int16) -> Int16 { Int16(truncatingIfNeeded: (Int32(a) - Int32(b)) >> 1) }
}

extension Int32: KissFFTScalar {
    @inline(__always) static func round31(_ x: Int64) -> Int32 { Int32(truncatingIfNeeded: (x &+ (1 << 30)) >> 31) }
    @inline(__always) static func fixDivide(_ x: Int32, by k: Int32) -> Int32 { round31(Int64(x) &* Int64(2147483647 / k)) }
    @inline(__always) static func add(_ a: Int32, _ b: Int32) -> Int32 { a &+ b }
    @inline(__always) static func subtract(_ a: Int32, _ b: Int32) -> Int32 { a &- b }
    @inline(__always) static func negate(_ a: Int32) -> Int32 { 0 &- a }
    @inline(__always) static func multiply(_ aR: Int32, _ aI: Int32, _ bR: Int32, _ bI: Int32) -> (Int32, Int32) {
        (round31(Int64(aR) &* Int64(bR) &- Int64(aI) &* Int64(bI)), round31(Int64(aR) &* Int64(bI) &+ Int64(aI) &* Int64(bR)))
    }
    static func twiddle(_ value: Double) -> Int32 { Int32((0.5 + 2147483647 * value).rounded(.down)) }
    @inline(__always) static func halfSum(_ a: Int32, _ b: Int32) -> Int32 { (a &+ b) >> 1 }
    @inline(__always) static func halfDifference(_ a: Int32, _ b: Int32) -> Int32 { (a &- b) >> 1 }
}

extension Float: KissFFTScalar {
    @inline(__always) static func fixDivide(_ x: Float, by k: Int32) -> Float { x }
    @inline(__always) static func add(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) static func subtract(_ a: Float, _ b: Float) -> Float { a - b }
    @inline(__always) static func negate(_ a: Float) -> Float { -a }
    @inline(__always) static func multiply(_ aR: Float, _ aI: Float, _ bR: Float, _ bI: Float) -> (Float, Float) {
        let productRR = aR * bR, productII = aI * bI, productRI = aR * bI, productIR = aI * bR
        return (productRR - productII, productRI + productIR)
    }
    static func twiddle(_ value: Double) -> Float { Float(value) }
    @inline(__always) static func halfSum(_ a: Float, _ b: Float) -> Float { (a + b) * 0.5 }
    @inline(__always) static func halfDifference(_ a: Float, _ b: Float) -> Float { (a - b) * 0.5 }
}

/// KISS FFT's real FFT (`kiss_fftr`) and inverse real FFT (`kiss_fftri`), each
/// over a half-length complex FFT, generic over the build's arithmetic so that
/// SignalRfft and SignalIrfft match TFLM bit for bit. Power-of-two lengths only
/// (radix 4 and 2 stages). Unscaled for float (SignalIrfft divides); the
/// fixed-point builds scale by 1/2 per radix-2 step instead.
struct KissRealFFT<Scalar: KissFFTScalar> {
    /// Complex FFT length (half the real length).
    let count: Int
    /// Whether the tables are for `inverse(_:_:work:)` (else `forward`).
    let isInverse: Bool
    /// `exp(∓2πik/count)` (− forward, + inverse), interleaved (re, im).
    let twiddles: UnsafeMutablePointer<Scalar>
    /// `exp(∓iπ((k+1)/count + 1/2))` for the real/complex split, interleaved.
    let superTwiddles: UnsafeMutablePointer<Scalar>
    /// Radix stages as (radix, remaining length) pairs.
    let factors: UnsafeMutablePointer<Int32>

    /// Scalars of twiddle tables and Int32 factor entries for a real length.
    static func tableSizes(realLength: Int) -> (twiddles: Int, superTwiddles: Int, factors: Int) {
        let count = realLength / 2
        var stages = 0
        var n = count
        while n > 1 { n /= (n % 4 == 0 ? 4 : 2); stages += 1 }
        return (2 * count, count, 2 * max(stages, 1))
    }

    /// Fills the tables (in memory the caller provides) for `realLength`, a power of two ≥ 4.
    init(realLength: Int, inverse: Bool, twiddles: UnsafeMutablePointer<Scalar>, superTwiddles: UnsafeMutablePointer<Scalar>,
         factors: UnsafeMutablePointer<Int32>) {
        count = realLength / 2
        isInverse = inverse
        self.twiddles = twiddles
        self.superTwiddles = superTwiddles
        self.factors = factors
        for index in 0..<count {
            // An inverse transform negates the forward phase (as kf_init_state does).
            let forward = -2 * Double.pi * Double(index) / Double(count)
            let phase = inverse ? -forward : forward
            twiddles[2 * index] = Scalar.twiddle(Trigonometry.cos(phase))
            twiddles[2 * index + 1] = Scalar.twiddle(Trigonometry.sin(phase))
        }
        for index in 0..<(count / 2) {
            let forward = -Double.pi * (Double(index + 1) / Double(count) + 0.5)
            let phase = inverse ? -forward : forward
            superTwiddles[2 * index] = Scalar.twiddle(Trigonometry.cos(phase))
            superTwiddles[2 * index + 1] = Scalar.twiddle(Trigonometry.sin(phase))
        }
        var n = count, stage = 0
        while n > 1 {
            let radix = n % 4 == 0 ? 4 : 2
            n /= radix
            factors[2 * stage] = Int32(radix)
            factors[2 * stage + 1] = Int32(n)
            stage += 1
        }
        if stage == 0 { factors[0] = 1; factors[1] = 1 }
    }

    /// Real FFT of `input` (`2 * count` samples) into `spectrum` (`count + 1`
    /// interleaved bins). `work` holds `count` complex values. Needs forward tables.
    func forward(_ input: UnsafePointer<Scalar>, _ spectrum: UnsafeMutablePointer<Scalar>, work: UnsafeMutablePointer<Scalar>) {
        stage(work, input, stride: 1, factor: 0)
        let dcR = Scalar.fixDivide(work[0], by: 2), dcI = Scalar.fixDivide(work[1], by: 2)
        spectrum[0] = Scalar.add(dcR, dcI)
        spectrum[1] = .zero
        spectrum[2 * count] = Scalar.subtract(dcR, dcI)
        spectrum[2 * count + 1] = .zero
        for k in 1...(count / 2) {
            let fkR = Scalar.fixDivide(work[2 * k], by: 2), fkI = Scalar.fixDivide(work[2 * k + 1], by: 2)
            let fnkR = Scalar.fixDivide(work[2 * (count - k)], by: 2)
            let fnkI = Scalar.fixDivide(Scalar.negate(work[2 * (count - k) + 1]), by: 2)
            let sumR = Scalar.add(fkR, fnkR), sumI = Scalar.add(fkI, fnkI)
            let differenceR = Scalar.subtract(fkR, fnkR), differenceI = Scalar.subtract(fkI, fnkI)
            let (tR, tI) = Scalar.multiply(differenceR, differenceI, superTwiddles[2 * (k - 1)], superTwiddles[2 * (k - 1) + 1])
            spectrum[2 * k] = Scalar.halfSum(sumR, tR)
            spectrum[2 * k + 1] = Scalar.halfSum(sumI, tI)
            spectrum[2 * (count - k)] = Scalar.halfDifference(sumR, tR)
            spectrum[2 * (count - k) + 1] = Scalar.halfDifference(tI, sumI)
        }
    }

    /// Inverse real FFT of `spectrum` (`count + 1` interleaved bins) into `output`
    /// (`2 * count` samples). `work` holds `count` complex values. Needs inverse tables.
    func inverse(_ spectrum: UnsafePointer<Scalar>, _ output: UnsafeMutablePointer<Scalar>, work: UnsafeMutablePointer<Scalar>) {
        let first = spectrum[0], last = spectrum[2 * count]
        work[0] = Scalar.fixDivide(Scalar.add(first, last), by: 2)
        work[1] = Scalar.fixDivide(Scalar.subtract(first, last), by: 2)
        for k in 1...(count / 2) {
            let fkR = Scalar.fixDivide(spectrum[2 * k], by: 2), fkI = Scalar.fixDivide(spectrum[2 * k + 1], by: 2)
            let fnkR = Scalar.fixDivide(spectrum[2 * (count - k)], by: 2)
            let fnkI = Scalar.fixDivide(Scalar.negate(spectrum[2 * (count - k) + 1]), by: 2)
            let evenR = Scalar.add(fkR, fnkR), evenI = Scalar.add(fkI, fnkI)
            let differenceR = Scalar.subtract(fkR, fnkR), differenceI = Scalar.subtract(fkI, fnkI)
            let (oddR, oddI) = Scalar.multiply(differenceR, differenceI, superTwiddles[2 * (k - 1)], superTwiddles[2 * (k - 1) + 1])
            work[2 * k] = Scalar.add(evenR, oddR)
            work[2 * k + 1] = Scalar.add(evenI, oddI)
            work[2 * (count - k)] = Scalar.subtract(evenR, oddR)
            work[2 * (count - k) + 1] = Scalar.negate(Scalar.subtract(evenI, oddI))
        }
        stage(output, UnsafePointer(work), stride: 1, factor: 0)
    }

    /// One decimation-in-time stage: sub-transforms, then the butterflies.
    private func stage(_ out: UnsafeMutablePointer<Scalar>, _ input: UnsafePointer<Scalar>, stride: Int, factor: Int) {
        let radix = Int(factors[2 * factor]), length = Int(factors[2 * factor + 1])
        if length == 1 {
            for q in 0..<radix {
                out[2 * q] = input[2 * q * stride]
                out[2 * q + 1] = input[2 * q * stride + 1]
            }
        } else {
            for q in 0..<radix {
                stage(out + 2 * q * length, input + 2 * q * stride, stride: stride * radix, factor: factor + 1)
            }
        }
        if radix == 4 { butterfly4(out, stride: stride, length: length) } else { butterfly2(out, stride: stride, length: length) }
    }

    @inline(__always) private func rotate(_ out: UnsafeMutablePointer<Scalar>, _ position: Int, twiddle index: Int) -> (Scalar, Scalar) {
        Scalar.multiply(out[position], out[position + 1], twiddles[2 * index], twiddles[2 * index + 1])
    }

    @inline(__always) private func scale(_ out: UnsafeMutablePointer<Scalar>, _ position: Int, by k: Int32) {
        out[position] = Scalar.fixDivide(out[position], by: k)
        out[position + 1] = Scalar.fixDivide(out[position + 1], by: k)
    }

    private func butterfly2(_ out: UnsafeMutablePointer<Scalar>, stride: Int, length m: Int) {
        for k in 0..<m {
            let a = 2 * k, b = 2 * (k + m)
            scale(out, a, by: 2); scale(out, b, by: 2)
            let (tR, tI) = rotate(out, b, twiddle: k * stride)
            out[b] = Scalar.subtract(out[a], tR); out[b + 1] = Scalar.subtract(out[a + 1], tI)
            out[a] = Scalar.add(out[a], tR); out[a + 1] = Scalar.add(out[a + 1], tI)
        }
    }

    private func butterfly4(_ out: UnsafeMutablePointer<Scalar>, stride: Int, length m: Int) {
        for k in 0..<m {
            let p0 = 2 * k, p1 = 2 * (k + m), p2 = 2 * (k + 2 * m), p3 = 2 * (k + 3 * m)
            scale(out, p0, by: 4); scale(out, p1, by: 4); scale(out, p2, by: 4); scale(out, p3, by: 4)
            let (s0R, s0I) = rotate(out, p1, twiddle: k * stride)
            let (s1R, s1I) = rotate(out, p2, twiddle: 2 * k * stride)
            let (s2R, s2I) = rotate(out, p3, twiddle: 3 * k * stride)
            let s5R = Scalar.subtract(out[p0], s1R), s5I = Scalar.subtract(out[p0 + 1], s1I)
            out[p0] = Scalar.add(out[p0], s1R); out[p0 + 1] = Scalar.add(out[p0 + 1], s1I)
            let s3R = Scalar.add(s0R, s2R), s3I = Scalar.add(s0I, s2I)
            let s4R = Scalar.subtract(s0R, s2R), s4I = Scalar.subtract(s0I, s2I)
            out[p2] = Scalar.subtract(out[p0], s3R); out[p2 + 1] = Scalar.subtract(out[p0 + 1], s3I)
            out[p0] = Scalar.add(out[p0], s3R); out[p0 + 1] = Scalar.add(out[p0 + 1], s3I)
            if isInverse {   // rotation by +i
                out[p1] = Scalar.subtract(s5R, s4I); out[p1 + 1] = Scalar.add(s5I, s4R)
                out[p3] = Scalar.add(s5R, s4I); out[p3 + 1] = Scalar.subtract(s5I, s4R)
            } else {         // rotation by -i
                out[p1] = Scalar.add(s5R, s4I); out[p1 + 1] = Scalar.subtract(s5I, s4R)
                out[p3] = Scalar.subtract(s5R, s4I); out[p3 + 1] = Scalar.add(s5I, s4R)
            }
        }
    }
}
