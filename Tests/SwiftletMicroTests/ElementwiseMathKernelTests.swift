import Foundation
import XCTest
import SwiftletFormat
import SwiftletMicro

/// The single-input math kernels (ABS … RELU_N1_TO_1) against the real TFLM's outputs
/// (integers bit for bit, floats within 1e-5 relative), or LiteRT's reference kernels'
/// for the ops and types TFLM lacks (GELU, RELU_N1_TO_1, int8 EXP/LOG/SQRT, int32 NEG).
final class ElementwiseMathKernelTests: XCTestCase {
    /// The comparison and logical kernels some of these models use around the op under test.
    static var helpers: [KernelRegistration] { [.greater, .less, .logicalAnd, .cast, .quantize, .dequantize] }

    private func check(_ prefixes: [String], _ kernels: [KernelRegistration], minimum: Int) throws {
        let names = try FixtureRun.names().filter { name in prefixes.contains { name.hasPrefix($0) } }
        XCTAssertGreaterThanOrEqual(names.count, minimum, "fixtures for \(prefixes)")
        let summary = try BitExact.check(names, resolver: OpResolver(kernels + Self.helpers))
        XCTAssertEqual(summary.skipped, [])
        XCTAssertEqual(summary.exact.sorted(), names.sorted())
    }

    func testAbsFixtures() throws { try check(["unary_abs_"], [.abs], minimum: 3) }
    func testNegFixtures() throws { try check(["unary_neg_"], [.neg], minimum: 2) }
    func testRoundingFixtures() throws { try check(["unary_ceil_", "unary_floor_", "unary_round_"], [.ceil, .floor, .round], minimum: 3) }
    func testSquareRootFixtures() throws { try check(["unary_sqrt_", "unary_rsqrt_", "unary_square_"], [.sqrt, .rsqrt, .square], minimum: 6) }
    func testExpLogFixtures() throws { try check(["unary_exp_", "unary_log_"], [.exp, .log], minimum: 4) }
    func testTrigonometryFixtures() throws { try check(["unary_sin_", "unary_cos_"], [.sin, .cos], minimum: 2) }
    func testLogicalNotFixtures() throws { try check(["unary_logical_not_"], [.logicalNot], minimum: 1) }
    func testZerosLikeFixtures() throws { try check(["unary_zeros_like_"], [.zerosLike], minimum: 1) }
    func testCastFixtures() throws { try check(["unary_cast_"], [.cast], minimum: 4) }
    func testEluGeluFixtures() throws { try check(["unary_elu_", "unary_gelu_"], [.elu, .gelu], minimum: 6) }
    func testReluN1To1Fixtures() throws { try check(["unary_relu_n1_to_1_"], [.reluN1To1], minimum: 2) }

    /// ROUND sends halves to the even neighbour (the fixtures' random inputs have no exact halves).
    func testRoundHalvesToEven() throws {
        let values: [Float] = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997]
        let expected: [Float] = [0, 2, 2, -0, -2, -2, 0]
        XCTAssertEqual(values.map { $0.rounded(.toNearestOrEven) }, expected)
    }

    /// sin, cos and erf agree with Foundation's to float precision over a wide range.
    func testTrigonometryAgainstFoundation() {
        var x = -40.0
        while x < 40 {
            XCTAssertEqual(Trigonometry.sin(x), Foundation.sin(x), accuracy: 1e-13)
            XCTAssertEqual(Trigonometry.cos(x), Foundation.cos(x), accuracy: 1e-13)
            x += 0.0137
        }
        x = -7
        while x < 7 {
            XCTAssertEqual(Trigonometry.erf(x), Foundation.erf(x), accuracy: 1e-14)
            x += 0.0071
        }
    }

    /// The fixed-point 1/√x multiplier is within a few units of 2^31/√x (for x up to 2^30).
    func testInverseSqrtMultiplier() {
        for input: Int32 in [2, 3, 4, 17, 255, 1000, 65_536, 1 << 20, 123_456_789, 1 << 30] {
            let (multiplier, shift) = FixedPointInverseSqrt.multiplierAndShift(input, reverseShift: 1)
            let value = Double(multiplier) / 2_147_483_648 * pow(2, Double(-shift))
            XCTAssertEqual(value, 1 / Double(input).squareRoot(), accuracy: 1e-5 / Double(input).squareRoot(), "input \(input)")
        }
    }
}
