import SwiftletFormat

/// FILL: an output of the shape given by input 0 (int32 or int64) with every element the
/// scalar input 1 (float32, int8, int16, int32, int64 or bool), copied bit for bit. The
/// output shape comes from the model (it must agree with the dims when they are constant).
public enum Fill {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .fill, prepare: prepare, eval: eval) }

    struct OpData {
        var count: Int
        var elementBytes: Int
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let dims = try context.requiredInput(0)
        let value = try context.requiredInput(1)
        let output = try context.requiredOutput(0)
        guard dims.type == .int32 || dims.type == .int64 else { throw context.unsupported(dims) }
        guard value.elementCount == 1 else { throw context.invalid("FILL's value must be a scalar") }
        guard value.type == output.type else { throw context.unsupported(output) }
        let bytes = value.byteCount
        guard bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8 else { throw context.unsupported(value) }
        if let data = dims.data {
            guard dims.elementCount == output.rank else { throw context.invalid("FILL's dims do not match the output's rank") }
            for axis in 0..<output.rank {
                let extent = dims.type == .int32
                    ? Int(UnsafeRawPointer(data).loadUnaligned(fromByteOffset: axis * 4, as: Int32.self))
                    : Int(UnsafeRawPointer(data).loadUnaligned(fromByteOffset: axis * 8, as: Int64.self))
                guard extent == output.dimension(axis) else { throw context.invalid("FILL's dims do not match the output shape") }
            }
        }
        context.setOpData(OpData(count: output.elementCount, elementBytes: bytes))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.elementBytes {
        case 1: context.output(0, as: UInt8.self).update(repeating: context.input(1, as: UInt8.self).pointee, count: data.count)
        case 2: context.output(0, as: UInt16.self).update(repeating: context.input(1, as: UInt16.self).pointee, count: data.count)
        case 4: context.output(0, as: UInt32.self).update(repeating: context.input(1, as: UInt32.self).pointee, count: data.count)
        default: context.output(0, as: UInt64.self).update(repeating: context.input(1, as: UInt64.self).pointee, count: data.count)
        }
    }
}

/// L2_NORMALIZATION over the last axis: `x / max(‖x‖, 1e-6)` in float32; int8 as TFLM: the
/// sum of squared centred inputs gives a fixed-point 1/√ multiplier (`FixedPointInverseSqrt`)
/// that scales each centred input to the output's fixed 1/128 scale (zero point 0).
public enum L2Normalization {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .l2Normalization, prepare: prepare, eval: eval) }

    struct OpData {
        var isInt8: Bool
        var outer: Int
        var depth: Int
        var inputZeroPoint: Int32
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard input.type == output.type else { throw context.unsupported(output) }
        guard input.type == .float32 || input.type == .int8 else { throw context.unsupported(input) }
        guard input.rank >= 1, input.elementCount == output.elementCount else { throw context.invalid("input and output shapes differ") }
        if let options = context.op.options(L2NormOptions.self), options.fusedActivationFunction != 0 {
            throw .unsupportedFeature("L2_NORMALIZATION with a fused activation (TFLM has none)")
        }
        let depth = input.dimension(-1)
        if input.type == .int8 {
            guard output.scale == 1.0 / 128, output.zeroPoint == 0 else { throw context.invalid("int8 L2_NORMALIZATION needs an output scale of 1/128 and zero point 0") }
        }
        context.setOpData(OpData(isInt8: input.type == .int8, outer: depth > 0 ? input.elementCount / depth : 0, depth: depth,
                                 inputZeroPoint: input.zeroPoint))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let depth = data.depth
        if data.isInt8 {
            let input = context.input(0, as: Int8.self), output = context.output(0, as: Int8.self)
            for row in 0..<data.outer {
                let base = row * depth
                var sum: Int32 = 0
                for index in 0..<depth {
                    let centred = Int32(input[base + index]) &- data.inputZeroPoint
                    sum &+= centred &* centred
                }
                let (multiplier, shift) = FixedPointInverseSqrt.multiplierAndShift(sum, reverseShift: -1)
                for index in 0..<depth {
                    let centred = Int32(input[base + index]) &- data.inputZeroPoint
                    let value = QuantizedMath.multiplyByQuantizedMultiplier(centred, multiplier, shift + 7)
                    output[base + index] = Int8(min(max(value, -128), 127))
                }
            }
        } else {
            let input = context.input(0, as: Float.self), output = context.output(0, as: Float.self)
            for row in 0..<data.outer {
                let base = row * depth
                var squares: Float = 0
                for index in 0..<depth { squares += input[base + index] * input[base + index] }
                let norm = max(squares.squareRoot(), 1e-6)
                for index in 0..<depth { output[base + index] = input[base + index] / norm }
            }
        }
    }
}
