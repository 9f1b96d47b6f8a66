import SwiftletFormat

/// LOGISTIC (sigmoid), elementwise: `output = 1 / (1 + e^−input)`.
///
/// - float32: `e^x` below −9, exactly 1 above 16.619…, as TFLM's reference does.
/// - int8 (output zero point −128, scale 1/256): the centred input is rescaled
///   to Q4.27 and put through gemmlowp's fixed-point logistic; inputs beyond the
///   radius where Q4.27 would overflow saturate. `prepare` runs this for all
///   256 inputs into a table, so `eval` is one read per element.
/// - int16 (zero points 0, output scale 2^−15): the input is rescaled to steps
///   of 1/(3·4096) and the 256-entry sigmoid table is interpolated.
///
/// Bit-exact with TFLM's reference kernel.
public enum Logistic {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .logistic, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    typealias OpData = SigmoidFamily.OpData

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        try SigmoidFamily.prepare(
            &context, arityMessage: "LOGISTIC takes one input and gives one output",
            int8OutputZeroPoint: -128, int8ZeroPointMessage: "an int8 LOGISTIC output must have zero point -128 (and scale 1/256)", int8Value: int8Value,
            powerOfTwoShifts: 0...0, int16Message: "int16 LOGISTIC needs zero points 0 and output scale 2^-15")
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32: evalFloat(context.input(0, as: Float.self), context.output(0, as: Float.self), data.count)
        case .int8: SigmoidFamily.lookUp(context.input(0, as: Int8.self), context.output(0, as: Int8.self), data.count, data.table!)
        case .int16:
            let input = context.input(0, as: Int16.self), output = context.output(0, as: Int16.self)
            SigmoidFamily.table.withUnsafeBufferPointer { table in evalInt16(input, output, data, table.baseAddress!) }
        }
    }

    private static func evalFloat(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ count: Int) {
        let upperCutoff: Float = 16.619047164916992188
        let lowerCutoff: Float = -9
        for index in 0..<count {
            let x = input[index]
            if x > upperCutoff {
                output[index] = 1
            } else if x < lowerCutoff {
                output[index] = Transcendental.exp(x)
            } else {
                output[index] = 1 / (1 + Transcendental.exp(-x))
            }
        }
    }

    /// The int8 result for input `q`, computed as TFLM's reference kernel does per
    /// element; `prepare` tabulates it for all 256 inputs.
    static func int8Value(_ q: Int8, _ s: SigmoidFamily.InputScaling) -> Int8 {
        // Q0.31 → 8 fractional bits, then the −128 zero point.
        SigmoidFamily.int8Value(q, s, outputShift: 23, outputZeroPoint: -128) { FixedPoint.logistic($0, integerBits: 4) }
    }

    static func evalInt16(_ input: UnsafePointer<Int16>, _ output: UnsafeMutablePointer<Int16>, _ data: OpData,
                                  _ table: UnsafePointer<UInt16>) {
        let (multiplier, shift, rounding) = SigmoidFamily.int16Rescale(data.scaling)
        for index in 0..<data.count {
            // The input in steps of 1/(3·4096): 9 fraction bits index a table in steps of 1/24.
            let x = (Int32(input[index]) &* multiplier &+ rounding) >> shift
            let magnitude = x.magnitude
            let segment = Int(magnitude >> 9)
            var result: UInt32
            if segment >= 255 {
                result = 0x7FFF << 10
            } else {
                let low = UInt32(table[segment]), high = UInt32(table[segment + 1])
                result = (low << 9) &+ (magnitude & 0x1FF) &* (high &- low)
            }
            // sigmoid(−x) = 1 − sigmoid(x); round, and drop to Q0.15.
            result = x >= 0 ? result &+ (1 << 9) : (1 << 25) &- result &+ (1 << 9) &- 1
            output[index] = Int16(truncatingIfNeeded: result >> 10)
        }
    }
}
