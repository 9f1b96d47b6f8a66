import Foundation
import XCTest
import SwiftletFormat
@testable import SwiftletMicro

/// SOFTMAX, LOGISTIC and TANH against the real TFLM's fixtures, plus the
/// fixed-point and float helpers they are built on.
final class SoftmaxLogisticTanhTests: XCTestCase {
    static var resolver: OpResolver { OpResolver([.softmax, .logistic, .tanh]) }

    /// Fixtures made of these three operators alone.
    static let ownFixtures = [
        "logistic_float", "logistic_int16x8", "logistic_int8",
        "softmax_float", "softmax_int16x8", "softmax_int8",
        "tanh_float", "tanh_int16x8", "tanh_int8",
    ]
    /// Fixtures that also need another engineer's kernel (MUL).
    static let mixedFixtures = ["softmax_scaled_rank3_float", "softmax_scaled_rank3_int8"]

    // MARK: - Fixtures

    func testFixturesAreBitExactWithTFLM() throws {
        let all = try FixtureRun.names().filter { $0.hasPrefix("softmax_") || $0.hasPrefix("logistic_") || $0.hasPrefix("tanh_") }
        XCTAssertEqual(Set(all), Set(Self.ownFixtures + Self.mixedFixtures), "a new fixture of this family needs listing here")
        let summary = try BitExact.check(Self.ownFixtures, resolver: Self.resolver)
        XCTAssertEqual(summary.skipped, [])
        XCTAssertEqual(summary.exact.sorted(), Self.ownFixtures.sorted())
    }

    /// SOFTMAX after a MUL on a rank-3 tensor; runs once MUL is among the builtins.
    func testScaledRank3SoftmaxFixtures() throws {
        let resolver = OpResolver(OpResolver.allBuiltins.registrations + [.softmax, .logistic, .tanh])
        for name in Self.mixedFixtures {
            let missing = try FixtureRun(name: name).missingOperators(resolver)
            if !missing.isEmpty { throw XCTSkip("\(name) needs \(missing.joined(separator: ", "))") }
        }
        let summary = try BitExact.check(Self.mixedFixtures, resolver: resolver)
        XCTAssertEqual(summary.exact.sorted(), Self.mixedFixtures.sorted())
    }

    /// Stricter than the interpreter's check: not even the first `invoke()` may touch the
    /// heap (the sigmoid table is initialized in `prepare`; eval captures nothing).
    func testInvokeAllocatesNothingFromTheFirstCall() throws {
        try assertInvokeAllocatesNothing(Self.ownFixtures, resolver: Self.resolver)
    }

    // MARK: - Kernels on built models

    func testInt8SoftmaxWithBetaAndRowsFollowsTheRealSoftmax() throws {
        let scale: Float = 0.05
        var model = KernelTestModel()
        let x = model.activation([2, 3, 7], .int8, scale: scale, zeroPoint: 3)
        let y = model.activation([2, 3, 7], .int8, scale: 1.0 / 256, zeroPoint: -128)
        var options = TableValue(.softmaxOptions)
        options["beta"] = .float(0.7)
        let input = (0..<42).map { Int8(truncatingIfNeeded: ($0 * 37) % 256 - 128) }
        let output = int8s(try model.run(.softmax, options, [x], y, input: bytes(input), resolver: Self.resolver))
        for row in 0..<6 {
            let logits = (0..<7).map { 0.7 * Double(scale) * Double(Int32(input[row * 7 + $0]) - 3) }
            let top = logits.max()!
            let sum = logits.map { Foundation.exp($0 - top) }.reduce(0, +)
            for c in 0..<7 {
                let expected = Foundation.exp(logits[c] - top) / sum * 256 - 128
                XCTAssertEqual(Double(output[row * 7 + c]), expected, accuracy: 1.01, "row \(row) column \(c)")
            }
        }
    }

    func testInt8ToInt16SoftmaxFollowsTheRealSoftmax() throws {
        var model = KernelTestModel()
        let x = model.activation([1, 16], .int8, scale: 0.1, zeroPoint: 0)
        let y = model.activation([1, 16], .int16, scale: 1.0 / 65536, zeroPoint: -32768)
        var options = TableValue(.softmaxOptions)
        options["beta"] = .float(1)
        let input = (0..<16).map { Int8($0 * 8 - 64) }
        let raw = try model.run(.softmax, options, [x], y, input: bytes(input), resolver: Self.resolver)
        let output = int16s(raw)
        let logits = input.map { 0.1 * Double($0) }
        let sum = logits.map { Foundation.exp($0 - logits.max()!) }.reduce(0, +)
        for c in 0..<16 {
            let expected = Foundation.exp(logits[c] - logits.max()!) / sum * 65536 - 32768
            XCTAssertEqual(Double(output[c]), expected, accuracy: 2, "column \(c)")
        }
    }

    func testInt8SoftmaxRejectsAnOutputScaleOtherThanOneOver256() throws {
        var model = KernelTestModel()
        let x = model.activation([1, 4], .int8, scale: 0.1, zeroPoint: 0)
        let y = model.activation([1, 4], .int8, scale: 1.0 / 255, zeroPoint: -128)
        var options = TableValue(.softmaxOptions)
        options["beta"] = .float(1)
        XCTAssertThrowsError(try model.run(.softmax, options, [x], y, input: [0, 0, 0, 0], resolver: Self.resolver)) { error in
            guard case MicroError.invalidOperator = error else { return XCTFail("\(error)") }
        }
    }

    func testInt8LogisticAndTanhStayWithinOneStepOfTheRealFunctions() throws {
        let scale: Float = 0.07
        let input = (-128...127).map { Int8($0) }
        let cases: [(code: BuiltinOperator, outputScale: Float, outputZero: Int64)] = [(.logistic, 1.0 / 256, -128), (.tanh, 1.0 / 128, 0)]
        for (code, outputScale, outputZero) in cases {
            var model = KernelTestModel()
            let x = model.activation([256], .int8, scale: scale, zeroPoint: -5)
            let y = model.activation([256], .int8, scale: outputScale, zeroPoint: outputZero)
            let output = int8s(try model.run(code, nil, [x], y, input: bytes(input), resolver: Self.resolver))
            for (q, value) in zip(input, output) {
                let real = Double(scale) * Double(Int32(q) + 5)
                let function = code == .logistic ? 1 / (1 + Foundation.exp(-real)) : Foundation.tanh(real)
                let expected = min(max(function / Double(outputScale) + Double(outputZero), -128), 127)
                XCTAssertEqual(Double(value), expected, accuracy: 1, "\(code) at \(q)")
            }
        }
    }

    func testInt16LogisticAndTanhFollowTheRealFunctionsForGeneralAndPowerOfTwoScales() throws {
        let input = stride(from: -32768, through: 32767, by: 97).map { Int16($0) }
        for code in [BuiltinOperator.logistic, .tanh] {
            for scale: Float in [0.0003, 1.0 / 4096] {
                var model = KernelTestModel()
                let x = model.activation([Int32(input.count)], .int16, scale: scale, zeroPoint: 0)
                let y = model.activation([Int32(input.count)], .int16, scale: 1.0 / 32768, zeroPoint: 0)
                let raw = try model.run(code, nil, [x], y, input: bytes(input), resolver: Self.resolver)
                let output = int16s(raw)
                for (q, value) in zip(input, output) {
                    let real = Double(scale) * Double(q)
                    let function = code == .logistic ? 1 / (1 + Foundation.exp(-real)) : Foundation.tanh(real)
                    XCTAssertEqual(Double(value), min(function * 32768, 32767), accuracy: 8, "\(code) scale \(scale) at \(q)")
                }
            }
        }
    }

    func testInt16LogisticRejectsAnOutputScaleOtherThanTwoToTheMinus15() throws {
        var model = KernelTestModel()
        let x = model.activation([4], .int16, scale: 0.001, zeroPoint: 0)
        let y = model.activation([4], .int16, scale: 1.0 / 16384, zeroPoint: 0)
        XCTAssertThrowsError(try model.run(.logistic, nil, [x], y, input: [UInt8](repeating: 0, count: 8), resolver: Self.resolver))
    }

    // MARK: - Fixed-point helpers

    /// Q`bits` raw value of a real number.
    private func raw(_ value: Double, integerBits: Int) -> Int32 {
        Int32((value * Double(Int64(1) << (31 - integerBits))).rounded())
    }

    private func real(_ raw: Int32, integerBits: Int = 0) -> Double {
        Double(raw) / Double(Int64(1) << (31 - integerBits))
    }

    func testSaturatingRoundingMultiplyByPowerOfTwo() {
        XCTAssertEqual(FixedPoint.saturatingRoundingMultiplyByPOT(5, 1), 10)
        XCTAssertEqual(FixedPoint.saturatingRoundingMultiplyByPOT(1 << 30, 1), .max)  // 2^31 does not fit
        XCTAssertEqual(FixedPoint.saturatingRoundingMultiplyByPOT((1 << 30) - 1, 1), Int32.max - 1)
        XCTAssertEqual(FixedPoint.saturatingRoundingMultiplyByPOT(-(1 << 30), 1), .min)  // the threshold is symmetric
        XCTAssertEqual(FixedPoint.saturatingRoundingMultiplyByPOT(5, -1), 3)  // 2.5 rounds away from zero
        XCTAssertEqual(FixedPoint.saturatingRoundingMultiplyByPOT(-5, -1), -3)
        XCTAssertEqual(FixedPoint.saturatingRoundingMultiplyByPOT(7, 0), 7)
        XCTAssertEqual(FixedPoint.rescale(1 << 26, from: 5, to: 12), 1 << 19)  // 1.0 in Q5.26 → Q12.19
        XCTAssertEqual(FixedPoint.roundingHalfSum(1, 2), 2)
        XCTAssertEqual(FixedPoint.roundingHalfSum(-1, -2), -2)
        XCTAssertEqual(FixedPoint.roundingHalfSum(0, .max), 1 << 30)
    }

    func testExpOnNegativeValuesAgreesWithExp() {
        XCTAssertEqual(FixedPoint.expOnNegativeValues(0, integerBits: 5), .max)
        // −1 = −1/4 − 3/4: the Taylor part gives e^(−1/4) and the barrel shifter multiplies in
        // e^(−1/4)·e^(−1/2); the result is e^−1·2^31 = 790015084.3 to within gemmlowp's ~1.5e-7.
        XCTAssertEqual(Double(FixedPoint.expOnNegativeValues(-(1 << 26), integerBits: 5)), 790_015_084.3, accuracy: 350)
        for integerBits in [4, 5, 6] {
            var x = -Double(1 << integerBits) + 1e-6
            while x < 0 {
                let value = real(FixedPoint.expOnNegativeValues(raw(x, integerBits: integerBits), integerBits: integerBits))
                XCTAssertEqual(value, Foundation.exp(x), accuracy: 2e-7, "e^\(x) with \(integerBits) integer bits")
                x += 0.0137
            }
        }
        // Below −32 the result is exactly zero once there is room for such inputs.
        XCTAssertEqual(FixedPoint.expOnNegativeValues(raw(-40, integerBits: 6), integerBits: 6), 0)
    }

    func testOneOverOnePlusXAndOneMinusXOverOnePlusX() {
        for step in 0..<1000 {
            let a = Double(step) / 1000
            let q = raw(a, integerBits: 0)
            XCTAssertEqual(real(FixedPoint.oneOverOnePlusX(q)), 1 / (1 + a), accuracy: 1e-8, "1/(1+\(a))")
            XCTAssertEqual(real(FixedPoint.oneMinusXOverOnePlusX(q)), (1 - a) / (1 + a), accuracy: 1e-8, "(1-\(a))/(1+\(a))")
        }
    }

    func testReciprocalSplitsIntoMantissaAndPowerOfTwo() {
        for value in [1.0, 1.5, 2.0, 3.7, 100.25, 4095.0] {
            let q = raw(value, integerBits: 12)
            let (mantissa, bitsOverUnit) = FixedPoint.reciprocal(q, integerBits: 12)
            let exact = 1 / real(q, integerBits: 12)
            XCTAssertEqual(real(mantissa) / Double(1 << bitsOverUnit), exact, accuracy: 1e-8 * exact, "1/\(value)")
        }
        // 2.0 in Q12.19 has 11 leading zeros: one bit over unit, mantissa ≈ 1.
        XCTAssertEqual(FixedPoint.reciprocal(1 << 20, integerBits: 12).numBitsOverUnit, 1)
    }

    func testLogisticAndTanhAgreeWithTheRealFunctionsAndAreExactlySymmetric() {
        XCTAssertEqual(FixedPoint.logistic(0, integerBits: 4), 1 << 30)
        XCTAssertEqual(FixedPoint.tanh(0, integerBits: 4), 0)
        var x = -15.99
        while x < 16 {
            let q = raw(x, integerBits: 4)
            let logistic = FixedPoint.logistic(q, integerBits: 4)
            let tanh = FixedPoint.tanh(q, integerBits: 4)
            XCTAssertEqual(real(logistic), 1 / (1 + Foundation.exp(-x)), accuracy: 1e-7, "logistic(\(x))")
            XCTAssertEqual(real(tanh), Foundation.tanh(x), accuracy: 2e-7, "tanh(\(x))")
            if q != 0 {
                XCTAssertEqual(FixedPoint.logistic(-q, integerBits: 4), Int32.max - logistic, "1 − logistic(x) = logistic(−x)")
                XCTAssertEqual(FixedPoint.tanh(-q, integerBits: 4), -tanh, "tanh is odd")
            }
            x += 0.0173
        }
    }

    // MARK: - Tables and float functions

    /// The int16 SOFTMAX tables, built by TFLite's `LUTPopulate<int16_t>` algorithm in C
    /// with glibc's `expf` (gcc, x86-64): their sums and index-weighted sums.
    func testSoftmaxTablesMatchTheOnesTFLiteBuilds() {
        let exp = UnsafeMutablePointer<Int16>.allocate(capacity: 513)
        let reciprocal = UnsafeMutablePointer<Int16>.allocate(capacity: 513)
        defer { exp.deallocate(); reciprocal.deallocate() }
        Softmax.populateTables(exp: exp, reciprocal: reciprocal)
        func sums(_ table: UnsafeMutablePointer<Int16>) -> (Int, Int) {
            (0..<513).reduce((0, 0)) { ($0.0 + Int(table[$1]), $0.1 + Int(table[$1]) * ($1 + 1)) }
        }
        XCTAssertTrue(sums(exp) == (1_694_030, 783_178_612))
        XCTAssertTrue(sums(reciprocal) == (11_653_643, 2_651_685_971))
        XCTAssertEqual([exp[0], exp[1], exp[511], exp[512]], [2, 2, 32133, 32767])
        XCTAssertEqual([reciprocal[0], reciprocal[1], reciprocal[511], reciprocal[512]], [32767, 32704, 16400, 16384])
        // Interpolation: the ends of the input range land on the first and last entries.
        XCTAssertEqual(Int16LookupTable.lookup(.min, exp), exp[0])
        // 32767 is segment 511 at offset 127: 16400 + ((−16·127 + 64) >> 7) = 16400 − 16.
        XCTAssertEqual(Int16LookupTable.lookup(.max, reciprocal), 16384)
    }

    func testSigmoidTableIsTheSigmoidInQ0_16() {
        XCTAssertEqual(SigmoidFamily.table.count, 256)
        for (index, value) in SigmoidFamily.table.enumerated() {
            let expected = 65536 / (1 + Foundation.exp(-Double(index) / 24))
            XCTAssertEqual(Double(value), min(expected, 65535), accuracy: 1.5, "entry \(index)")
        }
    }

    /// `exp` is correctly rounded (glibc's Double `exp` rounded once to Float); glibc's own
    /// `expf` is within 0.502 ulp, so the two differ on a small fraction of inputs only.
    /// `tanh` and `log` are within 2 ulp of glibc's (Foundation calls glibc here).
    func testFloatFunctionsMatchTheCLibrary() {
        var samples = 0, roundingMismatches = 0, expfMismatches = 0, tanhWorst: Float = 0, logWorst: Float = 0
        var x: Float = -100
        while x < 88 {
            samples += 1
            if Transcendental.exp(x) != Float(Foundation.exp(Double(x))) { roundingMismatches += 1 }
            if Transcendental.exp(x) != Foundation.exp(x) { expfMismatches += 1 }
            let t = Transcendental.tanh(x), reference = Foundation.tanh(x)
            tanhWorst = max(tanhWorst, (t - reference).magnitude / max(reference.magnitude, .leastNormalMagnitude))
            x += 0.000731
        }
        var y: Float = 1e-30
        while y < 1e30 {
            let l = Transcendental.log(y), reference = Foundation.log(y)
            logWorst = max(logWorst, (l - reference).magnitude / max(reference.magnitude, 1))
            y *= 1.0013
        }
        XCTAssertEqual(roundingMismatches, 0)
        XCTAssertLessThan(Double(expfMismatches), 0.001 * Double(samples))
        XCTAssertLessThanOrEqual(tanhWorst, 2.4e-7)
        XCTAssertLessThanOrEqual(logWorst, 1.2e-7)
        XCTAssertEqual(Transcendental.exp(1.0), 2.718281828459045, accuracy: 4.5e-16)
        XCTAssertEqual(Transcendental.exp(Float(0)), 1)
        XCTAssertEqual(Transcendental.exp(Float(-200)), 0)
        XCTAssertEqual(Transcendental.exp(Float(100)), .infinity)
        XCTAssertEqual(Transcendental.log(Double.pi), Foundation.log(Double.pi), accuracy: 4.5e-16)
        XCTAssertEqual(Transcendental.tanh(Float(30)), 1)
        XCTAssertEqual(Transcendental.tanh(Float(-1e-6)), -1e-6)
    }
}
