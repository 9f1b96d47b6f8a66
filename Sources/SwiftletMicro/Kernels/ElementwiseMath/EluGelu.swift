import SwiftletFormat

/// ELU: `x < 0 ? eˣ − 1 : x`. float32, and int8 through TFLM's 256-entry table
/// (built with Float arithmetic in TFLM's order). Bit-exact with TFLM for int8.
public enum Elu {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .elu, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    static func transform(_ x: Float) -> Float { x < 0 ? Transcendental.exp(x) - 1 : x }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        try ElementTable.prepare(&context, transform: transform)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        ElementTable.eval(context) { x in x < 0 ? Float(Transcendental.exp(Double(x)) - 1) : x }
    }
}

/// GELU (beyond TFLM, which lacks it; the TF converter emits it for `tf.nn.gelu` and
/// Keras' `gelu`): `x · Φ(x)`, or with the `approximate` option
/// `x/2 · (1 + tanh(√(2/π) · (x + 0.044715 x³)))`. float32, and int8 through LiteRT's
/// 256-entry table of the same Float function.
public enum Gelu {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .gelu, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    static func exact(_ x: Float) -> Float {
        Float(0.5 * Double(x) * (1 + Trigonometry.erf(Double(x) * 0.7071067811865476)))
    }

    static func approximate(_ x: Float) -> Float {
        let inner: Float = 0.7978845608028654 * (x + 0.044715 * x * x * x)
        return 0.5 * x * (1 + Transcendental.tanh(inner))
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let isApproximate = context.op.options(GeluOptions.self)?.approximate ?? false
        try ElementTable.prepare(&context, transform: isApproximate ? approximate : exact, flag: isApproximate)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        if context.opData(as: ElementTable.OpData.self).pointee.flag {
            ElementTable.eval(context, approximate)
        } else {
            ElementTable.eval(context, exact)
        }
    }
}

/// What the table-driven activations (ELU, GELU) share: float32 element by element,
/// int8 by a table built in `prepare`.
enum ElementTable {
    struct OpData {
        var count: Int
        var table: UnsafeMutablePointer<Int8>?
        /// A kernel-specific option (GELU's `approximate`).
        var flag: Bool
    }

    static func prepare(_ context: inout PrepareContext, transform: (Float) -> Float, flag: Bool = false) throws(MicroError) {
        let (input, output, kind) = try UnaryKind.validate(&context, allowInt16: false)
        var data = OpData(count: input.elementCount, table: nil, flag: flag)
        if kind == .int8 {
            guard output.scale > 0 else { throw context.invalid("the output needs a positive scale") }
            let table = context.allocateArray(Int8.self, count: Int8LookupTable.count).baseAddress!
            Int8LookupTable.populate(table, inputScale: input.scale, inputZeroPoint: input.zeroPoint,
                                     outputScale: output.scale, outputZeroPoint: output.zeroPoint, transform: transform)
            data.table = table
        }
        context.setOpData(data)
    }

    @inline(__always)
    static func eval(_ context: borrowing EvalContext, _ function: (Float) -> Float) {
        let data = context.opData(as: OpData.self).pointee
        if let table = data.table {
            let lookup = UnsafePointer(table)
            UnaryKind.map(context, data.count, Int8.self) { Int8LookupTable.lookup($0, lookup) }
        } else {
            UnaryKind.map(context, data.count, Float.self, function)
        }
    }
}

/// RELU_N1_TO_1 (beyond TFLM): `min(max(x, −1), 1)`. float32, and int8 as LiteRT's
/// reference kernel: the centred input rescaled by `scaleIn / scaleOut` (formed in
/// float32), plus the output zero point, clamped to the output's quantization of ±1.
public enum ReluN1To1 {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .reluN1To1, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    struct OpData {
        var kind: UnaryKind
        var count: Int
        var inputZeroPoint: Int32
        var outputZeroPoint: Int32
        var multiplier: Int32
        var shift: Int
        var low: Int32
        var high: Int32
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let (input, output, kind) = try UnaryKind.validate(&context, allowInt16: false)
        var data = OpData(kind: kind, count: input.elementCount, inputZeroPoint: input.zeroPoint, outputZeroPoint: output.zeroPoint,
                          multiplier: 0, shift: 0, low: 0, high: 0)
        if kind == .int8 {
            guard output.scale > 0 else { throw context.invalid("the output needs a positive scale") }
            (data.multiplier, data.shift) = QuantizedMath.quantizeMultiplier(Double(input.scale / output.scale))
            let steps = min((1 / output.scale).rounded(.toNearestOrAwayFromZero), 1_000_000)
            data.low = max(-128, output.zeroPoint - Int32(steps))
            data.high = min(127, output.zeroPoint + Int32(steps))
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .int8:
            UnaryKind.map(context, data.count, Int8.self) { element in
                let value = data.outputZeroPoint &+ QuantizedMath.multiplyByQuantizedMultiplier(
                    Int32(element) &- data.inputZeroPoint, data.multiplier, data.shift)
                return Int8(truncatingIfNeeded: min(max(value, data.low), data.high))
            }
        default:
            UnaryKind.map(context, data.count, Float.self) { min(max($0, -1), 1) }
        }
    }
}
