import SwiftletFormat

/// DEQUANTIZE: int8, int16 or uint8 → float32, `scale · (x − zeroPoint)` computed in
/// float32 as TFLM's reference kernel does. Per-tensor quantization. Also float16 → float32
/// (exact widening; TF's float16 models keep their weights in float16 constants), beyond TFLM.
public enum Dequantize {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .dequantize, prepare: prepare, eval: eval) }

    enum Kind { case int8, int16, uint8, float16 }

    struct OpData {
        var kind: Kind
        var count: Int
        var scale: Float
        var zeroPoint: Int32
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard output.type == .float32 else { throw context.unsupported(output) }
        guard input.elementCount == output.elementCount else { throw context.invalid("input and output sizes differ") }
        let kind: Kind
        switch input.type {
        case .int8: kind = .int8
        case .int16: kind = .int16
        case .uint8: kind = .uint8
        case .float16:
            context.setOpData(OpData(kind: .float16, count: input.elementCount, scale: 1, zeroPoint: 0))
            return
        default: throw context.unsupported(input)
        }
        guard input.scales.count == 1 else { throw context.invalid("the input needs exactly one scale (per-tensor quantization)") }
        context.setOpData(OpData(kind: kind, count: input.elementCount, scale: input.scale, zeroPoint: input.zeroPoint))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .int8: dequantize(context, data, Int8.self)
        case .int16: dequantize(context, data, Int16.self)
        case .uint8: dequantize(context, data, UInt8.self)
        case .float16:
            let input = context.input(0, as: UInt16.self), output = context.output(0, as: Float.self)
            for index in 0..<data.count { output[index] = widen(input[index]) }
        }
    }

    /// The float32 value of IEEE half-precision bits (exact: every half is a float).
    @inline(__always)
    static func widen(_ bits: UInt16) -> Float {
        let sign: UInt32 = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0 {
            // Zero or subnormal: mantissa · 2^−24.
            let magnitude = Float(mantissa) * (1.0 / 16_777_216)
            return sign != 0 ? -magnitude : magnitude
        }
        if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }

    @inline(__always)
    private static func dequantize<Input: FixedWidthInteger>(_ context: borrowing EvalContext, _ data: OpData, _ type: Input.Type) {
        let input = context.input(0, as: Input.self), output = context.output(0, as: Float.self)
        let scale = data.scale, zeroPoint = data.zeroPoint
        for index in 0..<data.count {
            output[index] = scale * Float(Int32(truncatingIfNeeded: input[index]) &- zeroPoint)
        }
    }
}
