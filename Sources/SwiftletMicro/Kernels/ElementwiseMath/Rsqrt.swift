import SwiftletFormat

/// RSQRT: float32 `1 / √x`; int8 and int16 (zero points 0) as TFLM: the centred input's
/// inverse square root as a fixed-point multiplier (`FixedPointInverseSqrt`), applied to
/// 1 with 20 extra bits and rescaled by `1 / (√scaleIn · scaleOut)`; a centred 0 gives the
/// type's maximum. Bit-exact with TFLM. (TFLM refuses negative inputs at run time; here
/// they are treated as 0.)
public enum Rsqrt {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .rsqrt, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    struct OpData {
        var kind: UnaryKind
        var count: Int
        var inputOffset: Int32
        var outputOffset: Int32
        var multiplier: Int32
        var shift: Int
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let (input, output, kind) = try UnaryKind.validate(&context, allowInt16: true)
        var data = OpData(kind: kind, count: input.elementCount, inputOffset: input.zeroPoint, outputOffset: output.zeroPoint, multiplier: 0, shift: 0)
        if kind != .float32 {
            guard input.scale > 0, output.scale > 0 else { throw context.invalid("quantized tensors need a positive scale") }
            if kind == .int16, input.zeroPoint != 0 || output.zeroPoint != 0 { throw context.invalid("int16 RSQRT needs zero points of 0") }
            let real = 1.0 / ((Double(input.scale)).squareRoot() * Double(output.scale))
            (data.multiplier, data.shift) = QuantizedMath.quantizeMultiplier(real)
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32: UnaryKind.map(context, data.count, Float.self) { 1 / $0.squareRoot() }
        case .int8: evalQuantized(context, data, Int8.self)
        case .int16: evalQuantized(context, data, Int16.self)
        }
    }

    @inline(__always)
    private static func evalQuantized<Element: FixedWidthInteger & SignedInteger>(
        _ context: borrowing EvalContext, _ data: OpData, _ type: Element.Type
    ) {
        let low = Int32(Element.min), high = Int32(Element.max)
        let extraBits = 20
        UnaryKind.map(context, data.count, Element.self) { element in
            let value = max(Int32(element) &- data.inputOffset, 0)
            if value == 0 { return Element.max }
            let (inverseMultiplier, inverseShift) = FixedPointInverseSqrt.multiplierAndShift(value, reverseShift: -1)
            let inverse = QuantizedMath.multiplyByQuantizedMultiplier(Int32(1), inverseMultiplier, inverseShift + extraBits)
            let result = QuantizedMath.multiplyByQuantizedMultiplier(inverse, data.multiplier, data.shift - extraBits) &+ data.outputOffset
            return Element(truncatingIfNeeded: min(max(result, low), high))
        }
    }
}
