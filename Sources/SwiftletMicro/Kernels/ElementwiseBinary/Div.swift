import SwiftletFormat

/// DIV with broadcasting (rank ≤ 6) and a fused activation. float32; int32 (C's truncating
/// division; a zero divisor gives 0 here, where C is undefined); int8 as TFLM: the centred
/// divisor's reciprocal in fixed point (`GetReciprocal`), the centred dividend normalized by
/// its headroom, and one rescale by `scale1 / (scale2 · scaleOut)`. Bit-exact with TFLM.
public enum Div {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .div, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    struct OpData {
        var kind: ElementKind
        var shape: BroadcastShape
        var floatMin: Float
        var floatMax: Float
        var activationMin: Int32
        var activationMax: Int32
        var firstOffset: Int32
        var secondOffset: Int32
        var outputOffset: Int32
        var multiplier: Int32
        var shift: Int
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let operands = try MixedBinaryOperands(context)
        guard let activation = ActivationFunction(rawValue: context.op.options(DivOptions.self)?.fusedActivationFunction ?? 0) else {
            throw context.invalid("unknown fused activation")
        }
        let output = operands.output
        guard output.type == operands.input1.type else { throw context.unsupported(output) }
        var data = OpData(kind: operands.kind, shape: operands.shape, floatMin: 0, floatMax: 0, activationMin: 0, activationMax: 0,
                          firstOffset: 0, secondOffset: 0, outputOffset: 0, multiplier: 0, shift: 0)
        switch operands.kind {
        case .float32:
            (data.floatMin, data.floatMax) = QuantizedMath.activationRange(activation)
        case .int32:
            switch activation {
            case .relu: (data.activationMin, data.activationMax) = (0, .max)
            case .relu6: (data.activationMin, data.activationMax) = (0, 6)
            case .reluN1To1: (data.activationMin, data.activationMax) = (-1, 1)
            default: (data.activationMin, data.activationMax) = (.min, .max)
            }
        case .int8:
            guard operands.input2.scale > 0, output.scale > 0 else { throw context.invalid("quantized tensors need a positive scale") }
            (data.activationMin, data.activationMax) = QuantizedMath.activationRange(
                activation, scale: output.scale, zeroPoint: output.zeroPoint, qmin: -128, qmax: 127)
            (data.multiplier, data.shift) = QuantizedMath.quantizeMultiplier(
                Double(operands.input1.scale / (operands.input2.scale * output.scale)))
            data.firstOffset = -operands.input1.zeroPoint
            data.secondOffset = -operands.input2.zeroPoint
            data.outputOffset = output.zeroPoint
        default: throw context.unsupported(operands.input1)
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32:
            data.shape.run(FloatQuotient(low: data.floatMin, high: data.floatMax),
                           context.input(0, as: Float.self), context.input(1, as: Float.self), context.output(0, as: Float.self))
        case .int32:
            data.shape.run(IntegerQuotient(low: data.activationMin, high: data.activationMax),
                           context.input(0, as: Int32.self), context.input(1, as: Int32.self), context.output(0, as: Int32.self))
        default:
            data.shape.run(QuantizedQuotient(data: data),
                           context.input(0, as: Int8.self), context.input(1, as: Int8.self), context.output(0, as: Int8.self))
        }
    }

    struct FloatQuotient: MixedBinaryOperation {
        let low: Float, high: Float
        @inline(__always) func first(_ value: Float) -> Float { value }
        @inline(__always) func second(_ value: Float) -> Float { value }
        @inline(__always) func combine(_ a: Float, _ b: Float) -> Float { min(max(a / b, low), high) }
    }

    struct IntegerQuotient: MixedBinaryOperation {
        let low: Int32, high: Int32
        @inline(__always) func first(_ value: Int32) -> Int32 { value }
        @inline(__always) func second(_ value: Int32) -> Int32 { value }
        @inline(__always) func combine(_ a: Int32, _ b: Int32) -> Int32 {
            let quotient = b == 0 ? 0 : a.dividedReportingOverflow(by: b).partialValue
            return min(max(quotient, low), high)
        }
    }

    struct QuantizedQuotient: MixedBinaryOperation {
        let data: OpData
        @inline(__always) func first(_ value: Int8) -> Int32 { Int32(value) &+ data.firstOffset }
        @inline(__always) func second(_ value: Int8) -> Int32 { Int32(value) &+ data.secondOffset }
        @inline(__always) func combine(_ dividend: Int32, _ divisor: Int32) -> Int8 {
            var numerator = dividend, denominator = divisor
            if denominator == 0 { return Int8(truncatingIfNeeded: numerator >= 0 ? data.activationMax : data.activationMin) }
            if denominator < 0 {
                numerator = 0 &- numerator
                denominator = 0 &- denominator
            }
            let (inverse, reciprocalShift) = FixedPoint.reciprocal(denominator, integerBits: 31)
            let headroom = countLeadingSignBits(numerator)
            let unscaled = QuantizedMath.multiplyByQuantizedMultiplierGreaterThanOne(numerator, inverse, headroom)
            let totalShift = data.shift - reciprocalShift - headroom
            let value = data.outputOffset &+ QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOne(unscaled, data.multiplier, totalShift)
            return Int8(truncatingIfNeeded: min(max(value, data.activationMin), data.activationMax))
        }
    }

    /// Redundant sign bits of `x` (TFLite's `CountLeadingSignBits`).
    @inline(__always)
    static func countLeadingSignBits(_ x: Int32) -> Int {
        if x >= 0 { return UInt32(bitPattern: x).leadingZeroBitCount - 1 }
        if x == .min { return 0 }
        return (2 &* UInt32(bitPattern: 0 &- x) &- 1).leadingZeroBitCount
    }
}
