import SwiftletFormat

/// A comparison for `Comparison`.
protocol ComparisonPredicate: SendableMetatype {
    static var code: BuiltinOperator { get }
    /// Whether bool operands are accepted (EQUAL and NOT_EQUAL).
    static var acceptsBool: Bool { get }
    static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool
}

/// EQUAL, NOT_EQUAL, GREATER, GREATER_EQUAL, LESS, LESS_EQUAL with broadcasting (rank ≤ 6),
/// bool output. float32, int32, int64 (and bool for EQUAL/NOT_EQUAL) compare raw values;
/// int8 and int16 compare after TFLM's rescaling: each centred input is shifted left by 8
/// and multiplied by its own scale as a fixed-point multiplier, so inputs of different
/// scales compare by real value, bit-exact with TFLM.
enum Comparison<Predicate: ComparisonPredicate> {
    static var registration: KernelRegistration {
        KernelRegistration(code: Predicate.code, prepare: prepare, eval: eval)
    }

    struct OpData {
        var kind: ElementKind
        var shape: BroadcastShape
        var scaling: Scaling
    }

    /// The rescaling of quantized operands.
    struct Scaling {
        var firstOffset: Int32 = 0
        var firstMultiplier: Int32 = 0
        var firstShift: Int = 0
        var secondOffset: Int32 = 0
        var secondMultiplier: Int32 = 0
        var secondShift: Int = 0
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let operands = try MixedBinaryOperands(context)
        guard operands.output.type == .bool else { throw context.unsupported(operands.output) }
        if operands.kind == .bool && !Predicate.acceptsBool { throw context.unsupported(operands.input1) }
        var data = OpData(kind: operands.kind, shape: operands.shape, scaling: Scaling())
        if operands.kind == .int8 || operands.kind == .int16 {
            let (m1, s1) = QuantizedMath.quantizeMultiplier(Double(operands.input1.scale))
            let (m2, s2) = QuantizedMath.quantizeMultiplier(Double(operands.input2.scale))
            guard s1 <= 0, s2 <= 0 else { throw context.invalid("quantized comparisons need input scales below one") }
            data.scaling = Scaling(firstOffset: -operands.input1.zeroPoint, firstMultiplier: m1, firstShift: s1,
                                   secondOffset: -operands.input2.zeroPoint, secondMultiplier: m2, secondShift: s2)
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let output = context.output(0, as: UInt8.self)
        switch data.kind {
        case .float32: data.shape.run(Raw<Float>(), context.input(0, as: Float.self), context.input(1, as: Float.self), output)
        case .int32: data.shape.run(Raw<Int32>(), context.input(0, as: Int32.self), context.input(1, as: Int32.self), output)
        case .int64: data.shape.run(Raw<Int64>(), context.input(0, as: Int64.self), context.input(1, as: Int64.self), output)
        case .bool: data.shape.run(Raw<UInt8>(), context.input(0, as: UInt8.self), context.input(1, as: UInt8.self), output)
        case .int8: data.shape.run(Scaled<Int8>(scaling: data.scaling), context.input(0, as: Int8.self), context.input(1, as: Int8.self), output)
        case .int16: data.shape.run(Scaled<Int16>(scaling: data.scaling), context.input(0, as: Int16.self), context.input(1, as: Int16.self), output)
        }
    }

    struct Raw<Element: Comparable>: MixedBinaryOperation {
        @inline(__always) func first(_ value: Element) -> Element { value }
        @inline(__always) func second(_ value: Element) -> Element { value }
        @inline(__always) func combine(_ a: Element, _ b: Element) -> UInt8 { Predicate.holds(a, b) ? 1 : 0 }
    }

    struct Scaled<Element: FixedWidthInteger & SignedInteger>: MixedBinaryOperation {
        let scaling: Scaling
        @inline(__always) func first(_ value: Element) -> Int32 {
            QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOne((Int32(value) &+ scaling.firstOffset) &* 256, scaling.firstMultiplier, scaling.firstShift)
        }
        @inline(__always) func second(_ value: Element) -> Int32 {
            QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOne((Int32(value) &+ scaling.secondOffset) &* 256, scaling.secondMultiplier, scaling.secondShift)
        }
        @inline(__always) func combine(_ a: Int32, _ b: Int32) -> UInt8 { Predicate.holds(a, b) ? 1 : 0 }
    }
}

enum EqualPredicate: ComparisonPredicate {
    static var code: BuiltinOperator { .equal }
    static var acceptsBool: Bool { true }
    @inline(__always) static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a == b }
}

enum NotEqualPredicate: ComparisonPredicate {
    static var code: BuiltinOperator { .notEqual }
    static var acceptsBool: Bool { true }
    @inline(__always) static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a != b }
}

enum GreaterPredicate: ComparisonPredicate {
    static var code: BuiltinOperator { .greater }
    static var acceptsBool: Bool { false }
    @inline(__always) static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a > b }
}

enum GreaterEqualPredicate: ComparisonPredicate {
    static var code: BuiltinOperator { .greaterEqual }
    static var acceptsBool: Bool { false }
    @inline(__always) static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a >= b }
}

enum LessPredicate: ComparisonPredicate {
    static var code: BuiltinOperator { .less }
    static var acceptsBool: Bool { false }
    @inline(__always) static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a < b }
}

enum LessEqualPredicate: ComparisonPredicate {
    static var code: BuiltinOperator { .lessEqual }
    static var acceptsBool: Bool { false }
    @inline(__always) static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a <= b }
}

/// LOGICAL_AND and LOGICAL_OR on bool tensors, with broadcasting (rank ≤ 6).
enum Logical<Operator: LogicalOperator> {
    static var registration: KernelRegistration {
        KernelRegistration(code: Operator.code, inPlaceElementwise: true, prepare: prepare, eval: eval)
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let operands = try MixedBinaryOperands(context)
        guard operands.kind == .bool else { throw context.unsupported(operands.input1) }
        guard operands.output.type == .bool else { throw context.unsupported(operands.output) }
        context.setOpData(operands.shape)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        context.opData(as: BroadcastShape.self).pointee.run(
            Combine(), context.input(0, as: UInt8.self), context.input(1, as: UInt8.self), context.output(0, as: UInt8.self))
    }

    struct Combine: MixedBinaryOperation {
        @inline(__always) func first(_ value: UInt8) -> Bool { value != 0 }
        @inline(__always) func second(_ value: UInt8) -> Bool { value != 0 }
        @inline(__always) func combine(_ a: Bool, _ b: Bool) -> UInt8 { Operator.apply(a, b) ? 1 : 0 }
    }
}

/// A logical operator for `Logical`.
protocol LogicalOperator: SendableMetatype {
    static var code: BuiltinOperator { get }
    static func apply(_ a: Bool, _ b: Bool) -> Bool
}

enum AndOperator: LogicalOperator {
    static var code: BuiltinOperator { .logicalAnd }
    @inline(__always) static func apply(_ a: Bool, _ b: Bool) -> Bool { a && b }
}

enum OrOperator: LogicalOperator {
    static var code: BuiltinOperator { .logicalOr }
    @inline(__always) static func apply(_ a: Bool, _ b: Bool) -> Bool { a || b }
}
