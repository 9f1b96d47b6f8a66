import SwiftletFormat

/// MAXIMUM and MINIMUM with broadcasting (rank ≤ 6): float32, int8, int16, int32 and
/// int64, on raw values (TFLM's kernel assumes the inputs share the output's quantization
/// and does not rescale; neither does this one, so the bits match).
enum MaximumMinimum<Choice: ExtremumChoice> {
    static var registration: KernelRegistration {
        KernelRegistration(code: Choice.code, inPlaceElementwise: true, prepare: prepare, eval: eval)
    }

    struct OpData {
        var kind: ElementKind
        var shape: BroadcastShape
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let operands = try MixedBinaryOperands(context)
        guard operands.output.type == operands.input1.type, operands.kind != .bool else { throw context.unsupported(operands.output) }
        context.setOpData(OpData(kind: operands.kind, shape: operands.shape))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32: run(context, data.shape, Float.self)
        case .int8: run(context, data.shape, Int8.self)
        case .int16: run(context, data.shape, Int16.self)
        case .int32: run(context, data.shape, Int32.self)
        case .int64, .bool: run(context, data.shape, Int64.self)
        }
    }

    @inline(__always)
    static func run<Element: Comparable>(_ context: borrowing EvalContext, _ shape: BroadcastShape, _ type: Element.Type) {
        shape.run(Pick<Element>(), context.input(0, as: Element.self), context.input(1, as: Element.self), context.output(0, as: Element.self))
    }

    struct Pick<Element: Comparable>: MixedBinaryOperation {
        @inline(__always) func first(_ value: Element) -> Element { value }
        @inline(__always) func second(_ value: Element) -> Element { value }
        @inline(__always) func combine(_ a: Element, _ b: Element) -> Element { Choice.pick(a, b) }
    }
}

/// Which of two values MAXIMUM or MINIMUM keeps.
protocol ExtremumChoice: SendableMetatype {
    static var code: BuiltinOperator { get }
    static func pick<T: Comparable>(_ a: T, _ b: T) -> T
}

enum MaximumChoice: ExtremumChoice {
    static var code: BuiltinOperator { .maximum }
    @inline(__always) static func pick<T: Comparable>(_ a: T, _ b: T) -> T { a > b ? a : b }
}

enum MinimumChoice: ExtremumChoice {
    static var code: BuiltinOperator { .minimum }
    @inline(__always) static func pick<T: Comparable>(_ a: T, _ b: T) -> T { a < b ? a : b }
}
