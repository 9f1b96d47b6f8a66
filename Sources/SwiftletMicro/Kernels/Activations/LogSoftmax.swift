import SwiftletFormat

/// LOG_SOFTMAX over the last axis: `x − max − ln Σ e^(x − max)`, as TFLM's reference kernel.
///
/// - float32: in float, row maximum first.
/// - int8 (output scale 16/256, zero point 127, as TFLM requires): differences from
///   the row maximum are rescaled to Q5.26, exponentiated and summed in Q12.19, the
///   sum's logarithm is taken in Q5.26, and each output is the rescaled difference
///   minus that logarithm in Q4 steps of 1/16 below 127. Differences too small to
///   matter give −128.
public enum LogSoftmax {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .logSoftmax, prepare: prepare, eval: eval) }

    /// Integer bits of the rescaled differences and of the logarithm (Q5.26).
    static let inputIntegerBits = 5
    /// Integer bits of the sum of exponentials (Q12.19).
    static let accumulationIntegerBits = 12
    /// Integer bits of the output (16/256 = 2^−4 per step).
    static let outputIntegerBits = 4

    struct OpData {
        var isInt8: Bool
        var outer: Int
        var depth: Int
        /// Rescales a difference from the row maximum into Q5.26.
        var inputMultiplier: Int32
        var inputLeftShift: Int
        /// Takes a Q5.26 value back to input steps (for the row's cut-off).
        var reverseScalingDivisor: Int32
        var reverseScalingShift: Int
        /// Differences below this are treated as −∞.
        var diffMin: Int32
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1, context.outputCount == 1 else { throw context.invalid("LOG_SOFTMAX takes one input and gives one output") }
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard input.type == .float32 || input.type == .int8 else { throw context.unsupported(input) }
        guard output.type == input.type else { throw context.unsupported(output) }
        guard input.rank >= 1, input.elementCount == output.elementCount else { throw context.invalid("input and output shapes differ") }
        let depth = input.dimension(-1)
        var data = OpData(isInt8: input.type == .int8, outer: depth > 0 ? input.elementCount / depth : 0, depth: depth,
                          inputMultiplier: 0, inputLeftShift: 0, reverseScalingDivisor: 0, reverseScalingShift: 0, diffMin: 0)
        if data.isInt8 {
            guard output.scale == 16.0 / 256, output.zeroPoint == 127 else {
                throw context.invalid("an int8 LOG_SOFTMAX output must have scale 16/256 and zero point 127")
            }
            let real = min(Double(input.scale) * Double(1 << (31 - inputIntegerBits)), 2147483647.0)
            let (multiplier, shift) = QuantizedMath.quantizeMultiplier(real)
            guard multiplier > 0, shift > 0 else { throw context.invalid("the input scale is too small for int8 LOG_SOFTMAX") }
            data.inputMultiplier = multiplier
            data.inputLeftShift = shift
            let reverse = Double(Int64(1) << Int64(31 - shift)) / Double(multiplier)
            (data.reverseScalingDivisor, data.reverseScalingShift) = QuantizedMath.quantizeMultiplier(reverse)
            data.diffMin = -SigmoidFamily.inputRadius(integerBits: inputIntegerBits, leftShift: shift, totalSignedBits: 31)
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        if data.isInt8 {
            evalInt8(context.input(0, as: Int8.self), context.output(0, as: Int8.self), data)
            return
        }
        let input = context.input(0, as: Float.self), output = context.output(0, as: Float.self)
        let depth = data.depth
        for row in 0..<data.outer {
            let base = row * depth
            var largest = -Float.greatestFiniteMagnitude
            for index in 0..<depth { largest = max(largest, input[base + index]) }
            var sum: Float = 0
            for index in 0..<depth { sum += Transcendental.exp(input[base + index] - largest) }
            let logSum = Transcendental.log(sum)
            for index in 0..<depth { output[base + index] = input[base + index] - largest - logSum }
        }
    }

    private static func evalInt8(_ input: UnsafePointer<Int8>, _ output: UnsafeMutablePointer<Int8>, _ data: OpData) {
        let depth = data.depth
        for row in 0..<data.outer {
            let base = row * depth
            var largest = Int8.min
            for index in 0..<depth { largest = max(largest, input[base + index]) }
            var sumOfExps: Int32 = 0  // Q12.19
            for index in 0..<depth {
                let difference = Int32(input[base + index]) - Int32(largest)
                guard difference >= data.diffMin else { continue }
                let scaled = QuantizedMath.multiplyByQuantizedMultiplier(difference, data.inputMultiplier, data.inputLeftShift)
                let exponential = FixedPoint.expOnNegativeValues(scaled, integerBits: inputIntegerBits)
                sumOfExps = sumOfExps &+ FixedPoint.rescale(exponential, from: 0, to: accumulationIntegerBits)
            }
            let logSum = FixedPoint.logOfValueAtLeastOne(sumOfExps, inputIntegerBits: accumulationIntegerBits,
                                                         outputIntegerBits: inputIntegerBits)
            // The smallest Q5.26 value plus the log, taken back to input steps.
            let cutOff = max(data.diffMin - 1, QuantizedMath.multiplyByQuantizedMultiplier(
                logSum &+ Int32.min, data.reverseScalingDivisor, data.reverseScalingShift))
            for index in 0..<depth {
                let difference = Int32(input[base + index]) - Int32(largest)
                guard difference > cutOff else {
                    output[base + index] = Int8.min
                    continue
                }
                let scaled = QuantizedMath.multiplyByQuantizedMultiplier(difference, data.inputMultiplier, data.inputLeftShift)
                let value = QuantizedMath.roundingDivideByPOT(scaled &- logSum, 31 - inputIntegerBits - outputIntegerBits) + 127
                output[base + index] = Int8(min(max(value, -128), 127))
            }
        }
    }
}
