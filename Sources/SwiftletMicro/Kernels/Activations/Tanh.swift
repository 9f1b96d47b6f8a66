import SwiftletFormat

/// TANH, elementwise.
///
/// - float32: `tanh(x)`.
/// - int8: the centred input is rescaled to Q4.27 and put through gemmlowp's
///   fixed-point tanh; inputs beyond the radius where Q4.27 would overflow
///   saturate. The output is read as scale 1/128, zero point 0 (TFLM checks
///   neither, and neither does this kernel). `prepare` runs this for all 256
///   inputs into a table, so `eval` is one read per element.
/// - int16 (zero points 0, output scale 2^−15): `tanh(x) = 2·sigmoid(2x) − 1` on
///   the 256-entry sigmoid table, interpolated; the input is rescaled to steps of
///   1/(3·4096) unless its scale is 2^−12 or 2^−11.
///
/// Bit-exact with TFLM's reference kernel.
public enum Tanh {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .tanh, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    typealias OpData = SigmoidFamily.OpData

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        try SigmoidFamily.prepare(
            &context, arityMessage: "TANH takes one input and gives one output",
            int8OutputZeroPoint: nil, int8ZeroPointMessage: "", int8Value: int8Value,
            powerOfTwoShifts: 0...1, int16Message: "int16 TANH needs zero points 0 and output scale 2^-15")
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32:
            let input = context.input(0, as: Float.self), output = context.output(0, as: Float.self)
            for index in 0..<data.count { output[index] = Transcendental.tanh(input[index]) }
        case .int8: SigmoidFamily.lookUp(context.input(0, as: Int8.self), context.output(0, as: Int8.self), data.count, data.table!)
        case .int16:
            let input = context.input(0, as: Int16.self), output = context.output(0, as: Int16.self)
            SigmoidFamily.table.withUnsafeBufferPointer { table in evalInt16(input, output, data, table.baseAddress!) }
        }
    }

    /// The int8 result for input `q`, computed as TFLM's reference kernel does per
    /// element; `prepare` tabulates it for all 256 inputs.
    static func int8Value(_ q: Int8, _ s: SigmoidFamily.InputScaling) -> Int8 {
        // Q0.31 → 7 fractional bits.
        SigmoidFamily.int8Value(q, s, outputShift: 24, outputZeroPoint: 0) { FixedPoint.tanh($0, integerBits: 4) }
    }

    static func evalInt16(_ input: UnsafePointer<Int16>, _ output: UnsafeMutablePointer<Int16>, _ data: OpData,
                                  _ table: UnsafePointer<UInt16>) {
        let (multiplier, shift, rounding) = SigmoidFamily.int16Rescale(data.scaling)
        for index in 0..<data.count {
            // The input in steps of 1/(3·4096); 2x in steps of 1/24 has 8 fraction bits here.
            let x = (Int32(input[index]) &* multiplier &+ rounding) >> shift
            let magnitude = x.magnitude
            let segment = Int(magnitude >> 8)
            var result: Int32
            if segment >= 255 {
                result = 0xFFFF << 8
            } else {
                let low = UInt32(table[segment]), high = UInt32(table[segment + 1])
                result = Int32(bitPattern: (low << 8) &+ (magnitude & 0xFF) &* (high &- low))
            }
            // 2·sigmoid − 1 with the sign of x, rounded, in Q0.15.
            result = x >= 0 ? result &- (1 << 23) &+ (1 << 7) : (1 << 23) &- result &+ (1 << 7) &- 1
            output[index] = Int16(truncatingIfNeeded: result >> 8)
        }
    }
}
