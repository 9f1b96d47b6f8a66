import SwiftletFormat

/// MUL: `output = activation(input1 · input2)` with numpy-style broadcasting (rank ≤ 6).
/// float32, int8, int16 (zero points 0) and int32, bit-exact with TFLM's reference kernels:
/// the quantized path multiplies the offset inputs in int32 and rescales the product
/// once, by `scale1 · scale2 / scaleOut`.
public enum Mul {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .mul, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    typealias Kind = BinaryKind

    struct OpData {
        var kind: Kind
        var shape: BroadcastShape
        var floatMin: Float
        var floatMax: Float
        var firstOffset: Int32
        var secondOffset: Int32
        var outputOffset: Int32
        var multiplier: Int32
        var shift: Int
        var activationMin: Int32
        var activationMax: Int32
        /// int32 inputs and output: the wrapping product clamped to the activation range.
        var isInt32 = false
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let tensors = try BinaryOperands.tensors(context)
        guard let activation = ActivationFunction(rawValue: context.op.options(MulOptions.self)?.fusedActivationFunction ?? 0) else {
            throw context.invalid("unknown fused activation")
        }
        if let shape = try BinaryOperands.int32Shape(context) {
            var data = OpData(kind: .float32, shape: shape, floatMin: 0, floatMax: 0, firstOffset: 0, secondOffset: 0,
                              outputOffset: 0, multiplier: 0, shift: 0, activationMin: 0, activationMax: 0)
            data.isInt32 = true
            (data.activationMin, data.activationMax) = BinaryOperands.int32ActivationRange(activation)
            context.setOpData(data)
            return
        }
        let operands = try BinaryOperands(context, tensors)
        let input1 = operands.input1, input2 = operands.input2, output = operands.output, kind = operands.kind
        var data = OpData(kind: kind, shape: operands.shape, floatMin: 0, floatMax: 0, firstOffset: 0, secondOffset: 0,
                          outputOffset: 0, multiplier: 0, shift: 0, activationMin: 0, activationMax: 0)
        if kind == .float32 {
            (data.floatMin, data.floatMax) = QuantizedMath.activationRange(activation)
        } else {
            if kind == .int16, input1.zeroPoint != 0 || input2.zeroPoint != 0 || output.zeroPoint != 0 {
                throw context.invalid("int16 MUL needs zero points of 0")
            }
            let real = Double(input1.scale) * Double(input2.scale) / Double(output.scale)
            (data.multiplier, data.shift) = QuantizedMath.quantizeMultiplier(real)
            data.firstOffset = -input1.zeroPoint
            data.secondOffset = -input2.zeroPoint
            data.outputOffset = output.zeroPoint
            (data.activationMin, data.activationMax) = operands.quantizedActivationRange(activation)
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        if data.isInt32 {
            data.shape.apply(Int32Arithmetic(operation: .multiply, low: data.activationMin, high: data.activationMax),
                             context.input(0, as: Int32.self), context.input(1, as: Int32.self), context.output(0, as: Int32.self))
            return
        }
        switch data.kind {
        case .float32:
            data.shape.apply(FloatProduct(low: data.floatMin, high: data.floatMax),
                             context.input(0, as: Float.self), context.input(1, as: Float.self), context.output(0, as: Float.self))
        case .int8:
            data.shape.apply(QuantizedProduct<Int8>(data: data),
                             context.input(0, as: Int8.self), context.input(1, as: Int8.self), context.output(0, as: Int8.self))
        case .int16:
            data.shape.apply(QuantizedProduct<Int16>(data: data),
                             context.input(0, as: Int16.self), context.input(1, as: Int16.self), context.output(0, as: Int16.self))
        }
    }

    struct FloatProduct: BinaryElementOperation {
        let low: Float, high: Float
        @inline(__always) func first(_ value: Float) -> Float { value }
        @inline(__always) func second(_ value: Float) -> Float { value }
        @inline(__always) func combine(_ a: Float, _ b: Float) -> Float { min(max(a * b, low), high) }
    }

    struct QuantizedProduct<Element: FixedWidthInteger & SignedInteger>: BinaryElementOperation {
        let data: OpData
        @inline(__always) func first(_ value: Element) -> Int32 { Int32(value) &+ data.firstOffset }
        @inline(__always) func second(_ value: Element) -> Int32 { Int32(value) &+ data.secondOffset }
        @inline(__always) func combine(_ a: Int32, _ b: Int32) -> Element {
            let value = QuantizedMath.multiplyByQuantizedMultiplier(a &* b, data.multiplier, data.shift) &+ data.outputOffset
            return Element(truncatingIfNeeded: min(max(value, data.activationMin), data.activationMax))
        }
    }
}
