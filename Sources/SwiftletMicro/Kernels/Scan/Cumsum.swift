import SwiftletFormat

/// CUMSUM: running sums along a constant axis, optionally `exclusive` (each output
/// leaves out its own element) and `reverse` (summing from the end). float32 (as
/// TFLM), int32 and int64 (wrapping, as TFLite).
public enum Cumsum {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .cumsum, prepare: prepare, eval: eval) }

    enum Kind { case float32, int32, int64 }

    struct OpData {
        var kind: Kind
        var outerCount: Int
        var axisCount: Int
        var innerCount: Int
        var exclusive: Bool
        var reverse: Bool
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("CUMSUM takes an input, an axis and one output") }
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        let kind: Kind
        switch input.type {
        case .float32: kind = .float32
        case .int32: kind = .int32
        case .int64: kind = .int64
        default: throw context.unsupported(input)
        }
        guard output.type == input.type else { throw context.unsupported(output) }
        guard let dims = ElementMove.dimensions(input), ElementMove.dimensions(output) == dims else {
            throw context.invalid("the output must have the input's shape")
        }
        guard let axes = ElementMove.constantIndices(try context.requiredInput(1), in: context), axes.count == 1 else {
            throw .unsupportedFeature("CUMSUM with a non-constant axis")
        }
        let axis = axes[0] < 0 ? axes[0] + dims.count : axes[0]
        guard axis >= 0, axis < dims.count else { throw context.invalid("the axis is out of range") }
        var outer = 1, inner = 1
        for index in 0..<axis { outer *= dims[index] }
        for index in (axis + 1)..<dims.count { inner *= dims[index] }
        let options = context.op.options(CumsumOptions.self)
        context.setOpData(OpData(kind: kind, outerCount: outer, axisCount: dims[axis], innerCount: inner,
                                 exclusive: options?.exclusive ?? false, reverse: options?.reverse ?? false))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32: scan(data, context.input(0, as: Float.self), context.output(0, as: Float.self)) { $0 + $1 }
        case .int32: scan(data, context.input(0, as: Int32.self), context.output(0, as: Int32.self)) { $0 &+ $1 }
        case .int64: scan(data, context.input(0, as: Int64.self), context.output(0, as: Int64.self)) { $0 &+ $1 }
        }
    }

    @inline(__always)
    private static func scan<Value: Numeric>(_ data: OpData, _ input: UnsafePointer<Value>, _ output: UnsafeMutablePointer<Value>,
                                             _ add: (Value, Value) -> Value) {
        let inner = data.innerCount, count = data.axisCount
        let first = data.reverse ? (count - 1) * inner : 0
        let step = data.reverse ? -inner : inner
        for outer in 0..<data.outerCount {
            let block = outer * count * inner
            for position in 0..<inner {
                var total: Value = 0
                var index = block + position + first
                for _ in 0..<count {
                    if data.exclusive {
                        output[index] = total
                        total = add(total, input[index])
                    } else {
                        total = add(total, input[index])
                        output[index] = total
                    }
                    index += step
                }
            }
        }
    }
}
