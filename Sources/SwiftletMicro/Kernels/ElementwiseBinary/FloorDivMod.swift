import SwiftletFormat

/// FLOOR_DIV and FLOOR_MOD with broadcasting (rank ≤ 6). float32 (TFLM) and int32, plus
/// int64 for FLOOR_MOD (LiteRT). FLOOR_DIV is `floor(a / b)` (integers divide in Double,
/// as LiteRT); FLOOR_MOD is the remainder with the divisor's sign (`fmod`, then `+ b` when
/// the signs differ). A zero integer divisor gives 0 here (undefined in TFLite).
enum FloorDivMod<Operation: FlooringOperation> {
    static var registration: KernelRegistration {
        KernelRegistration(code: Operation.code, inPlaceElementwise: true, prepare: prepare, eval: eval)
    }

    struct OpData {
        var kind: ElementKind
        var shape: BroadcastShape
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let operands = try MixedBinaryOperands(context)
        guard operands.output.type == operands.input1.type else { throw context.unsupported(operands.output) }
        switch operands.kind {
        case .float32, .int32: break
        case .int64 where Operation.acceptsInt64: break
        default: throw context.unsupported(operands.input1)
        }
        context.setOpData(OpData(kind: operands.kind, shape: operands.shape))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32:
            data.shape.run(FloatStep(), context.input(0, as: Float.self), context.input(1, as: Float.self), context.output(0, as: Float.self))
        case .int32:
            data.shape.run(IntegerStep<Int32>(), context.input(0, as: Int32.self), context.input(1, as: Int32.self), context.output(0, as: Int32.self))
        default:
            data.shape.run(IntegerStep<Int64>(), context.input(0, as: Int64.self), context.input(1, as: Int64.self), context.output(0, as: Int64.self))
        }
    }

    struct FloatStep: MixedBinaryOperation {
        @inline(__always) func first(_ value: Float) -> Float { value }
        @inline(__always) func second(_ value: Float) -> Float { value }
        @inline(__always) func combine(_ a: Float, _ b: Float) -> Float { Operation.float(a, b) }
    }

    struct IntegerStep<Element: FixedWidthInteger & SignedInteger>: MixedBinaryOperation {
        @inline(__always) func first(_ value: Element) -> Element { value }
        @inline(__always) func second(_ value: Element) -> Element { value }
        @inline(__always) func combine(_ a: Element, _ b: Element) -> Element { b == 0 ? 0 : Operation.integer(a, b) }
    }
}

/// FLOOR_DIV's or FLOOR_MOD's arithmetic.
protocol FlooringOperation: SendableMetatype {
    static var code: BuiltinOperator { get }
    static var acceptsInt64: Bool { get }
    static func float(_ a: Float, _ b: Float) -> Float
    /// `b` is not zero.
    static func integer<T: FixedWidthInteger & SignedInteger>(_ a: T, _ b: T) -> T
}

enum FloorDivision: FlooringOperation {
    static var code: BuiltinOperator { .floorDiv }
    static var acceptsInt64: Bool { false }
    @inline(__always) static func float(_ a: Float, _ b: Float) -> Float { (a / b).rounded(.down) }
    @inline(__always) static func integer<T: FixedWidthInteger & SignedInteger>(_ a: T, _ b: T) -> T {
        let quotient = (Double(a) / Double(b)).rounded(.down)
        return T(truncatingIfNeeded: Int64(min(max(quotient, -9.2e18), 9.2e18)))
    }
}

enum FloorModulo: FlooringOperation {
    static var code: BuiltinOperator { .floorMod }
    static var acceptsInt64: Bool { true }
    @inline(__always) static func float(_ a: Float, _ b: Float) -> Float {
        let remainder = a.truncatingRemainder(dividingBy: b)
        return remainder != 0 && ((b < 0) != (remainder < 0)) ? remainder + b : remainder
    }
    @inline(__always) static func integer<T: FixedWidthInteger & SignedInteger>(_ a: T, _ b: T) -> T {
        let remainder = a.remainderReportingOverflow(dividingBy: b).partialValue
        return remainder != 0 && ((b < 0) != (remainder < 0)) ? remainder &+ b : remainder
    }
}
