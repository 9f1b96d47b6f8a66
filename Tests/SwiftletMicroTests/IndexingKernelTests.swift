import XCTest
import SwiftletFormat
import SwiftletMicro

/// ARG_MAX, ARG_MIN, GATHER, GATHER_ND and EMBEDDING_LOOKUP: fixtures bit-exact with
/// TFLM, and a runtime index out of range fails the invoke instead of reading outside.
final class IndexingKernelTests: XCTestCase {
    static var kernels: [KernelRegistration] { [.argMax, .argMin, .gather, .gatherNd, .embeddingLookup] }

    func testArgMinMaxFixtures() throws {
        try OpsBFixtures.assertExact(["arg_max", "arg_min"], kernels: Self.kernels, minimum: 4)
    }

    func testGatherFixtures() throws {
        try OpsBFixtures.assertExact(["gather_"], excluding: ["gather_nd"], kernels: Self.kernels, minimum: 5)
    }

    func testGatherNdFixtures() throws {
        try OpsBFixtures.assertExact(["gather_nd"], kernels: Self.kernels, minimum: 3)
    }

    func testEmbeddingLookupFixtures() throws {
        try OpsBFixtures.assertExact(["embedding_lookup"], kernels: Self.kernels, minimum: 2)
    }

    /// An index past the axis is a kernel failure, not an out-of-bounds read.
    func testGatherIndexOutOfRangeFails() throws {
        let fixture = try FixtureRun(name: "gather_runtime_indices_float")
        let resolver = OpResolver(Self.kernels)
        let bytes = try MicroInterpreter.requiredArenaBytes(model: fixture.file.model, resolver: resolver)
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes, alignment: 16)
        defer { arena.deallocate() }
        var interpreter = try MicroInterpreter(model: fixture.file.model, resolver: resolver, arena: arena)
        try interpreter.allocateTensors()
        let indices = try interpreter.input(1)
        XCTAssertEqual(indices.type, .int32)
        let values = indices.elements(as: Int32.self)
        for index in values.indices { values[index] = 0 }
        values[values.count - 1] = 6
        XCTAssertThrowsError(try interpreter.invoke()) { error in
            guard case MicroError.kernelFailure = error else { return XCTFail("\(error)") }
        }
        values[values.count - 1] = -1
        XCTAssertThrowsError(try interpreter.invoke())
        values[values.count - 1] = 5
        XCTAssertNoThrow(try interpreter.invoke())
    }

    /// GATHER of int64 params with int64 indices, and ARG_MAX on int16 with an int64 output (first of equal maxima).
    func testWiderTypes() throws {
        var builder = KernelTestModel()
        let params = builder.activation([3, 2], .int64)
        let indices = builder.constant([2], .int64, bytes([Int64(2), 0]))
        let y = builder.activation([2, 2], .int64)
        let gathered = try builder.run(.gather, TableValue(.gatherOptions), [params, indices], y,
                                       input: bytes([Int64(1), 2, 3, 4, Int64.min, 6]), resolver: OpResolver([.gather]))
        XCTAssertEqual(elements(gathered, as: Int64.self), [Int64.min, 6, 1, 2])

        var arg = KernelTestModel()
        let x = arg.activation([2, 4], .int16)
        let axis = arg.constant([Int](), .int32, bytes([Int32(1)]))
        let index = arg.activation([2], .int64)
        var options = TableValue(.argMaxOptions)
        options["output_type"] = .int(Int64(TensorType.int64.rawValue))
        let found = try arg.run(.argMax, options, [x, axis], index, input: bytes([Int16(3), 9, 9, -1, -5, -5, -7, -5]),
                                resolver: OpResolver([.argMax]))
        XCTAssertEqual(elements(found, as: Int64.self), [1, 0])
    }

    /// Every fixture of these kernels runs without touching the heap.
    func testInvokeAllocatesNothing() throws {
        // Fixtures with runtime indices are left out: unfed, their indices are arbitrary.
        let names = try OpsBFixtures.names(["arg_max", "arg_min", "gather_", "embedding_lookup_table"], excluding: ["gather_runtime", "gather_nd_runtime"])
        try assertInvokeAllocatesNothing(names, resolver: OpResolver(Self.kernels))
    }
}
