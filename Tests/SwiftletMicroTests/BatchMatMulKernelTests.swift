import XCTest
import SwiftletFormat
import SwiftletMicro

/// BATCH_MATMUL: float32, int8 and int16 fixtures (broadcast batch axes, adj_x, adj_y) bit-exact with TFLM.
final class BatchMatMulKernelTests: XCTestCase {
    func testBatchMatMulFixtures() throws {
        try OpsBFixtures.assertExact(["batch_matmul_"], kernels: [.batchMatMul], minimum: 7)
    }

    /// Rank 5 with broadcasting on two batch axes and adj_x + adj_y, float32 against a naive product.
    func testRankFiveBroadcastBothAdjoints() throws {
        var builder = KernelTestModel()
        let lhs = builder.activation([2, 1, 1, 3, 2], .float32)   // adj_x: stored [.., depth 3, rows 2]
        let rhs = builder.activation([1, 2, 4, 3], .float32)      // adj_y: stored [.., columns 4, depth 3]
        let y = builder.activation([2, 1, 2, 2, 4], .float32)
        var options = TableValue(.batchMatMulOptions)
        options["adj_x"] = .bool(true)
        options["adj_y"] = .bool(true)
        let a = (0..<12).map { Float($0) * 0.5 - 2 }
        let b = (0..<24).map { Float(($0 * 5) % 7) - 3 }
        let output = floats(try builder.run(.batchMatmul, options, [lhs, rhs], y, inputs: [(lhs, bytes(a)), (rhs, bytes(b))],
                                            resolver: OpResolver([.batchMatMul])))
        var expected: [Float] = []
        for b0 in 0..<2 { for b2 in 0..<2 { for row in 0..<2 { for column in 0..<4 {
            var total: Float = 0
            for k in 0..<3 { total += b[((b2 * 4) + column) * 3 + k] * a[(b0 * 3 + k) * 2 + row] }
            expected.append(total)
        } } } }
        XCTAssertEqual(output, expected)
    }

    /// Every fixture runs without touching the heap.
    func testInvokeAllocatesNothing() throws {
        try assertInvokeAllocatesNothing(try OpsBFixtures.names(["batch_matmul_"]), resolver: OpResolver([.batchMatMul]))
    }
}
