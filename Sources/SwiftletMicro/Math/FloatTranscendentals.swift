/// exp, log and tanh for the runtime, which has no Foundation or libm binding
/// in Embedded Swift. Each is computed in Double and rounded once to the
/// result type, so Float results are correctly rounded in all but vanishingly
/// rare cases — the same values glibc's `expf` gives, which matters where a
/// kernel rounds them into an integer table (the int16 SOFTMAX LUTs).
public enum Transcendental {
    /// e^x in Double, accurate to about one unit in the last place.
    ///
    /// Cody–Waite reduction `x = k·ln2 + r` with |r| ≤ ln2/2, a degree-13
    /// Taylor polynomial for e^r (truncation error < 1e-17), then scaling by 2^k.
    @inlinable
    public static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.782712893384 { return .infinity }
        if x < -745.1332191019412 { return 0 }
        // ln2 split so that k·ln2Hi is exact for |k| < 2^20.
        let ln2Hi = 6.93147180369123816490e-01
        let ln2Lo = 1.90821492927058770002e-10
        let k = (x * 1.4426950408889634).rounded(.toNearestOrEven)
        let r = (x - k * ln2Hi) - k * ln2Lo
        var p = 1.6059043836821613e-10
        p = p * r + 2.08767569878681e-09
        p = p * r + 2.505210838544172e-08
        p = p * r + 2.755731922398589e-07
        p = p * r + 2.7557319223985893e-06
        p = p * r + 2.48015873015873e-05
        p = p * r + 0.0001984126984126984
        p = p * r + 0.001388888888888889
        p = p * r + 0.008333333333333333
        p = p * r + 0.041666666666666664
        p = p * r + 0.16666666666666666
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        return Double(sign: .plus, exponent: Int(k), significand: p)
    }

    /// e^x in Float (the value C's `expf` gives).
    @inlinable
    public static func exp(_ x: Float) -> Float { Float(exp(Double(x))) }

    /// The natural logarithm in Double: `x = m·2^e` with m in [√½, √2), then
    /// `log m = 2·atanh((m − 1)/(m + 1))` by its odd series.
    @inlinable
    public static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x.isInfinite { return x }
        var e = Int(x.exponent)
        var m = x.significand  // [1, 2)
        if m > 1.4142135623730951 {
            m /= 2
            e += 1
        }
        let s = (m - 1) / (m + 1)  // |s| ≤ 0.1716
        let s2 = s * s
        var p = 0.09523809523809523
        p = p * s2 + 0.10526315789473684
        p = p * s2 + 0.11764705882352941
        p = p * s2 + 0.13333333333333333
        p = p * s2 + 0.15384615384615385
        p = p * s2 + 0.18181818181818182
        p = p * s2 + 0.2222222222222222
        p = p * s2 + 0.2857142857142857
        p = p * s2 + 0.4
        p = p * s2 + 0.6666666666666666
        p = p * s2 + 2
        return Double(e) * 0.6931471805599453 + s * p
    }

    /// The natural logarithm in Float (C's `logf`).
    @inlinable
    public static func log(_ x: Float) -> Float { Float(log(Double(x))) }

    /// The hyperbolic tangent in Double.
    @inlinable
    public static func tanh(_ x: Double) -> Double {
        if x.isNaN { return x }
        let magnitude = x.magnitude
        let result: Double
        if magnitude > 22 {
            result = 1
        } else if magnitude < 1e-4 {
            // tanh x = x − x³/3 + 2x⁵/15 − …; the next term is below 1e-20 relative.
            let x2 = magnitude * magnitude
            result = magnitude * (1 - x2 * (1.0 / 3 - x2 * (2.0 / 15)))
        } else {
            let e = exp(2 * magnitude)
            result = (e - 1) / (e + 1)
        }
        return x < 0 ? -result : result
    }

    /// The hyperbolic tangent in Float (C's `tanhf`).
    @inlinable
    public static func tanh(_ x: Float) -> Float { Float(tanh(Double(x))) }
}
