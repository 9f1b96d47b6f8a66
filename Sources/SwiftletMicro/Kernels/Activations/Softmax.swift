import SwiftletFormat

/// SOFTMAX over the last axis: `output[…, c] = e^(β·x[…, c]) / Σₖ e^(β·x[…, k])`.
///
/// - float32 → float32, with the row maximum subtracted first.
/// - int8 → int8 (output scale 1/256, zero point −128) and int8 → int16 (scale
///   1/65536, zero point −32768): gemmlowp fixed point. Differences from the row
///   maximum are rescaled to Q5.26 by a multiplier from β and the input scale,
///   exponentiated, summed in Q12.19 and multiplied by the sum's reciprocal;
///   differences below `diffMin` contribute nothing and give the output minimum.
/// - int16 → int16 (zero points 0, output scale 1/32768): two interpolated
///   513-entry tables built in `prepare`, e^x over [−10, 0] and 1/(1 + x) over [0, 1].
///
/// Bit-exact with TFLM's reference kernel.
public enum Softmax {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .softmax, prepare: prepare, eval: eval) }

    enum Kind { case float32, int8, int8ToInt16, int16 }

    struct OpData {
        var kind: Kind
        /// Rows (the product of every dimension but the last).
        var rows: Int
        /// Length of the last axis.
        var depth: Int
        var beta: Float
        /// Rescales a difference from the row maximum (Q5.26 for int8, the exp table's input for int16).
        var inputMultiplier: Int32
        var inputShift: Int
        /// int8: differences below this are treated as −∞.
        var diffMin: Int32
        /// int8: a row's exponentials, kept between the two passes.
        var exponentials: ScratchHandle?
        /// int16: e^x for x in [−10, 0] and 1/(1 + x) for x in [0, 1], in Q0.15.
        var expTable: UnsafeMutablePointer<Int16>?
        var reciprocalTable: UnsafeMutablePointer<Int16>?
    }

    /// Integer bits of the rescaled input differences (Q5.26).
    static let scaledDiffIntegerBits = 5
    /// Integer bits of the sum of exponentials (Q12.19).
    static let accumulationIntegerBits = 12

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1, context.outputCount == 1 else { throw context.invalid("SOFTMAX takes one input and gives one output") }
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        let beta = try context.options(SoftmaxOptions.self).beta
        guard input.rank >= 1, output.rank == input.rank else { throw context.invalid("input and output must have the same rank (at least 1)") }
        let depth = input.dimension(-1)
        guard depth > 0, output.dimension(-1) == depth, output.elementCount == input.elementCount else {
            throw context.invalid("input and output shapes do not agree")
        }

        var data = OpData(kind: .float32, rows: input.elementCount / depth, depth: depth, beta: beta,
                          inputMultiplier: 0, inputShift: 0, diffMin: 0, exponentials: nil,
                          expTable: nil, reciprocalTable: nil)
        switch (input.type, output.type) {
        case (.float32, .float32):
            data.kind = .float32
        case (.int8, .int8), (.int8, .int16):
            if output.type == .int8 {
                guard output.zeroPoint == -128, output.scale == 1.0 / 256 else {
                    throw context.invalid("an int8 SOFTMAX output must have scale 1/256 and zero point -128")
                }
                data.kind = .int8
            } else {
                guard output.zeroPoint == -32768, (output.scale - 1.0 / 65536).magnitude <= 0.001 / 65536 else {
                    throw context.invalid("an int16 SOFTMAX output of int8 input must have scale 1/65536 and zero point -32768")
                }
                data.kind = .int8ToInt16
            }
            // β·scale in Q5.26, capped where larger multipliers change nothing.
            let real = min(Double(beta) * Double(input.scale) * Double(1 << (31 - scaledDiffIntegerBits)), 2147483647.0)
            guard real > 1 else { throw context.invalid("beta times the input scale is too small for int8 SOFTMAX") }
            (data.inputMultiplier, data.inputShift) = QuantizedMath.quantizeMultiplier(real)
            data.diffMin = -SigmoidFamily.inputRadius(integerBits: scaledDiffIntegerBits, leftShift: data.inputShift, totalSignedBits: 31)
            data.exponentials = context.requestScratch(bytes: depth * MemoryLayout<Int32>.stride)
        case (.int16, .int16):
            guard input.zeroPoint == 0, output.zeroPoint == 0, (output.scale - 1.0 / 32768).magnitude <= 0.001 / 32768 else {
                throw context.invalid("int16 SOFTMAX needs zero points 0 and output scale 1/32768")
            }
            data.kind = .int16
            // Differences in [−65535, 0] steps of 10/65535 cover the exp table's [−10, 0].
            let (multiplier, shift) = QuantizedMath.quantizeMultiplier(Double(input.scale) * Double(beta) / (10.0 / 65535.0))
            data.inputMultiplier = multiplier
            data.inputShift = shift
            let expTable = context.allocateArray(Int16.self, count: Int16LookupTable.count).baseAddress!
            let reciprocalTable = context.allocateArray(Int16.self, count: Int16LookupTable.count).baseAddress!
            populateTables(exp: expTable, reciprocal: reciprocalTable)
            data.expTable = expTable
            data.reciprocalTable = reciprocalTable
        default:
            throw context.unsupported(input.type == .float32 || input.type == .int8 || input.type == .int16 ? output : input)
        }
        context.setOpData(data)
    }

    /// Fills the int16 path's tables: e^x for x in [−10, 0] (int16 −32768…32767
    /// spans the interval) and 1/(1 + x) for x in [0, 1], both quantized
    /// symmetrically over [−1, 1].
    static func populateTables(exp expTable: UnsafeMutablePointer<Int16>, reciprocal reciprocalTable: UnsafeMutablePointer<Int16>) {
        let range = Float(Int32(Int16.max) - Int32(Int16.min))
        Int16LookupTable.populate(expTable, inputScale: 10 / range, inputZeroPoint: Int32(Int16.max),
                                  outputScale: 2 / range, outputZeroPoint: 0) { Transcendental.exp($0) }
        Int16LookupTable.populate(reciprocalTable, inputScale: 1 / range, inputZeroPoint: Int32(Int16.min),
                                  outputScale: 2 / range, outputZeroPoint: 0) { 1 / (1 + $0) }
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32: evalFloat(context, data)
        case .int8: evalInt8(context, data, output: context.output(0, as: Int8.self))
        case .int8ToInt16: evalInt8(context, data, output: context.output(0, as: Int16.self))
        case .int16: evalInt16(context, data)
        }
    }

    private static func evalFloat(_ context: borrowing EvalContext, _ data: OpData) {
        let input = context.input(0, as: Float.self)
        let output = context.output(0, as: Float.self)
        let depth = data.depth, beta = data.beta
        for row in 0..<data.rows {
            let x = input + row * depth, y = output + row * depth
            var maximum = -Float.greatestFiniteMagnitude
            for c in 0..<depth where maximum < x[c] { maximum = x[c] }
            var sum: Float = 0
            for c in 0..<depth {
                let e = Transcendental.exp((x[c] - maximum) * beta)
                y[c] = e
                sum += e
            }
            for c in 0..<depth { y[c] = y[c] / sum }
        }
    }

    private static func evalInt8<Output: FixedWidthInteger & SignedInteger>(
        _ context: borrowing EvalContext, _ data: OpData, output: UnsafeMutablePointer<Output>
    ) {
        let input = context.input(0, as: Int8.self)
        let exponentials = context.scratch(data.exponentials!).assumingMemoryBound(to: Int32.self)
        let depth = data.depth, diffMin = data.diffMin
        let multiplier = data.inputMultiplier, shift = data.inputShift
        let outputMin = Int32(Output.min), outputMax = Int32(Output.max)
        for row in 0..<data.rows {
            let x = input + row * depth, y = output + row * depth
            var maximum = Int8.min
            for c in 0..<depth where x[c] > maximum { maximum = x[c] }

            // Σ e^(β·scale·diff) in Q12.19; each e^… in Q0.31 is kept for the second pass.
            var sum: Int32 = 0
            for c in 0..<depth {
                let difference = Int32(x[c]) - Int32(maximum)
                guard difference >= diffMin else { continue }
                let scaled = QuantizedMath.multiplyByQuantizedMultiplierGreaterThanOne(difference, multiplier, shift)
                let e = FixedPoint.expOnNegativeValues(scaled, integerBits: scaledDiffIntegerBits)
                exponentials[c] = e
                sum &+= FixedPoint.rescale(e, from: 0, to: accumulationIntegerBits)
            }

            let (reciprocal, bitsOverUnit) = FixedPoint.reciprocal(sum, integerBits: accumulationIntegerBits)
            let exponent = bitsOverUnit + 31 - Output.bitWidth
            for c in 0..<depth {
                let difference = Int32(x[c]) - Int32(maximum)
                guard difference >= diffMin else {
                    y[c] = Output(truncatingIfNeeded: outputMin)
                    continue
                }
                let unsaturated = QuantizedMath.roundingDivideByPOT(FixedPoint.multiply(reciprocal, exponentials[c]), exponent)
                y[c] = Output(truncatingIfNeeded: min(max(unsaturated &+ outputMin, outputMin), outputMax))
            }
        }
    }

    private static func evalInt16(_ context: borrowing EvalContext, _ data: OpData) {
        let input = context.input(0, as: Int16.self)
        let output = context.output(0, as: Int16.self)
        let expTable = UnsafePointer(data.expTable!), reciprocalTable = UnsafePointer(data.reciprocalTable!)
        let depth = data.depth, multiplier = data.inputMultiplier, shift = data.inputShift
        for row in 0..<data.rows {
            let x = input + row * depth, y = output + row * depth
            var maximum = Int16.min
            for c in 0..<depth where x[c] > maximum { maximum = x[c] }

            // e^diff in Q0.15 (stored in the output until the sum is known), summed in Q16.15.
            var sum: Int32 = 0
            for c in 0..<depth {
                let scaled = QuantizedMath.multiplyByQuantizedMultiplier(Int32(x[c]) - Int32(maximum), multiplier, shift)
                // [−65535, 0] → the table's symmetric input range.
                let centered = Int16(min(max(scaled &+ 32767, -32768), 32767))
                let e = Int16LookupTable.lookup(centered, expTable)
                y[c] = e
                sum &+= Int32(e)
            }

            // 1/sum: normalize the sum into [1, 2) in Q1.14 (headroom shift), look up 1/(1 + (s − 1)).
            let headroomPlusOne = UInt32(bitPattern: sum).leadingZeroBitCount
            let shiftedSum = Int32(truncatingIfNeeded: ((Int64(sum) << Int64(headroomPlusOne - 1)) + (1 << 13)) >> 14)
            let centeredSum = Int16(min(max(shiftedSum &- (32768 + 65536), -32768), 32767))
            let reciprocal = Int64(Int16LookupTable.lookup(centeredSum, reciprocalTable))

            let rightShift = Int64(31 - headroomPlusOne)
            let rounding = Int64(1) << (rightShift - 1)
            for c in 0..<depth {
                let result = Int32(truncatingIfNeeded: (Int64(y[c]) * reciprocal + rounding) >> rightShift)
                y[c] = Int16(min(max(result, 0), 32767))
            }
        }
    }
}
