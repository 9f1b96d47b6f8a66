import SwiftletFormat

/// A single-input math function for `UnaryMath`: its float32 form and, where the
/// operator has one, its int8 form (tabulated over the 256 inputs in `prepare`).
protocol UnaryMathFunction: SendableMetatype {
    /// The operator.
    static var code: BuiltinOperator { get }
    /// The float32 function.
    static func apply(_ x: Float) -> Float
    /// Whether int8 tensors are accepted.
    static var supportsInt8: Bool { get }
    /// The int8 output for the input whose dequantized value is `x`. The default is
    /// TFLite's `LUTPopulate` rule: `clamp(round(f(x) / outputScale) + zeroPoint)`.
    static func int8Value(_ x: Float, outputScale: Float, outputZeroPoint: Int32) -> Int8
}

extension UnaryMathFunction {
    static var supportsInt8: Bool { false }

    static func int8Value(_ x: Float, outputScale: Float, outputZeroPoint: Int32) -> Int8 {
        let rescaled = (apply(x) * (1 / outputScale)).rounded(.toNearestOrAwayFromZero)
        return UnaryMath<Self>.clampToInt8(rescaled + Float(outputZeroPoint))
    }
}

/// The single-input math kernels (SIN, COS, SQRT, EXP, LOG, SQUARE, CEIL, FLOOR, ROUND):
/// float32 element by element; int8, where LiteRT defines it, through a 256-entry table
/// built in `prepare` from the same Float arithmetic. One specialization per function,
/// so firmware links only the functions it registers.
enum UnaryMath<Function: UnaryMathFunction> {
    static var registration: KernelRegistration {
        KernelRegistration(code: Function.code, inPlaceElementwise: true, prepare: prepare, eval: eval)
    }

    struct OpData {
        var count: Int
        /// The int8 table, or nil for float32.
        var table: UnsafeMutablePointer<Int8>?
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard input.type == output.type else { throw context.unsupported(output) }
        guard input.elementCount == output.elementCount else { throw context.invalid("input and output sizes differ") }
        var data = OpData(count: input.elementCount, table: nil)
        switch input.type {
        case .float32: break
        case .int8 where Function.supportsInt8:
            guard output.scale > 0, input.scale > 0 else { throw context.invalid("int8 tensors need a positive scale") }
            let table = context.allocateArray(Int8.self, count: Int8LookupTable.count).baseAddress!
            for value in Int32(Int8.min)...Int32(Int8.max) {
                let dequantized = input.scale * Float(value - input.zeroPoint)
                table[Int(UInt8(truncatingIfNeeded: value))] = Function.int8Value(
                    dequantized, outputScale: output.scale, outputZeroPoint: output.zeroPoint)
            }
            data.table = table
        default: throw context.unsupported(input)
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        if let table = data.table {
            let lookup = UnsafePointer(table)
            UnaryKind.map(context, data.count, Int8.self) { Int8LookupTable.lookup($0, lookup) }
        } else {
            UnaryKind.map(context, data.count, Float.self) { Function.apply($0) }
        }
    }

    /// C's float-to-int conversion (truncation) of an already rounded value, clamped to int8.
    @inline(__always)
    static func clampToInt8(_ value: Float) -> Int8 {
        if value.isNaN { return 0 }
        return Int8(min(max(value, -128), 127).rounded(.towardZero))
    }
}

/// SIN (float32).
enum SineFunction: UnaryMathFunction {
    static var code: BuiltinOperator { .sin }
    static func apply(_ x: Float) -> Float { Trigonometry.sin(x) }
}

/// COS (float32).
enum CosineFunction: UnaryMathFunction {
    static var code: BuiltinOperator { .cos }
    static func apply(_ x: Float) -> Float { Trigonometry.cos(x) }
}

/// SQUARE (float32).
enum SquareFunction: UnaryMathFunction {
    static var code: BuiltinOperator { .square }
    static func apply(_ x: Float) -> Float { x * x }
}

/// CEIL (float32).
enum CeilFunction: UnaryMathFunction {
    static var code: BuiltinOperator { .ceil }
    static func apply(_ x: Float) -> Float { x.rounded(.up) }
}

/// FLOOR (float32).
enum FloorFunction: UnaryMathFunction {
    static var code: BuiltinOperator { .floor }
    static func apply(_ x: Float) -> Float { x.rounded(.down) }
}

/// ROUND (float32): halves go to the even neighbour, computed as TFLite's `RoundToNearest`
/// does (from the floor), so values in (−0.5, 0) give +0 as there, not −0.
enum RoundFunction: UnaryMathFunction {
    static var code: BuiltinOperator { .round }
    static func apply(_ x: Float) -> Float {
        let floor = x.rounded(.down)
        let difference = x - floor
        if difference < 0.5 || (difference == 0.5 && Int(floor) % 2 == 0) { return floor }
        return floor + 1
    }
}

/// EXP: float32 (TFLM), and int8 by LiteRT's table of e^x.
enum ExpFunction: UnaryMathFunction {
    static var code: BuiltinOperator { .exp }
    static func apply(_ x: Float) -> Float { Transcendental.exp(x) }
    static var supportsInt8: Bool { true }
}

/// LOG: float32 (TFLM), and int8 by LiteRT's table, where inputs ≤ 0 give the
/// output's lowest value.
enum LogFunction: UnaryMathFunction {
    static var code: BuiltinOperator { .log }
    static func apply(_ x: Float) -> Float { Transcendental.log(x) }
    static var supportsInt8: Bool { true }
    static func int8Value(_ x: Float, outputScale: Float, outputZeroPoint: Int32) -> Int8 {
        let outputMin = Float(Int32(Int8.min) - outputZeroPoint) * outputScale
        let value = x <= 0 ? outputMin : apply(x)
        let rescaled = (value * (1 / outputScale)).rounded(.toNearestOrAwayFromZero)
        return UnaryMath<Self>.clampToInt8(rescaled + Float(outputZeroPoint))
    }
}

/// SQRT: float32 (TFLM), and int8 as LiteRT: `trunc(√x / outputScale) + zeroPoint`
/// (no rounding), clamped. Negative inputs, which LiteRT rejects at run time, give 0 here.
enum SquareRootFunction: UnaryMathFunction {
    static var code: BuiltinOperator { .sqrt }
    static func apply(_ x: Float) -> Float { x.squareRoot() }
    static var supportsInt8: Bool { true }
    static func int8Value(_ x: Float, outputScale: Float, outputZeroPoint: Int32) -> Int8 {
        let quotient = max(x, 0).squareRoot() / outputScale
        let truncated = Int32(min(quotient, 1_000_000).rounded(.towardZero)) + outputZeroPoint
        return Int8(min(max(truncated, -128), 127))
    }
}
