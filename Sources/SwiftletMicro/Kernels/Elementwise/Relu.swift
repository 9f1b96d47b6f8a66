import SwiftletFormat

/// RELU: `output = max(input, 0)`. float32, int8 and int16 (zero points 0), bit-exact
/// with TFLM: quantized inputs are rescaled to the output's scale (a multiplier of
/// `scaleIn / scaleOut`) and clamped below at the output's zero point.
public enum Relu {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .relu, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    struct OpData {
        var kind: UnaryKind
        var count: Int
        var inputZeroPoint: Int32
        var outputZeroPoint: Int32
        var multiplier: Int32
        var shift: Int
        var activationMin: Int32
        var activationMax: Int32
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let (input, output, kind) = try UnaryKind.validate(&context, allowInt16: true)
        var data = OpData(kind: kind, count: input.elementCount, inputZeroPoint: input.zeroPoint, outputZeroPoint: output.zeroPoint,
                          multiplier: 0, shift: 0, activationMin: 0, activationMax: 0)
        if kind != .float32 {
            if kind == .int16, input.zeroPoint != 0 || output.zeroPoint != 0 { throw context.invalid("int16 RELU needs zero points of 0") }
            guard output.scale > 0 else { throw context.invalid("the output needs a positive scale") }
            (data.multiplier, data.shift) = QuantizedMath.quantizeMultiplier(Double(input.scale) / Double(output.scale))
            let (qmin, qmax) = kind.range
            // The lower clamp is zeroPoint + round(0 / scale): the output's zero point.
            data.activationMin = max(qmin, output.zeroPoint)
            data.activationMax = qmax
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32: UnaryKind.map(context, data.count, Float.self) { value in value < 0 ? 0 : value }
        case .int8: evalQuantized(context, data, Int8.self)
        case .int16: evalQuantized(context, data, Int16.self)
        }
    }

    @inline(__always)
    private static func evalQuantized<Element: FixedWidthInteger & SignedInteger>(
        _ context: borrowing EvalContext, _ data: OpData, _ type: Element.Type
    ) {
        UnaryKind.map(context, data.count, Element.self) { element in
            let value = QuantizedMath.multiplyByQuantizedMultiplier(Int32(element) &- data.inputZeroPoint, data.multiplier, data.shift)
                &+ data.outputZeroPoint
            return Element(truncatingIfNeeded: min(max(value, data.activationMin), data.activationMax))
        }
    }
}

/// RELU6: `output = min(max(input, 0), 6)`. float32, int8 and int16, bit-exact with TFLM,
/// whose quantized kernel clamps the raw values to the input's own quantization of 0 and
/// 6 and does not rescale: the output is assumed to share the input's scale and zero point
/// (models where they differ get exactly TFLM's result, not a rescaled one).
public enum Relu6 {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .relu6, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    struct OpData {
        var kind: UnaryKind
        var count: Int
        var lower: Int32
        var upper: Int32
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let (input, _, kind) = try UnaryKind.validate(&context, allowInt16: true)
        var data = OpData(kind: kind, count: input.elementCount, lower: 0, upper: 0)
        if kind != .float32 {
            guard input.scale > 0 else { throw context.invalid("the input needs a positive scale") }
            let (qmin, qmax) = kind.range
            data.lower = input.zeroPoint
            // round(6 / scale) + zeroPoint, clamped to the type (bounded first so huge values cannot trap).
            let steps = min((6 / input.scale).rounded(.toNearestOrAwayFromZero), 1_048_576)
            data.upper = min(max(Int32(steps) &+ input.zeroPoint, qmin), qmax)
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32: UnaryKind.map(context, data.count, Float.self) { value in value > 6 ? 6 : (value < 0 ? 0 : value) }
        case .int8: evalQuantized(context, data, Int8.self)
        case .int16: evalQuantized(context, data, Int16.self)
        }
    }

    @inline(__always)
    private static func evalQuantized<Element: FixedWidthInteger & SignedInteger>(
        _ context: borrowing EvalContext, _ data: OpData, _ type: Element.Type
    ) {
        let lower = Element(truncatingIfNeeded: data.lower), upper = Element(truncatingIfNeeded: data.upper)
        UnaryKind.map(context, data.count, Element.self) { value in value > upper ? upper : (value < lower ? lower : value) }
    }
}
