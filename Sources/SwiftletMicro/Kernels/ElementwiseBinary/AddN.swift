import SwiftletFormat

/// ADD_N: the element-wise sum of any number of inputs of one shape. float32 and int32
/// (summed in input order); int8 as TFLM: every centred input is shifted left by 20 and
/// halved as a fixed-point multiplier (all inputs share one scale and zero point), the
/// sum — which starts from the shifted negative zero point — is rescaled once to the output.
public enum AddN {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .addN, prepare: prepare, eval: eval) }

    struct OpData {
        var kind: ElementKind
        var count: Int
        var inputs: Int
        var inputOffset: Int32
        var inputMultiplier: Int32
        var inputShift: Int
        var outputOffset: Int32
        var outputMultiplier: Int32
        var outputShift: Int
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let first = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        let inputs = context.inputCount
        guard inputs >= 1 else { throw context.invalid("ADD_N needs at least one input") }
        for slot in 0..<inputs {
            let input = try context.requiredInput(slot)
            guard input.type == output.type else { throw context.unsupported(input) }
            guard input.elementCount == output.elementCount else { throw context.invalid("ADD_N's inputs and output must have one shape") }
            if input.type == .int8, input.scale != first.scale || input.zeroPoint != first.zeroPoint {
                throw context.invalid("int8 ADD_N needs every input in one scale and zero point")
            }
        }
        guard let kind = ElementKind(output.type), kind == .float32 || kind == .int32 || kind == .int8 else { throw context.unsupported(output) }
        var data = OpData(kind: kind, count: output.elementCount, inputs: inputs, inputOffset: 0, inputMultiplier: 0, inputShift: 0,
                          outputOffset: 0, outputMultiplier: 0, outputShift: 0)
        if kind == .int8 {
            guard first.scale > 0, output.scale > 0 else { throw context.invalid("quantized tensors need a positive scale") }
            let twiceScale = 2 * Double(first.scale)
            (data.inputMultiplier, data.inputShift) = QuantizedMath.quantizeMultiplier(Double(first.scale) / twiceScale)
            (data.outputMultiplier, data.outputShift) = QuantizedMath.quantizeMultiplier(twiceScale / (Double(1 << 20) * Double(output.scale)))
            data.inputOffset = -first.zeroPoint
            data.outputOffset = output.zeroPoint
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32:
            let output = context.output(0, as: Float.self)
            for index in 0..<data.count {
                var total: Float = 0
                for slot in 0..<data.inputs { total += context.input(slot, as: Float.self)[index] }
                output[index] = total
            }
        case .int32:
            let output = context.output(0, as: Int32.self)
            for index in 0..<data.count {
                var total: Int32 = 0
                for slot in 0..<data.inputs { total &+= context.input(slot, as: Int32.self)[index] }
                output[index] = total
            }
        default:
            let output = context.output(0, as: Int8.self)
            let start = scaled(data.inputOffset, data)
            for index in 0..<data.count {
                var total = start
                for slot in 0..<data.inputs { total &+= scaled(Int32(context.input(slot, as: Int8.self)[index]) &+ data.inputOffset, data) }
                let value = QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOne(total, data.outputMultiplier, data.outputShift) &+ data.outputOffset
                output[index] = Int8(min(max(value, -128), 127))
            }
        }
    }

    @inline(__always)
    static func scaled(_ centred: Int32, _ data: OpData) -> Int32 {
        QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOne(centred &* (1 << 20), data.inputMultiplier, data.inputShift)
    }
}
