import SwiftletFormat

/// What LOGISTIC and TANH share: the input rescaling their int8 and int16
/// paths compute in `prepare` (as TFLM's `logistic_common.cc` and `tanh.cc` do)
/// and the sigmoid table their int16 paths interpolate.
enum SigmoidFamily {
    typealias Kind = NumericKind

    /// What LOGISTIC and TANH store in `prepare`.
    struct OpData {
        var kind: Kind
        var count: Int
        var scaling: InputScaling
        /// int8: the output for each of the 256 inputs (indexed by the input's bit pattern).
        var table: UnsafeMutablePointer<Int8>?
    }

    /// The `prepare` both kernels share: one input and one output of the same
    /// type and size; int8 tabulates `int8Value` (after checking the output zero
    /// point against `int8OutputZeroPoint` when given); int16 rescales with
    /// `int16Scaling(powerOfTwoShifts:)`.
    static func prepare(_ context: inout PrepareContext, arityMessage: StaticString,
                        int8OutputZeroPoint: Int32?, int8ZeroPointMessage: StaticString,
                        int8Value: (Int8, InputScaling) -> Int8,
                        powerOfTwoShifts: ClosedRange<Int32>, int16Message: StaticString) throws(MicroError) {
        guard context.inputCount == 1, context.outputCount == 1 else { throw context.invalid(arityMessage) }
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard input.type == output.type else { throw context.unsupported(output) }
        guard input.elementCount == output.elementCount else { throw context.invalid("input and output sizes differ") }
        var data = OpData(kind: .float32, count: input.elementCount, scaling: InputScaling(), table: nil)
        switch input.type {
        case .float32:
            data.kind = .float32
        case .int8:
            if let int8OutputZeroPoint, output.zeroPoint != int8OutputZeroPoint { throw context.invalid(int8ZeroPointMessage) }
            guard let scaling = int8Scaling(input) else { throw context.invalid("the input scale must be positive") }
            data.kind = .int8
            data.scaling = scaling
            let table = context.allocateArray(Int8.self, count: 256).baseAddress!
            tabulate(table, scaling, int8Value)
            data.table = table
        case .int16:
            guard let scaling = int16Scaling(input, output, powerOfTwoShifts: powerOfTwoShifts) else {
                throw context.invalid(int16Message)
            }
            data.kind = .int16
            data.scaling = scaling
            prepareTable()
        default:
            throw context.unsupported(input)
        }
        context.setOpData(data)
    }

    /// int16 eval: the multiplier, right shift and rounding term taking an input
    /// to steps of 1/(3·4096) (a power-of-two scale kept multiplier 0: use 3 << shift).
    @inline(__always)
    static func int16Rescale(_ scaling: InputScaling) -> (multiplier: Int32, shift: Int32, rounding: Int32) {
        var multiplier = scaling.multiplier, shift = scaling.leftShift
        if multiplier == 0 {  // power-of-two input scale
            multiplier = 3 << shift
            shift = 0
        }
        return (multiplier, shift, shift > 0 ? 1 << (shift - 1) : 0)
    }

    /// How an input is rescaled before the fixed-point function.
    struct InputScaling {
        var zeroPoint: Int32 = 0
        /// int8: inputs at or beyond ±radius (after removing the zero point) saturate.
        var rangeRadius: Int32 = 0
        var multiplier: Int32 = 0
        var leftShift: Int32 = 0
    }

    /// int8: the multiplier taking `input − zeroPoint` to Q4.27, from `frexp(scale · 2^27)`,
    /// and the radius beyond which the function saturates.
    static func int8Scaling(_ input: TensorView) -> InputScaling? {
        let integerBits = 4
        let real = Double(input.scale) * Double(1 << (31 - integerBits))
        guard real > 0, real.isFinite else { return nil }
        // frexp: real = q · 2^shift with q in [0.5, 1).
        let shift = Int(real.exponent) + 1
        let q = real.significand / 2
        // TFLM converts the rounded value with a plain cast; 2^31 wraps to Int32.min there too.
        let multiplier = Int32(truncatingIfNeeded: Int64((q * 2147483648.0).rounded(.toNearestOrAwayFromZero)))
        return InputScaling(zeroPoint: input.zeroPoint,
                            rangeRadius: inputRadius(integerBits: integerBits, leftShift: shift, totalSignedBits: 31),
                            multiplier: multiplier, leftShift: Int32(shift))
    }

    /// int16: the input must be symmetric. A power-of-two scale whose shift is in
    /// `powerOfTwoShifts` keeps multiplier 0 (eval then uses 3 << shift);
    /// otherwise the input is rescaled to 1/(3·4096) by an integer multiplier
    /// below 2^15 and a right shift. The output scale must be 2^−15.
    static func int16Scaling(_ input: TensorView, _ output: TensorView, powerOfTwoShifts: ClosedRange<Int32>) -> InputScaling? {
        let integerBits: Int32 = 3
        guard input.zeroPoint == 0, output.zeroPoint == 0, input.scale > 0 else { return nil }
        var scaling = InputScaling()
        let (inputLog2, isPowerOfTwo) = checkedLog2(input.scale)
        scaling.leftShift = (15 - integerBits) + inputLog2
        if isPowerOfTwo && powerOfTwoShifts.contains(scaling.leftShift) {
            scaling.multiplier = 0
        } else {
            var multiplier = Double(input.scale) * 4096.0 * 3.0
            scaling.leftShift = 0
            while multiplier <= 32767.0 / 2.0 && scaling.leftShift <= 30 {
                scaling.leftShift += 1
                multiplier *= 2
            }
            guard multiplier < 2147483648.0 else { return nil }
            scaling.multiplier = Int32(multiplier)
        }
        let (outputLog2, outputIsPowerOfTwo) = checkedLog2(output.scale)
        guard outputIsPowerOfTwo, outputLog2 == -15 else { return nil }
        return scaling
    }

    /// Fills a 256-entry int8 table with `function` of every int8 input, at the
    /// input's bit pattern (so `table[Int(UInt8(bitPattern: x))]` is `function(x, scaling)`).
    static func tabulate(_ table: UnsafeMutablePointer<Int8>, _ scaling: InputScaling,
                         _ function: (Int8, InputScaling) -> Int8) {
        for value in Int8.min...Int8.max { table[Int(UInt8(bitPattern: value))] = function(value, scaling) }
    }

    /// The int8 result for input `q` as TFLM's reference kernels compute it per
    /// element (`prepare` tabulates it): saturate beyond the radius, otherwise
    /// rescale to Q4.27, apply `function` (Q4.27 → Q0.31), round away
    /// `outputShift` bits and add the output zero point.
    static func int8Value(_ q: Int8, _ s: InputScaling, outputShift: Int, outputZeroPoint: Int32,
                          _ function: (Int32) -> Int32) -> Int8 {
        let centered = Int32(q) - s.zeroPoint
        if centered <= -s.rangeRadius { return .min }
        if centered >= s.rangeRadius { return .max }
        let q4 = QuantizedMath.multiplyByQuantizedMultiplier(centered, s.multiplier, Int(s.leftShift))
        let value = QuantizedMath.roundingDivideByPOT(function(q4), outputShift) + outputZeroPoint
        return Int8(min(max(value, -128), 127))
    }

    /// int8 eval: one table read per element.
    @inline(__always)
    static func lookUp(_ input: UnsafePointer<Int8>, _ output: UnsafeMutablePointer<Int8>, _ count: Int,
                       _ table: UnsafeMutablePointer<Int8>) {
        for index in 0..<count { output[index] = table[Int(UInt8(bitPattern: input[index]))] }
    }

    /// TFLite's `CalculateInputRadius`: the largest input magnitude whose
    /// rescaled value still fits `integerBits` integer bits.
    static func inputRadius(integerBits: Int, leftShift: Int, totalSignedBits: Int) -> Int32 {
        let maximum = Double((1 << integerBits) - 1) * Double(Int64(1) << Int64(totalSignedBits - integerBits))
        let scaled = maximum * Double(sign: .plus, exponent: -leftShift, significand: 1)
        return Int32(scaled.rounded(.down))
    }

    /// TFLite's `CheckedLog2`: log2(x) rounded, and whether x is within 0.001
    /// (in log2) of that power of two. Computed in Float like TFLite.
    static func checkedLog2(_ x: Float) -> (log2: Int32, isPowerOfTwo: Bool) {
        let log2 = Transcendental.log(x) * (1 / Transcendental.log(Float(2)))
        let rounded = log2.rounded()
        return (Int32(rounded), (log2 - rounded).magnitude < 1e-3)
    }

    /// Initializes `table` now, in `prepare`, so that `eval` only reads it.
    static func prepareTable() {
        precondition(table.count == 256)
    }

    /// sigmoid(i/24) for i = 0…255 in Q0.16; tanh uses it as 2·sigmoid(2x) − 1.
    /// An immutable global: `eval` reads its storage in place, with no copy.
    static let table: [UInt16] = [
        32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498,
        40149, 40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255,
        46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865,
        52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174,
        56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544, 58800, 59048, 59288,
        59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279, 61441,
        61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886,
        62990, 63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835,
        63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450,
        64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845,
        64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097,
        65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
        65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360,
        65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425,
        65429, 65433, 65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465,
        65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
        65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508,
        65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516, 65517, 65517, 65518,
        65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524, 65525,
        65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529,
        65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531,
        65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533,
        65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
        65534, 65534, 65535,
    ]
}
