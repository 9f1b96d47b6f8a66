import SwiftletFormat

/// SQUARED_DIFFERENCE `(a − b)²` with broadcasting (rank ≤ 6). float32 and int32 directly;
/// int8 and int16 as TFLM: both centred inputs are shifted left (7 bits for int8, none for
/// int16), brought to twice the larger input scale, subtracted and squared in int32, and
/// rescaled once to the output. Bit-exact with TFLM.
public enum SquaredDifference {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .squaredDifference, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    struct Rescaling {
        var leftShift: Int32 = 0
        var firstOffset: Int32 = 0
        var firstMultiplier: Int32 = 0
        var firstShift: Int = 0
        var secondOffset: Int32 = 0
        var secondMultiplier: Int32 = 0
        var secondShift: Int = 0
        var outputOffset: Int32 = 0
        var outputMultiplier: Int32 = 0
        var outputShift: Int = 0
    }

    struct OpData {
        var kind: ElementKind
        var shape: BroadcastShape
        var rescaling: Rescaling
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let operands = try MixedBinaryOperands(context)
        let input1 = operands.input1, input2 = operands.input2, output = operands.output
        guard output.type == input1.type else { throw context.unsupported(output) }
        var data = OpData(kind: operands.kind, shape: operands.shape, rescaling: Rescaling())
        switch operands.kind {
        case .float32, .int32: break
        case .int8, .int16:
            guard input1.scale > 0, input2.scale > 0, output.scale > 0 else { throw context.invalid("quantized tensors need a positive scale") }
            if operands.kind == .int16, input1.zeroPoint != 0 || input2.zeroPoint != 0 || output.zeroPoint != 0 {
                throw context.invalid("int16 SQUARED_DIFFERENCE needs zero points of 0")
            }
            let leftShift: Int32 = operands.kind == .int8 ? 7 : 0
            let twiceMax = 2 * Double(max(input1.scale, input2.scale))
            let (m1, s1) = QuantizedMath.quantizeMultiplier(Double(input1.scale) / twiceMax)
            let (m2, s2) = QuantizedMath.quantizeMultiplier(Double(input2.scale) / twiceMax)
            let realOutput = twiceMax * twiceMax / Double(Float(Int32(1) << (leftShift * 2)) * output.scale)
            let (mo, so) = QuantizedMath.quantizeMultiplier(realOutput)
            data.rescaling = Rescaling(leftShift: leftShift, firstOffset: -input1.zeroPoint, firstMultiplier: m1, firstShift: s1,
                                       secondOffset: -input2.zeroPoint, secondMultiplier: m2, secondShift: s2,
                                       outputOffset: output.zeroPoint, outputMultiplier: mo, outputShift: so)
        default: throw context.unsupported(input1)
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32:
            data.shape.run(Plain<Float>(), context.input(0, as: Float.self), context.input(1, as: Float.self), context.output(0, as: Float.self))
        case .int32:
            data.shape.run(PlainInteger(), context.input(0, as: Int32.self), context.input(1, as: Int32.self), context.output(0, as: Int32.self))
        case .int8:
            data.shape.run(Quantized<Int8>(r: data.rescaling), context.input(0, as: Int8.self), context.input(1, as: Int8.self), context.output(0, as: Int8.self))
        default:
            data.shape.run(Quantized<Int16>(r: data.rescaling), context.input(0, as: Int16.self), context.input(1, as: Int16.self), context.output(0, as: Int16.self))
        }
    }

    struct Plain<Element: FloatingPoint>: MixedBinaryOperation {
        @inline(__always) func first(_ value: Element) -> Element { value }
        @inline(__always) func second(_ value: Element) -> Element { value }
        @inline(__always) func combine(_ a: Element, _ b: Element) -> Element { (a - b) * (a - b) }
    }

    struct PlainInteger: MixedBinaryOperation {
        @inline(__always) func first(_ value: Int32) -> Int32 { value }
        @inline(__always) func second(_ value: Int32) -> Int32 { value }
        @inline(__always) func combine(_ a: Int32, _ b: Int32) -> Int32 { (a &- b) &* (a &- b) }
    }

    struct Quantized<Element: FixedWidthInteger & SignedInteger>: MixedBinaryOperation {
        let r: Rescaling
        @inline(__always) func first(_ value: Element) -> Int32 {
            QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOne((Int32(value) &+ r.firstOffset) &* (1 &<< r.leftShift), r.firstMultiplier, r.firstShift)
        }
        @inline(__always) func second(_ value: Element) -> Int32 {
            QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOne((Int32(value) &+ r.secondOffset) &* (1 &<< r.leftShift), r.secondMultiplier, r.secondShift)
        }
        @inline(__always) func combine(_ a: Int32, _ b: Int32) -> Element {
            let difference = a &- b
            let value = QuantizedMath.multiplyByQuantizedMultiplier(difference &* difference, r.outputMultiplier, r.outputShift) &+ r.outputOffset
            return Element(truncatingIfNeeded: min(max(value, Int32(Element.min)), Int32(Element.max)))
        }
    }
}
