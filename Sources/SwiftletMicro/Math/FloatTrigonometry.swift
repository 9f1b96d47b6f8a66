/// sin, cos and erf for the runtime (Embedded Swift has no libm binding):
/// computed in Double and rounded once to Float, which is within an ulp of
/// glibc's `sinf`/`cosf`/`erff`.
public enum Trigonometry {
    /// sin x and cos x of the reduced argument r ∈ [−π/4, π/4] (Taylor, error < 1e-17).
    @inlinable
    static func kernels(_ r: Double) -> (sin: Double, cos: Double) {
        let r2 = r * r
        var s = 1.0 / 6227020800        // 1/13!
        s = s * r2 - 1.0 / 39916800     // 1/11!
        s = s * r2 + 1.0 / 362880
        s = s * r2 - 1.0 / 5040
        s = s * r2 + 1.0 / 120
        s = s * r2 - 1.0 / 6
        let sine = r + r * r2 * s
        var c = 1.0 / 87178291200       // 1/14!
        c = c * r2 - 1.0 / 479001600
        c = c * r2 + 1.0 / 3628800
        c = c * r2 - 1.0 / 40320
        c = c * r2 + 1.0 / 720
        c = c * r2 - 1.0 / 24
        c = c * r2 + 0.5
        let cosine = 1 - r2 * c
        return (sine, cosine)
    }

    /// x reduced by multiples of π/2: the quadrant (0…3) and the remainder in [−π/4, π/4].
    @inlinable
    static func reduce(_ x: Double) -> (quadrant: Int, remainder: Double) {
        let k = (x * 0.6366197723675814).rounded(.toNearestOrEven)
        // π/2 in three parts (Cody–Waite), exact products for |k| < 2^20.
        let r = ((x - k * 1.5707963267341256) - k * 6.077100506303966e-11) - k * 2.0222662487959506e-21
        let quadrant = Int(k.truncatingRemainder(dividingBy: 4))
        return ((quadrant + 4) & 3, r)
    }

    /// sin x in Double.
    @inlinable
    public static func sin(_ x: Double) -> Double {
        if !x.isFinite { return .nan }
        let (quadrant, r) = reduce(x)
        let (s, c) = kernels(r)
        switch quadrant {
        case 0: return s
        case 1: return c
        case 2: return -s
        default: return -c
        }
    }

    /// cos x in Double.
    @inlinable
    public static func cos(_ x: Double) -> Double {
        if !x.isFinite { return .nan }
        let (quadrant, r) = reduce(x)
        let (s, c) = kernels(r)
        switch quadrant {
        case 0: return c
        case 1: return -s
        case 2: return -c
        default: return s
        }
    }

    /// sin x in Float (C's `sinf`).
    @inlinable public static func sin(_ x: Float) -> Float { Float(sin(Double(x))) }
    /// cos x in Float (C's `cosf`).
    @inlinable public static func cos(_ x: Float) -> Float { Float(cos(Double(x))) }

    /// The error function in Double: its Maclaurin series for |x| < 2.5, the
    /// continued fraction of erfc beyond (both accurate to about 1e-15).
    @inlinable
    public static func erf(_ x: Double) -> Double {
        if x.isNaN { return x }
        let a = x.magnitude
        let result: Double
        if a < 2.5 {
            // erf a = 2/√π Σ (−1)^n a^(2n+1) / (n! (2n+1))
            let a2 = a * a
            var term = a
            var sum = a
            var n = 0.0
            while term.magnitude > 1e-17 * sum.magnitude {
                n += 1
                term *= -a2 / n
                sum += term / (2 * n + 1)
            }
            result = sum * 1.1283791670955126
        } else if a > 6 {
            result = 1
        } else {
            // erfc a = e^(−a²)/√π · 1/(a + 1/2/(a + 1/(a + 3/2/(a + …)))), evaluated bottom-up.
            var fraction = a
            var k = 60.0
            while k >= 1 {
                fraction = a + (k / 2) / fraction
                k -= 1
            }
            result = 1 - Transcendental.exp(-a * a) / fraction * 0.5641895835477563
        }
        return x < 0 ? -result : result
    }
}
