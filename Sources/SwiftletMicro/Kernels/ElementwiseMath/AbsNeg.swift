import SwiftletFormat

/// ABS: float32; int8 and quantized int16 (the magnitude of the centred input,
/// rescaled by `scaleIn / scaleOut` when the scales differ, plus the output zero
/// point, clamped); int16 without quantization and int32 (LiteRT) as plain integers.
/// Bit-exact with TFLM's (and LiteRT's) reference kernels.
public enum Abs {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .abs, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    enum Kind { case float32, int8, int16, plainInt16, int32 }

    struct OpData {
        var kind: Kind
        var count: Int
        var inputOffset: Int32
        var outputOffset: Int32
        var rescales: Bool
        var multiplier: Int32
        var shift: Int
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard input.type == output.type else { throw context.unsupported(output) }
        guard input.elementCount == output.elementCount else { throw context.invalid("input and output sizes differ") }
        var data = OpData(kind: .float32, count: input.elementCount, inputOffset: 0, outputOffset: 0, rescales: false, multiplier: 0, shift: 0)
        switch input.type {
        case .float32: data.kind = .float32
        case .int32: data.kind = .int32
        case .int8, .int16:
            if input.type == .int16 && !input.isQuantized {
                data.kind = .plainInt16
                break
            }
            data.kind = input.type == .int8 ? .int8 : .int16
            guard input.scale > 0, output.scale > 0 else { throw context.invalid("quantized tensors need a positive scale") }
            if data.kind == .int16, input.zeroPoint != 0 || output.zeroPoint != 0 { throw context.invalid("int16 ABS needs zero points of 0") }
            data.inputOffset = input.zeroPoint
            data.outputOffset = output.zeroPoint
            data.rescales = input.scale != output.scale
            if data.rescales {
                (data.multiplier, data.shift) = QuantizedMath.quantizeMultiplier(Double(input.scale) / Double(output.scale))
            }
        default: throw context.unsupported(input)
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32: UnaryKind.map(context, data.count, Float.self) { $0.magnitude }
        case .int32: UnaryKind.map(context, data.count, Int32.self) { $0 < 0 ? 0 &- $0 : $0 }
        case .plainInt16: UnaryKind.map(context, data.count, Int16.self) { Int16(truncatingIfNeeded: Int32($0).magnitude) }
        case .int8: evalQuantized(context, data, Int8.self)
        case .int16: evalQuantized(context, data, Int16.self)
        }
    }

    @inline(__always)
    private static func evalQuantized<Element: FixedWidthInteger & SignedInteger>(
        _ context: borrowing EvalContext, _ data: OpData, _ type: Element.Type
    ) {
        let low = Int32(Element.min), high = Int32(Element.max)
        if data.rescales {
            UnaryKind.map(context, data.count, Element.self) { element in
                let magnitude = Int32(element) &- data.inputOffset
                let value = QuantizedMath.multiplyByQuantizedMultiplier(magnitude < 0 ? 0 &- magnitude : magnitude, data.multiplier, data.shift)
                return Element(truncatingIfNeeded: min(max(value &+ data.outputOffset, low), high))
            }
        } else {
            UnaryKind.map(context, data.count, Element.self) { element in
                let magnitude = Int32(element) &- data.inputOffset
                return Element(truncatingIfNeeded: min(max((magnitude < 0 ? 0 &- magnitude : magnitude) &+ data.outputOffset, low), high))
            }
        }
    }
}

/// NEG: float32 (TFLM), and int32 and int64 (LiteRT), element by element (integers wrap).
public enum Neg {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .neg, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    struct OpData {
        var type: TensorType
        var count: Int
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard input.type == output.type else { throw context.unsupported(output) }
        guard input.elementCount == output.elementCount else { throw context.invalid("input and output sizes differ") }
        guard input.type == .float32 || input.type == .int32 || input.type == .int64 else { throw context.unsupported(input) }
        context.setOpData(OpData(type: input.type, count: input.elementCount))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.type {
        case .int32: UnaryKind.map(context, data.count, Int32.self) { 0 &- $0 }
        case .int64: UnaryKind.map(context, data.count, Int64.self) { 0 &- $0 }
        default: UnaryKind.map(context, data.count, Float.self) { -$0 }
        }
    }
}
