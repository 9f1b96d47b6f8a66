import SwiftletFormat

/// HARD_SWISH: `output = x · relu6(x + 3) / 6`. float32 and int8, bit-exact with TFLM.
///
/// The int8 path works in 16-bit fixed point: the centred input is moved to a
/// "high-resolution" scale (×128), rescaled once to the output scale (before the final
/// shift) and once to a "relu-ish" value in [−1, 1] where 1 stands for x = 3, saturating
/// on left shifts; that value is mapped to [0, 1], multiplied with the first one by a
/// doubling high multiply that truncates, and shifted to the output scale.
public enum HardSwish {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .hardSwish, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    struct OpData {
        var kind: UnaryKind
        var count: Int
        var inputZeroPoint: Int16
        var outputZeroPoint: Int16
        var outputMultiplier: Int16
        var outputExponent: Int
        var reluishMultiplier: Int16
        var reluishExponent: Int
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let (input, output, kind) = try UnaryKind.validate(&context, allowInt16: false)
        var data = OpData(kind: kind, count: input.elementCount, inputZeroPoint: Int16(truncatingIfNeeded: input.zeroPoint),
                          outputZeroPoint: Int16(truncatingIfNeeded: output.zeroPoint), outputMultiplier: 0, outputExponent: 0,
                          reluishMultiplier: 0, reluishExponent: 0)
        if kind == .int8 {
            guard output.scale > 0 else { throw context.invalid("the output needs a positive scale") }
            let highResolutionScale: Float = (1.0 / 128.0) * input.scale
            let reluishScale: Float = 3.0 / 32768.0
            let (outputMultiplier, outputExponent) = QuantizedMath.quantizeMultiplier(Double(highResolutionScale / output.scale))
            guard outputExponent <= 0 else { throw context.invalid("the output scale is too small for the input scale") }
            let (reluishMultiplier, reluishExponent) = QuantizedMath.quantizeMultiplier(Double(highResolutionScale / reluishScale))
            data.outputMultiplier = downscale(outputMultiplier)
            data.outputExponent = outputExponent
            data.reluishMultiplier = downscale(reluishMultiplier)
            data.reluishExponent = reluishExponent
        }
        context.setOpData(data)
    }

    /// A Q31 multiplier rounded to Q15, saturating.
    static func downscale(_ multiplier: Int32) -> Int16 {
        if multiplier >= Int32.max - (1 << 15) { return Int16.max }
        return Int16(truncatingIfNeeded: (multiplier + (1 << 15)) >> 16)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32: UnaryKind.map(context, data.count, Float.self) { x in x * min(6, max(0, x + 3)) / 6 }
        case .int8: UnaryKind.map(context, data.count, Int8.self) { x in Int8(truncatingIfNeeded: quantized(x, data)) }
        case .int16:
            break  // rejected in prepare
        }
    }

    /// One int8 element, in TFLM's 16-bit fixed-point steps.
    @inline(__always)
    static func quantized(_ input: Int8, _ data: OpData) -> Int16 {
        let centered = Int16(truncatingIfNeeded: Int32(input) - Int32(data.inputZeroPoint))
        let highResolution = centered &* 128
        let preshiftOutput = roundingDoublingHighMul(highResolution, data.outputMultiplier)
        var reluish = highResolution
        let exponent = data.reluishExponent
        if exponent > 0 { reluish = saturatingLeftShift(reluish, exponent - 1) }
        reluish = roundingDoublingHighMul(reluish, data.reluishMultiplier)
        if exponent > 0 { reluish = saturatingLeftShift(reluish, 1) }
        if exponent < 0 { reluish = roundingDivideByPOT(reluish, -exponent) }
        // [−1, 1] → [0, 1].
        reluish = Int16(truncatingIfNeeded: (Int32(reluish) + (1 << 15)) >> 1)
        let preshift = truncatingDoublingHighMul(reluish, preshiftOutput)
        var value = Int16(truncatingIfNeeded: Int32(roundingDivideByPOT(preshift, -data.outputExponent)) + Int32(data.outputZeroPoint))
        value = min(value, Int16(Int8.max))
        value = max(value, Int16(Int8.min))
        return value
    }

    /// `value · 2^amount`, saturated to int16.
    @inline(__always)
    static func saturatingLeftShift(_ value: Int16, _ amount: Int) -> Int16 {
        let shifted = Int64(value) << Int64(min(amount, 40))
        return Int16(min(max(shifted, Int64(Int16.min)), Int64(Int16.max)))
    }

    /// gemmlowp's 16-bit SaturatingRoundingDoublingHighMul.
    @inline(__always)
    static func roundingDoublingHighMul(_ a: Int16, _ b: Int16) -> Int16 {
        if a == Int16.min && b == Int16.min { return Int16.max }
        let product = Int32(a) * Int32(b)
        let nudge: Int32 = product >= 0 ? (1 << 14) : (1 - (1 << 14))
        return Int16(truncatingIfNeeded: (product + nudge) / (1 << 15))
    }

    /// The 16-bit doubling high multiply that truncates toward zero (like SQDMULH).
    @inline(__always)
    static func truncatingDoublingHighMul(_ a: Int16, _ b: Int16) -> Int16 {
        if a == Int16.min && b == Int16.min { return Int16.max }
        return Int16(truncatingIfNeeded: (Int32(a) * Int32(b)) / (1 << 15))
    }

    /// gemmlowp's RoundingDivideByPOT on int16 (ties away from zero; the mask is int16 too).
    @inline(__always)
    static func roundingDivideByPOT(_ x: Int16, _ exponent: Int) -> Int16 {
        let mask = Int32(Int16(truncatingIfNeeded: (Int64(1) << Int64(exponent)) - 1))
        let wide = Int32(x)
        let remainder = wide & mask
        let threshold = (mask >> 1) + (wide < 0 ? 1 : 0)
        return Int16(truncatingIfNeeded: (wide >> Int32(exponent)) + (remainder > threshold ? 1 : 0))
    }
}
