import SwiftletFormat

/// LEAKY_RELU: `output = input > 0 ? input : alpha · input`. float32, int8 and int16,
/// bit-exact with TFLM: quantized values at or above the input zero point are rescaled
/// by `scaleIn / scaleOut`, those below by `scaleIn · alpha / scaleOut` (both formed in
/// float32 as TFLM does; alpha may be negative or above 1).
public enum LeakyRelu {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .leakyRelu, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    struct OpData {
        var kind: UnaryKind
        var count: Int
        var alpha: Float
        var inputZeroPoint: Int32
        var outputZeroPoint: Int32
        var identityMultiplier: Int32
        var identityShift: Int
        var alphaMultiplier: Int32
        var alphaShift: Int
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let (input, output, kind) = try UnaryKind.validate(&context, allowInt16: true)
        let alpha = context.op.options(LeakyReluOptions.self)?.alpha ?? 0
        var data = OpData(kind: kind, count: input.elementCount, alpha: alpha, inputZeroPoint: input.zeroPoint,
                          outputZeroPoint: output.zeroPoint, identityMultiplier: 0, identityShift: 0,
                          alphaMultiplier: 0, alphaShift: 0)
        if kind != .float32 {
            guard output.scale > 0 else { throw context.invalid("the output needs a positive scale") }
            (data.alphaMultiplier, data.alphaShift) = QuantizedMath.quantizeMultiplier(Double(input.scale * alpha / output.scale))
            (data.identityMultiplier, data.identityShift) = QuantizedMath.quantizeMultiplier(Double(input.scale / output.scale))
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32:
            let alpha = data.alpha
            UnaryKind.map(context, data.count, Float.self) { value in value > 0 ? value : value * alpha }
        case .int8: evalQuantized(context, data, Int8.self)
        case .int16: evalQuantized(context, data, Int16.self)
        }
    }

    @inline(__always)
    private static func evalQuantized<Element: FixedWidthInteger & SignedInteger>(
        _ context: borrowing EvalContext, _ data: OpData, _ type: Element.Type
    ) {
        let low = Int32(Element.min), high = Int32(Element.max)
        UnaryKind.map(context, data.count, Element.self) { element in
            let centered = Int32(element) &- data.inputZeroPoint
            let scaled = centered >= 0
                ? QuantizedMath.multiplyByQuantizedMultiplier(centered, data.identityMultiplier, data.identityShift)
                : QuantizedMath.multiplyByQuantizedMultiplier(centered, data.alphaMultiplier, data.alphaShift)
            return Element(truncatingIfNeeded: min(max(scaled &+ data.outputZeroPoint, low), high))
        }
    }
}
