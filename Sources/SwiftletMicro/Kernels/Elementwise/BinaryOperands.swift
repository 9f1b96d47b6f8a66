import SwiftletFormat

/// The element type of a broadcasting binary kernel (ADD, SUB, MUL).
typealias BinaryKind = NumericKind

/// What ADD, SUB and MUL check first in `prepare`: inputs 0 and 1 and output 0
/// of one type, whose shapes broadcast to the output's.
struct BinaryOperands {
    var input1: TensorView
    var input2: TensorView
    var output: TensorView
    var shape: BroadcastShape
    var kind: BinaryKind

    /// Inputs 0 and 1 and output 0, which must be present.
    static func tensors(_ context: borrowing PrepareContext) throws(MicroError) -> (TensorView, TensorView, TensorView) {
        let input1 = try context.requiredInput(0)
        let input2 = try context.requiredInput(1)
        let output = try context.requiredOutput(0)
        return (input1, input2, output)
    }

    /// Checks `tensors` (from `tensors(_:)`): both inputs of the output's type,
    /// shapes that broadcast (rank at most 6), and a type the kernels support.
    init(_ context: borrowing PrepareContext, _ tensors: (TensorView, TensorView, TensorView)) throws(MicroError) {
        (input1, input2, output) = tensors
        guard input1.type == output.type else { throw context.unsupported(input1) }
        guard input2.type == output.type else { throw context.unsupported(input2) }
        guard let shape = BroadcastShape(first: input1, second: input2, output: output) else {
            throw context.invalid("input shapes do not broadcast to the output shape (rank at most 6)")
        }
        self.shape = shape
        kind = try NumericKind(output, context)
    }

    /// Fetches and checks the operands.
    init(_ context: borrowing PrepareContext) throws(MicroError) {
        try self.init(context, Self.tensors(context))
    }

    /// The fused activation's clamp range in the quantized output's values.
    func quantizedActivationRange(_ activation: ActivationFunction) -> (Int32, Int32) {
        let (qmin, qmax) = kind.range
        return QuantizedMath.activationRange(activation, scale: output.scale, zeroPoint: output.zeroPoint, qmin: qmin, qmax: qmax)
    }

    /// int32 ADD, SUB and MUL (TFLM's unquantized int32 path): both inputs and the output int32,
    /// shapes that broadcast. Nil when the output is not int32.
    static func int32Shape(_ context: borrowing PrepareContext) throws(MicroError) -> BroadcastShape? {
        let (input1, input2, output) = try tensors(context)
        guard output.type == .int32 else { return nil }
        guard input1.type == .int32 else { throw context.unsupported(input1) }
        guard input2.type == .int32 else { throw context.unsupported(input2) }
        guard let shape = BroadcastShape(first: input1, second: input2, output: output) else {
            throw context.invalid("input shapes do not broadcast to the output shape (rank at most 6)")
        }
        return shape
    }

    /// TFLM's `CalculateActivationRange` for int32 outputs: the fused activation's bounds as integers.
    static func int32ActivationRange(_ activation: ActivationFunction) -> (Int32, Int32) {
        switch activation {
        case .relu: return (0, .max)
        case .relu6: return (0, 6)
        case .reluN1To1: return (-1, 1)
        default: return (.min, .max)
        }
    }
}

/// `activation(a ∘ b)` on int32 values, wrapping like TFLM's int32 arithmetic on two's-complement targets.
struct Int32Arithmetic: BinaryElementOperation {
    enum Operation { case add, subtract, multiply }
    let operation: Operation
    let low: Int32, high: Int32
    @inline(__always) func first(_ value: Int32) -> Int32 { value }
    @inline(__always) func second(_ value: Int32) -> Int32 { value }
    @inline(__always) func combine(_ a: Int32, _ b: Int32) -> Int32 {
        let value: Int32
        switch operation {
        case .add: value = a &+ b
        case .subtract: value = a &- b
        case .multiply: value = a &* b
        }
        return min(max(value, low), high)
    }
}
