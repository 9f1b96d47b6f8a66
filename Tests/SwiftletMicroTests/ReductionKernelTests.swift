import XCTest
import SwiftletFormat
import SwiftletMicro

/// REDUCE_MAX, REDUCE_MIN, SUM, REDUCE_ALL, FILL, L2_NORMALIZATION and LOG_SOFTMAX against the
/// real TFLM's outputs (integers bit for bit, floats within 1e-5 relative), or LiteRT's for
/// the int32 reductions TFLM lacks.
final class ReductionKernelTests: XCTestCase {
    /// Kernels the models use around the op under test.
    static var helpers: [KernelRegistration] { [.cast, .greater, .reshape] }

    private func check(_ prefixes: [String], _ kernels: [KernelRegistration], minimum: Int) throws {
        let names = try FixtureRun.names().filter { name in prefixes.contains { name.hasPrefix($0) } }
        XCTAssertGreaterThanOrEqual(names.count, minimum, "fixtures for \(prefixes)")
        let summary = try BitExact.check(names, resolver: OpResolver(kernels + Self.helpers))
        XCTAssertEqual(summary.skipped, [])
        XCTAssertEqual(summary.exact.sorted(), names.sorted())
    }

    func testReduceMaxMinFixtures() throws { try check(["reduce_max_", "reduce_min_"], [.reduceMax, .reduceMin], minimum: 6) }
    func testSumFixtures() throws { try check(["reduce_sum_"], [.sum], minimum: 5) }
    func testIntegerReductionFixtures() throws { try check(["reduce_int32_"], [.sum, .reduceMax, .reduceMin], minimum: 1) }
    func testReduceAllFixtures() throws { try check(["reduce_all_"], [.reduceAll], minimum: 1) }
    func testFillFixtures() throws { try check(["reduce_fill_"], [.fill], minimum: 2) }
    func testL2NormalizationFixtures() throws { try check(["reduce_l2_normalization_"], [.l2Normalization], minimum: 2) }
    func testL2PoolFixtures() throws { try check(["reduce_l2_pool"], [.l2Pool2D], minimum: 2) }
    /// float32 and int8 (TFLM's Q5.26 fixed point, with a row whose smallest differences fall below the cut-off).
    func testLogSoftmaxFixtures() throws { try check(["reduce_log_softmax_"], [.logSoftmax], minimum: 4) }
}
