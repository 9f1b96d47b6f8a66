import SwiftletFormat

/// ADD: `output = activation(input1 + input2)` with numpy-style broadcasting (rank ≤ 6).
/// float32, int8, int16 and int32 (which, as TFLM, ignores the fused activation), bit-exact
/// with TFLM's reference kernels.
///
/// The quantized path brings both inputs to a common scale (twice the larger input
/// scale) after a left shift of 20 bits (int8) or 15 bits (int16), adds, and rescales to
/// the output. TFLM's micro kernel always takes this general path for int16, whatever the
/// model's `pot_scale_int16` option says, and so does this one.
public enum Add {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .add, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard let activation = ActivationFunction(rawValue: context.op.options(AddOptions.self)?.fusedActivationFunction ?? 0) else {
            throw context.invalid("unknown fused activation")
        }
        let data = try AddSubKernel.prepare(&context, activation: activation, scaleInDouble: true, int32UsesActivation: false)
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        AddSubKernel.eval(context, subtracts: false)
    }
}

/// SUB: `output = activation(input1 − input2)` with numpy-style broadcasting (rank ≤ 6).
/// float32, int8, int16 and int32, bit-exact with TFLM's reference kernels.
///
/// Same rescaling as ADD, except that TFLM derives SUB's multipliers in float32
/// arithmetic (ADD's in double), which changes the low bits of the multipliers; this
/// kernel follows each.
public enum Sub {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .sub, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard let activation = ActivationFunction(rawValue: context.op.options(SubOptions.self)?.fusedActivationFunction ?? 0) else {
            throw context.invalid("unknown fused activation")
        }
        let data = try AddSubKernel.prepare(&context, activation: activation, scaleInDouble: false, int32UsesActivation: true)
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        AddSubKernel.eval(context, subtracts: true)
    }
}

/// What ADD and SUB share: validation, the quantized rescaling and the loops.
enum AddSubKernel {
    typealias Kind = BinaryKind

    /// The fixed-point parameters of a quantized ADD or SUB.
    struct Rescaling {
        var leftShift: Int32
        var firstOffset: Int32
        var firstMultiplier: Int32
        var firstShift: Int
        var secondOffset: Int32
        var secondMultiplier: Int32
        var secondShift: Int
        var outputOffset: Int32
        var outputMultiplier: Int32
        var outputShift: Int
        var activationMin: Int32
        var activationMax: Int32

        @inline(__always)
        func scaleFirst(_ value: Int32) -> Int32 {
            QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOne(
                (value &+ firstOffset) &* (1 &<< leftShift), firstMultiplier, firstShift)
        }

        @inline(__always)
        func scaleSecond(_ value: Int32) -> Int32 {
            QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOne(
                (value &+ secondOffset) &* (1 &<< leftShift), secondMultiplier, secondShift)
        }

        @inline(__always)
        func output(_ raw: Int32) -> Int32 {
            let value = QuantizedMath.multiplyByQuantizedMultiplierSmallerThanOne(raw, outputMultiplier, outputShift) &+ outputOffset
            return min(max(value, activationMin), activationMax)
        }
    }

    struct OpData {
        var kind: Kind
        var shape: BroadcastShape
        var floatMin: Float
        var floatMax: Float
        var rescaling: Rescaling
        /// int32 inputs and output: plain wrapping arithmetic clamped to `int32Range`.
        var isInt32 = false
        var int32Range: (Int32, Int32) = (.min, .max)
    }

    /// Validates the operator and computes its op data. `scaleInDouble` selects ADD's
    /// double-precision multiplier derivation; SUB's is float32.
    /// int32: TFLM's ADD ignores the fused activation (`int32UsesActivation` false), SUB applies it.
    static func prepare(_ context: inout PrepareContext, activation: ActivationFunction, scaleInDouble: Bool,
                        int32UsesActivation: Bool) throws(MicroError) -> OpData {
        if let shape = try BinaryOperands.int32Shape(context) {
            var data = OpData(kind: .float32, shape: shape, floatMin: 0, floatMax: 0, rescaling: Rescaling(
                leftShift: 0, firstOffset: 0, firstMultiplier: 0, firstShift: 0, secondOffset: 0, secondMultiplier: 0,
                secondShift: 0, outputOffset: 0, outputMultiplier: 0, outputShift: 0, activationMin: 0, activationMax: 0))
            data.isInt32 = true
            data.int32Range = int32UsesActivation ? BinaryOperands.int32ActivationRange(activation) : (.min, .max)
            return data
        }
        let operands = try BinaryOperands(context)
        let input1 = operands.input1, input2 = operands.input2, output = operands.output, kind = operands.kind
        var data = OpData(kind: kind, shape: operands.shape, floatMin: 0, floatMax: 0, rescaling: Rescaling(
            leftShift: 0, firstOffset: 0, firstMultiplier: 0, firstShift: 0, secondOffset: 0, secondMultiplier: 0,
            secondShift: 0, outputOffset: 0, outputMultiplier: 0, outputShift: 0, activationMin: 0, activationMax: 0))
        if kind == .float32 {
            (data.floatMin, data.floatMax) = QuantizedMath.activationRange(activation)
            return data
        }
        guard input1.scale > 0, input2.scale > 0, output.scale > 0 else { throw context.invalid("quantized tensors need a positive scale") }
        let leftShift: Int32 = kind == .int16 ? 15 : 20
        let real1: Double, real2: Double, realOutput: Double
        if scaleInDouble {
            let twiceMax = 2 * Double(max(input1.scale, input2.scale))
            real1 = Double(input1.scale) / twiceMax
            real2 = Double(input2.scale) / twiceMax
            realOutput = twiceMax / (Double(Int32(1) << leftShift) * Double(output.scale))
        } else {
            let twiceMax: Float = 2 * max(input1.scale, input2.scale)
            real1 = Double(input1.scale / twiceMax)
            real2 = Double(input2.scale / twiceMax)
            realOutput = Double(twiceMax / (Float(Int32(1) << leftShift) * output.scale))
        }
        let (m1, s1) = QuantizedMath.quantizeMultiplier(real1)
        let (m2, s2) = QuantizedMath.quantizeMultiplier(real2)
        let (mo, so) = QuantizedMath.quantizeMultiplier(realOutput)
        guard realOutput < 1, s1 <= 0, s2 <= 0, so <= 0 else { throw context.invalid("the output scale is too small for the input scales") }
        let (activationMin, activationMax) = operands.quantizedActivationRange(activation)
        data.rescaling = Rescaling(
            leftShift: leftShift, firstOffset: -input1.zeroPoint, firstMultiplier: m1, firstShift: s1,
            secondOffset: -input2.zeroPoint, secondMultiplier: m2, secondShift: s2,
            outputOffset: output.zeroPoint, outputMultiplier: mo, outputShift: so,
            activationMin: activationMin, activationMax: activationMax)
        return data
    }

    static func eval(_ context: borrowing EvalContext, subtracts: Bool) {
        let data = context.opData(as: OpData.self).pointee
        if data.isInt32 {
            data.shape.apply(Int32Arithmetic(operation: subtracts ? .subtract : .add, low: data.int32Range.0, high: data.int32Range.1),
                             context.input(0, as: Int32.self), context.input(1, as: Int32.self), context.output(0, as: Int32.self))
            return
        }
        switch (data.kind, subtracts) {
        case (.float32, false):
            data.shape.apply(FloatAddition(low: data.floatMin, high: data.floatMax),
                             context.input(0, as: Float.self), context.input(1, as: Float.self), context.output(0, as: Float.self))
        case (.float32, true):
            data.shape.apply(FloatSubtraction(low: data.floatMin, high: data.floatMax),
                             context.input(0, as: Float.self), context.input(1, as: Float.self), context.output(0, as: Float.self))
        case (.int8, false):
            data.shape.apply(QuantizedAddition<Int8>(rescaling: data.rescaling),
                             context.input(0, as: Int8.self), context.input(1, as: Int8.self), context.output(0, as: Int8.self))
        case (.int8, true):
            data.shape.apply(QuantizedSubtraction<Int8>(rescaling: data.rescaling),
                             context.input(0, as: Int8.self), context.input(1, as: Int8.self), context.output(0, as: Int8.self))
        case (.int16, false):
            data.shape.apply(QuantizedAddition<Int16>(rescaling: data.rescaling),
                             context.input(0, as: Int16.self), context.input(1, as: Int16.self), context.output(0, as: Int16.self))
        case (.int16, true):
            data.shape.apply(QuantizedSubtraction<Int16>(rescaling: data.rescaling),
                             context.input(0, as: Int16.self), context.input(1, as: Int16.self), context.output(0, as: Int16.self))
        }
    }

    struct FloatAddition: BinaryElementOperation {
        let low: Float, high: Float
        @inline(__always) func first(_ value: Float) -> Float { value }
        @inline(__always) func second(_ value: Float) -> Float { value }
        @inline(__always) func combine(_ a: Float, _ b: Float) -> Float { min(max(a + b, low), high) }
    }

    struct FloatSubtraction: BinaryElementOperation {
        let low: Float, high: Float
        @inline(__always) func first(_ value: Float) -> Float { value }
        @inline(__always) func second(_ value: Float) -> Float { value }
        @inline(__always) func combine(_ a: Float, _ b: Float) -> Float { min(max(a - b, low), high) }
    }

    struct QuantizedAddition<Element: FixedWidthInteger & SignedInteger>: BinaryElementOperation {
        let rescaling: Rescaling
        @inline(__always) func first(_ value: Element) -> Int32 { rescaling.scaleFirst(Int32(value)) }
        @inline(__always) func second(_ value: Element) -> Int32 { rescaling.scaleSecond(Int32(value)) }
        @inline(__always) func combine(_ a: Int32, _ b: Int32) -> Element {
            Element(truncatingIfNeeded: rescaling.output(a &+ b))
        }
    }

    struct QuantizedSubtraction<Element: FixedWidthInteger & SignedInteger>: BinaryElementOperation {
        let rescaling: Rescaling
        @inline(__always) func first(_ value: Element) -> Int32 { rescaling.scaleFirst(Int32(value)) }
        @inline(__always) func second(_ value: Element) -> Int32 { rescaling.scaleSecond(Int32(value)) }
        @inline(__always) func combine(_ a: Int32, _ b: Int32) -> Element {
            Element(truncatingIfNeeded: rescaling.output(a &- b))
        }
    }
}
