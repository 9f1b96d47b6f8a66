import XCTest
import SwiftletFormat
import SwiftletMicro

/// The broadcasting math, comparison, logical and selection kernels against the real
/// TFLM's outputs (integers and bools bit for bit, floats within 1e-5 relative), or
/// LiteRT's reference kernels' where TFLM lacks the op or type (SELECT v1, int32
/// FLOOR_DIV/FLOOR_MOD, int32 SELECT_V2).
final class ElementwiseBinaryKernelTests: XCTestCase {
    /// Kernels the models use around the op under test (casts, roundings, scalings, comparisons).
    static var helpers: [KernelRegistration] {
        [.cast, .round, .mul, .neg, .greater, .quantize, .dequantize]
    }

    private func check(_ prefixes: [String], _ kernels: [KernelRegistration], minimum: Int) throws {
        let names = try FixtureRun.names().filter { name in prefixes.contains { name.hasPrefix($0) } }
        XCTAssertGreaterThanOrEqual(names.count, minimum, "fixtures for \(prefixes)")
        let summary = try BitExact.check(names, resolver: OpResolver(kernels + Self.helpers))
        XCTAssertEqual(summary.skipped, [])
        XCTAssertEqual(summary.exact.sorted(), names.sorted())
    }

    func testDivFixtures() throws { try check(["binary_div_"], [.div], minimum: 3) }
    func testFloorDivModFixtures() throws { try check(["binary_floor_div_", "binary_floor_mod_"], [.floorDiv, .floorMod], minimum: 2) }
    func testMaximumMinimumFixtures() throws { try check(["binary_maximum_", "binary_minimum_"], [.maximum, .minimum], minimum: 7) }
    func testSquaredDifferenceFixtures() throws { try check(["binary_squared_difference_"], [.squaredDifference], minimum: 4) }
    func testComparisonFixtures() throws {
        try check(["binary_equal_", "binary_not_equal_", "binary_greater_", "binary_greater_equal_", "binary_less_", "binary_less_equal_"],
                  [.equal, .notEqual, .greater, .greaterEqual, .less, .lessEqual], minimum: 18)
    }
    func testLogicalFixtures() throws { try check(["binary_logical_"], [.logicalAnd, .logicalOr], minimum: 1) }
    func testSelectFixtures() throws { try check(["binary_select_"], [.selectV2, .select], minimum: 5) }
    func testAddNFixtures() throws { try check(["binary_add_n_"], [.addN], minimum: 3) }
    func testPreluFixtures() throws { try check(["binary_prelu_"], [.prelu], minimum: 2) }
    /// int32 ADD, SUB and MUL (TFLM's unquantized path, broadcasting).
    func testInt32AddSubMulFixtures() throws { try check(["binary_add_sub_mul_int32"], [.add, .sub], minimum: 1) }
}
