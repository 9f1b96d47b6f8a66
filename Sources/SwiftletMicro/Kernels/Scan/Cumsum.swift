import SwiftletFormat

/// CUMSUM: running sums along a constant axis, optionally `exclusive` (each output
/// leaves out its own element) and `reverse` (summing from the end). float32 and int8
/// (as TFLM), int32 and int64 (wrapping, as TFLite).
///
/// int8 follows TFLM's rescaling: each centred input is shifted left 20 bits and
/// halved (input multiplier ½), the running sum starts from the same rescaling of
/// the input's negated zero point (TFLM's starting value, not zero), and each sum is
/// brought to the output scale by 2·s_in / (2^20·s_out) and clamped.
public enum Cumsum {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .cumsum, prepare: prepare, eval: eval) }

    enum Kind { case float32, int8, int32, int64 }

    struct OpData {
        var kind: Kind
        var outerCount: Int
        var axisCount: Int
        var innerCount: Int
        var exclusive: Bool
        var reverse: Bool
        /// int8 only: TFLM's ADD-style rescaling.
        var inputOffset: Int32 = 0
        var outputOffset: Int32 = 0
        var inputMultiplier: Int32 = 0
        var inputShift: Int = 0
        var outputMultiplier: Int32 = 0
        var outputShift: Int = 0
    }

    /// TFLM's left shift of centred int8 inputs before rescaling.
    static let integerShift = 20

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("CUMSUM takes an input, an axis and one output") }
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        let kind: Kind
        switch input.type {
        case .float32: kind = .float32
        case .int8: kind = .int8
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
        var data = OpData(kind: kind, outerCount: outer, axisCount: dims[axis], innerCount: inner,
                          exclusive: options?.exclusive ?? false, reverse: options?.reverse ?? false)
        if kind == .int8 {
            guard input.scale > 0, output.scale > 0 else { throw context.invalid("int8 CUMSUM needs quantized input and output") }
            let twiceInputScale = 2 * Double(input.scale)
            data.inputOffset = -input.zeroPoint
            data.outputOffset = output.zeroPoint
            (data.inputMultiplier, data.inputShift) = QuantizedMath.quantizeMultiplier(Double(input.scale) / twiceInputScale)
            (data.outputMultiplier, data.outputShift) = QuantizedMath.quantizeMultiplier(
                twiceInputScale / (Double(1 << integerShift) * Double(output.scale)))
            guard data.inputShift <= 0, data.outputShift <= 0 else {
                throw context.invalid("int8 CUMSUM needs an output scale of at least 2^-19 of the input scale")
            }
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32: scan(data, context.input(0, as: Float.self), context.output(0, as: Float.self)) { $0 + $1 }
        case .int8: scanInt8(data, context.input(0, as: Int8.self), context.output(0, as: Int8.self))
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

    private static func scanInt8(_ data: OpData, _ input: UnsafePointer<Int8>, _ output: UnsafeMutablePointer<Int8>) {
        @inline(__always) func rescaled(_ centred: Int32) -> Int32 {
            QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOne(centred &* (1 << Int32(integerShift)),
                                                                      data.inputMultiplier, data.inputShift)
        }
        let start = rescaled(data.inputOffset)
        let inner = data.innerCount, count = data.axisCount
        let first = data.reverse ? (count - 1) * inner : 0
        let step = data.reverse ? -inner : inner
        for outer in 0..<data.outerCount {
            let block = outer * count * inner
            for position in 0..<inner {
                var total = start
                var index = block + position + first
                for _ in 0..<count {
                    let value = rescaled(data.inputOffset &+ Int32(input[index]))
                    let sum: Int32
                    if data.exclusive {
                        sum = total
                        total = total &+ value
                    } else {
                        total = total &+ value
                        sum = total
                    }
                    let result = QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOne(sum, data.outputMultiplier, data.outputShift)
                        &+ data.outputOffset
                    output[index] = Int8(min(max(result, -128), 127))
                    index += step
                }
            }
        }
    }
}
