import SwiftletFormat

/// REDUCE_MAX, REDUCE_MIN, SUM and REDUCE_ALL over constant axes (negative axes, keep_dims).
/// MAX/MIN: float32, int8, int16, int32 on raw values (TFLM requires int8 input and output
/// to share scale and zero point). SUM: float32 and int32 in input order; int8 and int16 as
/// TFLM: the int32 sum minus `count · zeroPoint`, rescaled by `scaleIn / scaleOut`, plus the
/// output zero point, clamped. REDUCE_ALL: bool.
enum Reduction<Operation: ReductionOperation> {
    static var registration: KernelRegistration {
        KernelRegistration(code: Operation.code, prepare: prepare, eval: eval)
    }

    struct OpData {
        var type: TensorType
        var layout: ReductionLayout
        var multiplier: Int32
        var shift: Int
        var inputZeroPoint: Int32
        var outputZeroPoint: Int32
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("reductions take an input and an axis tensor") }
        let input = try context.requiredInput(0)
        let axis = try context.requiredInput(1)
        let output = try context.requiredOutput(0)
        let keepDims = context.op.options(ReducerOptions.self)?.keepDims ?? false
        guard input.type == output.type else { throw context.unsupported(output) }
        guard Operation.accepts(input.type) else { throw context.unsupported(input) }
        let layout = try ReductionLayout(&context, input: input, axis: axis, output: output, keepDims: keepDims)
        var data = OpData(type: input.type, layout: layout, multiplier: 0, shift: 0,
                          inputZeroPoint: input.zeroPoint, outputZeroPoint: output.zeroPoint)
        if Operation.rescales, input.type == .int8 || input.type == .int16 {
            guard output.scale > 0 else { throw context.invalid("the output needs a positive scale") }
            (data.multiplier, data.shift) = QuantizedMath.quantizeMultiplier(Double(input.scale) / Double(output.scale))
        } else if input.type == .int8, input.scale != output.scale || input.zeroPoint != output.zeroPoint {
            throw context.invalid("int8 REDUCE_MAX/REDUCE_MIN need input and output of one scale and zero point")
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        Operation.run(context, data)
    }
}

/// What REDUCE_MAX, REDUCE_MIN, SUM or REDUCE_ALL computes.
protocol ReductionOperation: SendableMetatype {
    static var code: BuiltinOperator { get }
    static func accepts(_ type: TensorType) -> Bool
    /// Whether quantized outputs are rescaled (SUM).
    static var rescales: Bool { get }
    static func run(_ context: borrowing EvalContext, _ data: Reduction<Self>.OpData)
}

extension ReductionOperation {
    static var rescales: Bool { false }
}

/// Keeps the largest (or smallest) element.
struct ExtremumRule<Element: Comparable>: ReductionRule {
    let initial: Element
    let keepsLarger: Bool
    @inline(__always) func fold(_ state: inout Element, _ element: Element) {
        if keepsLarger ? element > state : element < state { state = element }
    }
    @inline(__always) func finish(_ state: Element) -> Element { state }
}

enum ReduceMaxOperation: ReductionOperation {
    static var code: BuiltinOperator { .reduceMax }
    static func accepts(_ type: TensorType) -> Bool { type == .float32 || type == .int8 || type == .int16 || type == .int32 }
    static func run(_ context: borrowing EvalContext, _ data: Reduction<Self>.OpData) {
        extremum(context, data.layout, data.type, larger: true)
    }
}

enum ReduceMinOperation: ReductionOperation {
    static var code: BuiltinOperator { .reduceMin }
    static func accepts(_ type: TensorType) -> Bool { type == .float32 || type == .int8 || type == .int16 || type == .int32 }
    static func run(_ context: borrowing EvalContext, _ data: Reduction<Self>.OpData) {
        extremum(context, data.layout, data.type, larger: false)
    }
}

@inline(__always)
private func extremum(_ context: borrowing EvalContext, _ layout: ReductionLayout, _ type: TensorType, larger: Bool) {
    switch type {
    case .float32:
        layout.reduce(ExtremumRule<Float>(initial: larger ? -.greatestFiniteMagnitude : .greatestFiniteMagnitude, keepsLarger: larger),
                      context.input(0, as: Float.self), context.output(0, as: Float.self))
    case .int8:
        layout.reduce(ExtremumRule<Int8>(initial: larger ? .min : .max, keepsLarger: larger), context.input(0, as: Int8.self), context.output(0, as: Int8.self))
    case .int16:
        layout.reduce(ExtremumRule<Int16>(initial: larger ? .min : .max, keepsLarger: larger), context.input(0, as: Int16.self), context.output(0, as: Int16.self))
    default:
        layout.reduce(ExtremumRule<Int32>(initial: larger ? .min : .max, keepsLarger: larger), context.input(0, as: Int32.self), context.output(0, as: Int32.self))
    }
}

/// Adds float32 elements in input order.
struct FloatSumRule: ReductionRule {
    var initial: Float { 0 }
    @inline(__always) func fold(_ state: inout Float, _ element: Float) { state += element }
    @inline(__always) func finish(_ state: Float) -> Float { state }
}

/// Adds integers in wrapping int32 arithmetic; quantized outputs are rescaled.
struct IntegerSumRule<Element: FixedWidthInteger & SignedInteger>: ReductionRule {
    let rescales: Bool
    let offset: Int32
    let multiplier: Int32
    let shift: Int
    let outputZeroPoint: Int32
    var initial: Int32 { 0 }
    @inline(__always) func fold(_ state: inout Int32, _ element: Element) { state &+= Int32(truncatingIfNeeded: element) }
    @inline(__always) func finish(_ state: Int32) -> Element {
        guard rescales else { return Element(truncatingIfNeeded: state) }
        let value = QuantizedMath.multiplyByQuantizedMultiplier(state &- offset, multiplier, shift) &+ outputZeroPoint
        return Element(truncatingIfNeeded: min(max(value, Int32(Element.min)), Int32(Element.max)))
    }
}

enum SumOperation: ReductionOperation {
    static var code: BuiltinOperator { .sum }
    static var rescales: Bool { true }
    static func accepts(_ type: TensorType) -> Bool { type == .float32 || type == .int8 || type == .int16 || type == .int32 }
    static func run(_ context: borrowing EvalContext, _ data: Reduction<Self>.OpData) {
        let offset = data.inputZeroPoint &* Int32(truncatingIfNeeded: data.layout.reducedCount)
        switch data.type {
        case .float32:
            data.layout.reduce(FloatSumRule(), context.input(0, as: Float.self), context.output(0, as: Float.self))
        case .int8:
            data.layout.reduce(IntegerSumRule<Int8>(rescales: true, offset: offset, multiplier: data.multiplier, shift: data.shift,
                                                    outputZeroPoint: data.outputZeroPoint),
                               context.input(0, as: Int8.self), context.output(0, as: Int8.self))
        case .int16:
            data.layout.reduce(IntegerSumRule<Int16>(rescales: true, offset: offset, multiplier: data.multiplier, shift: data.shift,
                                                     outputZeroPoint: data.outputZeroPoint),
                               context.input(0, as: Int16.self), context.output(0, as: Int16.self))
        default:
            data.layout.reduce(IntegerSumRule<Int32>(rescales: false, offset: 0, multiplier: 0, shift: 0, outputZeroPoint: 0),
                               context.input(0, as: Int32.self), context.output(0, as: Int32.self))
        }
    }
}

/// Whether every element is true.
struct AllRule: ReductionRule {
    var initial: Bool { true }
    @inline(__always) func fold(_ state: inout Bool, _ element: UInt8) { state = state && element != 0 }
    @inline(__always) func finish(_ state: Bool) -> UInt8 { state ? 1 : 0 }
}

enum ReduceAllOperation: ReductionOperation {
    static var code: BuiltinOperator { .reduceAll }
    static func accepts(_ type: TensorType) -> Bool { type == .bool }
    static func run(_ context: borrowing EvalContext, _ data: Reduction<Self>.OpData) {
        data.layout.reduce(AllRule(), context.input(0, as: UInt8.self), context.output(0, as: UInt8.self))
    }
}
