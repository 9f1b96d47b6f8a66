import SwiftletFormat

/// PRELU: `x ≥ 0 ? x : alpha · x` with alpha broadcast to the input (rank ≤ 6). float32,
/// and int8 as TFLM: the centred input is rescaled by `scaleIn / scaleOut` when it is
/// non-negative, otherwise its product with the centred alpha is rescaled by
/// `scaleIn · scaleAlpha / scaleOut`; then the output zero point and the int8 clamp.
public enum Prelu {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .prelu, prepare: prepare, eval: eval) }

    struct OpData {
        var kind: ElementKind
        var shape: BroadcastShape
        var inputOffset: Int32
        var alphaOffset: Int32
        var outputOffset: Int32
        var identityMultiplier: Int32
        var identityShift: Int
        var alphaMultiplier: Int32
        var alphaShift: Int
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let input = try context.requiredInput(0)
        let alpha = try context.requiredInput(1)
        let output = try context.requiredOutput(0)
        guard input.type == alpha.type else { throw context.unsupported(alpha) }
        guard input.type == output.type else { throw context.unsupported(output) }
        guard input.type == .float32 || input.type == .int8 else { throw context.unsupported(input) }
        guard let shape = BroadcastShape(first: input, second: alpha, output: output) else {
            throw context.invalid("alpha does not broadcast to the input shape (rank at most 6)")
        }
        var data = OpData(kind: input.type == .int8 ? .int8 : .float32, shape: shape, inputOffset: -input.zeroPoint,
                          alphaOffset: -alpha.zeroPoint, outputOffset: output.zeroPoint,
                          identityMultiplier: 0, identityShift: 0, alphaMultiplier: 0, alphaShift: 0)
        if data.kind == .int8 {
            guard output.scale > 0 else { throw context.invalid("the output needs a positive scale") }
            (data.identityMultiplier, data.identityShift) = QuantizedMath.quantizeMultiplier(Double(input.scale) / Double(output.scale))
            (data.alphaMultiplier, data.alphaShift) = QuantizedMath.quantizeMultiplier(
                Double(input.scale) * Double(alpha.scale) / Double(output.scale))
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        if data.kind == .int8 {
            data.shape.run(Quantized(data: data), context.input(0, as: Int8.self), context.input(1, as: Int8.self), context.output(0, as: Int8.self))
        } else {
            data.shape.run(FloatStep(), context.input(0, as: Float.self), context.input(1, as: Float.self), context.output(0, as: Float.self))
        }
    }

    struct FloatStep: MixedBinaryOperation {
        @inline(__always) func first(_ value: Float) -> Float { value }
        @inline(__always) func second(_ value: Float) -> Float { value }
        @inline(__always) func combine(_ x: Float, _ alpha: Float) -> Float { x >= 0 ? x : x * alpha }
    }

    struct Quantized: MixedBinaryOperation {
        let data: OpData
        @inline(__always) func first(_ value: Int8) -> Int32 { Int32(value) &+ data.inputOffset }
        @inline(__always) func second(_ value: Int8) -> Int32 { Int32(value) &+ data.alphaOffset }
        @inline(__always) func combine(_ x: Int32, _ alpha: Int32) -> Int8 {
            let value = x >= 0
                ? QuantizedMath.multiplyByQuantizedMultiplier(x, data.identityMultiplier, data.identityShift)
                : QuantizedMath.multiplyByQuantizedMultiplier(x &* alpha, data.alphaMultiplier, data.alphaShift)
            return Int8(min(max(value &+ data.outputOffset, -128), 127))
        }
    }
}
