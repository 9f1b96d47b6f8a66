/// The fixed-point (int16) real FFT that TFLM's SignalRfft uses: KISS FFT v1.3.0
/// built with FIXED_POINT=16 (`kiss_fftr` over a half-length complex FFT), with
/// the same rounding, per-stage scaling and int16 wrap-around, so results are
/// bit-identical. Power-of-two lengths only (radix 4 and 2 butterflies).
struct KissFFTInt16 {
    /// Complex FFT length (half the real length).
    let count: Int
    /// Complex twiddles `exp(-2πik/count)`, as interleaved (re, im) Q15.
    let twiddles: UnsafeMutablePointer<Int16>
    /// `exp(-iπ((k+1)/count + 1/2))` for the real-input split, interleaved Q15.
    let superTwiddles: UnsafeMutablePointer<Int16>
    /// Radix stages as (radix, remaining length) pairs.
    let factors: UnsafeMutablePointer<Int32>

    /// Number of Int16 values of twiddle tables, and of Int32 factor entries, for a real length.
    static func tableSizes(realLength: Int) -> (twiddles: Int, superTwiddles: Int, factors: Int) {
        let count = realLength / 2
        var stages = 0
        var n = count
        while n > 1 { n /= (n % 4 == 0 ? 4 : 2); stages += 1 }
        return (2 * count, count, 2 * max(stages, 1))
    }

    /// Fills the tables (in memory the caller provides) for `realLength`, a power of two ≥ 4.
    init(realLength: Int, twiddles: UnsafeMutablePointer<Int16>, superTwiddles: UnsafeMutablePointer<Int16>,
         factors: UnsafeMutablePointer<Int32>) {
        count = realLength / 2
        self.twiddles = twiddles
        self.superTwiddles = superTwiddles
        self.factors = factors
        for index in 0..<count {
            let phase = -2 * Double.pi * Double(index) / Double(count)
            twiddles[2 * index] = Self.q15(Trigonometry.cos(phase))
            twiddles[2 * index + 1] = Self.q15(Trigonometry.sin(phase))
        }
        for index in 0..<(count / 2) {
            let phase = -Double.pi * (Double(index + 1) / Double(count) + 0.5)
            superTwiddles[2 * index] = Self.q15(Trigonometry.cos(phase))
            superTwiddles[2 * index + 1] = Self.q15(Trigonometry.sin(phase))
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

    /// `floor(0.5 + 32767 * value)`, KISS FFT's fixed-point twiddle.
    static func q15(_ value: Double) -> Int16 { Int16((0.5 + 32767 * value).rounded(.down)) }

    // MARK: Fixed-point arithmetic of _kiss_fft_guts.h

    @inline(__always) static func round15(_ x: Int32) -> Int16 { Int16(truncatingIfNeeded: (x &+ (1 << 14)) >> 15) }
    @inline(__always) static func divide(_ x: Int16, _ k: Int32) -> Int16 { round15(Int32(x) &* (32767 / k)) }

    /// Real FFT of `input` (`2 * count` samples) into `output` (`count + 1` interleaved bins).
    /// `work` holds `count` complex values.
    func transform(_ input: UnsafePointer<Int16>, _ output: UnsafeMutablePointer<Int16>, work: UnsafeMutablePointer<Int16>) {
        if count == 1 {
            work[0] = input[0]; work[1] = input[1]
        } else {
            stage(work, input, stride: 1, factor: 0)
        }
        let dcReal = Self.divide(work[0], 2), dcImaginary = Self.divide(work[1], 2)
        output[0] = Int16(truncatingIfNeeded: Int32(dcReal) + Int32(dcImaginary))
        output[1] = 0
        output[2 * count] = Int16(truncatingIfNeeded: Int32(dcReal) - Int32(dcImaginary))
        output[2 * count + 1] = 0
        if count < 2 { return }
        for k in 1...(count / 2) {
            let fpkR = Self.divide(work[2 * k], 2), fpkI = Self.divide(work[2 * k + 1], 2)
            let fpnkR = Self.divide(work[2 * (count - k)], 2)
            let fpnkI = Self.divide(Int16(truncatingIfNeeded: -Int32(work[2 * (count - k) + 1])), 2)
            let f1kR = fpkR &+ fpnkR, f1kI = fpkI &+ fpnkI
            let f2kR = fpkR &- fpnkR, f2kI = fpkI &- fpnkI
            let twR = superTwiddles[2 * (k - 1)], twI = superTwiddles[2 * (k - 1) + 1]
            let tR = Self.round15(Int32(f2kR) &* Int32(twR) &- Int32(f2kI) &* Int32(twI))
            let tI = Self.round15(Int32(f2kR) &* Int32(twI) &+ Int32(f2kI) &* Int32(twR))
            output[2 * k] = Int16(truncatingIfNeeded: (Int32(f1kR) + Int32(tR)) >> 1)
            output[2 * k + 1] = Int16(truncatingIfNeeded: (Int32(f1kI) + Int32(tI)) >> 1)
            output[2 * (count - k)] = Int16(truncatingIfNeeded: (Int32(f1kR) - Int32(tR)) >> 1)
            output[2 * (count - k) + 1] = Int16(truncatingIfNeeded: (Int32(tI) - Int32(f1kI)) >> 1)
        }
    }

    /// One decimation-in-time stage (kf_work): sub-transforms, then the butterflies.
    private func stage(_ out: UnsafeMutablePointer<Int16>, _ input: UnsafePointer<Int16>, stride: Int, factor: Int) {
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

    @inline(__always) private func multiply(_ aR: Int16, _ aI: Int16, twiddle index: Int) -> (Int16, Int16) {
        let bR = Int32(twiddles[2 * index]), bI = Int32(twiddles[2 * index + 1])
        return (Self.round15(Int32(aR) &* bR &- Int32(aI) &* bI), Self.round15(Int32(aR) &* bI &+ Int32(aI) &* bR))
    }

    private func butterfly2(_ out: UnsafeMutablePointer<Int16>, stride: Int, length m: Int) {
        for k in 0..<m {
            let a = 2 * k, b = 2 * (k + m)
            out[a] = Self.divide(out[a], 2); out[a + 1] = Self.divide(out[a + 1], 2)
            out[b] = Self.divide(out[b], 2); out[b + 1] = Self.divide(out[b + 1], 2)
            let (tR, tI) = multiply(out[b], out[b + 1], twiddle: k * stride)
            out[b] = out[a] &- tR; out[b + 1] = out[a + 1] &- tI
            out[a] = out[a] &+ tR; out[a + 1] = out[a + 1] &+ tI
        }
    }

    private func butterfly4(_ out: UnsafeMutablePointer<Int16>, stride: Int, length m: Int) {
        for k in 0..<m {
            let p0 = 2 * k, p1 = 2 * (k + m), p2 = 2 * (k + 2 * m), p3 = 2 * (k + 3 * m)
            out[p0] = Self.divide(out[p0], 4); out[p0 + 1] = Self.divide(out[p0 + 1], 4)
            out[p1] = Self.divide(out[p1], 4); out[p1 + 1] = Self.divide(out[p1 + 1], 4)
            out[p2] = Self.divide(out[p2], 4); out[p2 + 1] = Self.divide(out[p2 + 1], 4)
            out[p3] = Self.divide(out[p3], 4); out[p3 + 1] = Self.divide(out[p3 + 1], 4)
            let (s0R, s0I) = multiply(out[p1], out[p1 + 1], twiddle: k * stride)
            let (s1R, s1I) = multiply(out[p2], out[p2 + 1], twiddle: 2 * k * stride)
            let (s2R, s2I) = multiply(out[p3], out[p3 + 1], twiddle: 3 * k * stride)
            let s5R = out[p0] &- s1R, s5I = out[p0 + 1] &- s1I
            out[p0] = out[p0] &+ s1R; out[p0 + 1] = out[p0 + 1] &+ s1I
            let s3R = s0R &+ s2R, s3I = s0I &+ s2I
            let s4R = s0R &- s2R, s4I = s0I &- s2I
            out[p2] = out[p0] &- s3R; out[p2 + 1] = out[p0 + 1] &- s3I
            out[p0] = out[p0] &+ s3R; out[p0 + 1] = out[p0 + 1] &+ s3I
            out[p1] = s5R &+ s4I; out[p1 + 1] = s5I &- s4R
            out[p3] = s5R &- s4I; out[p3 + 1] = s5I &+ s4R
        }
    }
}
