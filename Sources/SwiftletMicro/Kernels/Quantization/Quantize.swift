import SwiftletFormat

/// QUANTIZE, bit-exact with TFLM's reference kernel:
/// - float32 → int8/int16: `clamp(round(x / scale) + zeroPoint)`, dividing in float32 and
///   rounding halves away from zero;
/// - integer → integer requantization (int8 → int8/uint8/int16/int32, uint8 → int8,
///   int16 → int8/int16/int32, int32 → int8/int16): `clamp(MBQM(x − zpIn) + zpOut)` with a
///   multiplier of `scaleIn / scaleOut`.
/// Per-tensor output quantization only, as in TFLM.
public enum Quantize {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .quantize, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    enum Kind {
        case floatToInt8, floatToInt16
        case int8ToInt8, int8ToUInt8, int8ToInt16, int8ToInt32
        case uint8ToInt8
        case int16ToInt8, int16ToInt16, int16ToInt32
        case int32ToInt8, int32ToInt16
    }

    struct OpData {
        var kind: Kind
        var count: Int
        var scale: Float
        var inputZeroPoint: Int32
        var outputZeroPoint: Int32
        var multiplier: Int32
        var shift: Int
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard input.elementCount == output.elementCount else { throw context.invalid("input and output sizes differ") }
        guard output.scales.count == 1 else { throw context.invalid("the output needs exactly one scale (per-tensor quantization)") }
        guard output.scale > 0 else { throw context.invalid("the output needs a positive scale") }
        let kind: Kind
        switch (input.type, output.type) {
        case (.float32, .int8): kind = .floatToInt8
        case (.float32, .int16): kind = .floatToInt16
        case (.int8, .int8): kind = .int8ToInt8
        case (.int8, .uint8): kind = .int8ToUInt8
        case (.int8, .int16): kind = .int8ToInt16
        case (.int8, .int32): kind = .int8ToInt32
        case (.uint8, .int8): kind = .uint8ToInt8
        case (.int16, .int8): kind = .int16ToInt8
        case (.int16, .int16): kind = .int16ToInt16
        case (.int16, .int32): kind = .int16ToInt32
        case (.int32, .int8): kind = .int32ToInt8
        case (.int32, .int16): kind = .int32ToInt16
        case (.float32, _), (.int8, _), (.uint8, _), (.int16, _), (.int32, _): throw context.unsupported(output)
        default: throw context.unsupported(input)
        }
        var data = OpData(kind: kind, count: input.elementCount, scale: output.scale, inputZeroPoint: input.zeroPoint,
                          outputZeroPoint: output.zeroPoint, multiplier: 0, shift: 0)
        if input.type != .float32 {
            (data.multiplier, data.shift) = QuantizedMath.quantizeMultiplier(Double(input.scale) / Double(output.scale))
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .floatToInt8: affine(context, data, Int8.self)
        case .floatToInt16: affine(context, data, Int16.self)
        case .int8ToInt8: requantize(context, data, Int8.self, Int8.self)
        case .int8ToUInt8: requantize(context, data, Int8.self, UInt8.self)
        case .int8ToInt16: requantize(context, data, Int8.self, Int16.self)
        case .int8ToInt32: requantize(context, data, Int8.self, Int32.self)
        case .uint8ToInt8: requantize(context, data, UInt8.self, Int8.self)
        case .int16ToInt8: requantize(context, data, Int16.self, Int8.self)
        case .int16ToInt16: requantize(context, data, Int16.self, Int16.self)
        case .int16ToInt32: requantize(context, data, Int16.self, Int32.self)
        case .int32ToInt8: requantize(context, data, Int32.self, Int8.self)
        case .int32ToInt16: requantize(context, data, Int32.self, Int16.self)
        }
    }

    /// float32 → `Output`: round(x / scale) + zeroPoint, clamped.
    @inline(__always)
    private static func affine<Output: FixedWidthInteger>(_ context: borrowing EvalContext, _ data: OpData, _ type: Output.Type) {
        let input = context.input(0, as: Float.self), output = context.output(0, as: Output.self)
        let scale = data.scale, zeroPoint = data.outputZeroPoint
        // Clamping the rounded quotient to [min − zp, max − zp] (exact integers in float32)
        // equals clamping the sum, and keeps the conversion in range (NaN maps to the minimum).
        let low = Float(Int32(Output.min) - zeroPoint), high = Float(Int32(Output.max) - zeroPoint)
        for index in 0..<data.count {
            let rounded = (input[index] / scale).rounded(.toNearestOrAwayFromZero)
            let bounded = rounded > high ? high : (rounded >= low ? rounded : low)
            output[index] = Output(truncatingIfNeeded: Int32(bounded) &+ zeroPoint)
        }
    }

    /// Integer → integer with a new scale and zero point.
    @inline(__always)
    private static func requantize<Input: FixedWidthInteger, Output: FixedWidthInteger>(
        _ context: borrowing EvalContext, _ data: OpData, _ inputType: Input.Type, _ outputType: Output.Type
    ) {
        let input = context.input(0, as: Input.self), output = context.output(0, as: Output.self)
        let low = Int32(Output.min), high = Int32(truncatingIfNeeded: Output.max)
        for index in 0..<data.count {
            let centered = Int32(truncatingIfNeeded: input[index]) &- data.inputZeroPoint
            let value = QuantizedMath.multiplyByQuantizedMultiplier(centered, data.multiplier, data.shift) &+ data.outputZeroPoint
            output[index] = Output(truncatingIfNeeded: min(max(value, low), high))
        }
    }
}
