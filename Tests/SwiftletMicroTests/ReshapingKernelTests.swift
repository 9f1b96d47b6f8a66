import XCTest
import SwiftletFormat
import SwiftletMicro

/// SLICE, SPLIT, SPLIT_V, PACK, UNPACK, SHAPE, REVERSE_V2, MIRROR_PAD and TILE:
/// fixtures bit-exact with TFLM;
/// TILE, which TFLM lacks, bit-exact with LiteRT's reference kernels and against a naive tiling.
final class ReshapingKernelTests: XCTestCase {
    static var kernels: [KernelRegistration] {
        [.slice, .split, .splitV, .pack, .unpack, .shape, .reverseV2, .mirrorPad, .tile]
    }

    func testSliceFixtures() throws { try OpsBFixtures.assertExact(["slice_"], kernels: Self.kernels, minimum: 2) }
    func testSplitFixtures() throws { try OpsBFixtures.assertExact(["split_"], kernels: Self.kernels, minimum: 4) }
    func testPackUnpackFixtures() throws { try OpsBFixtures.assertExact(["pack_", "unpack_"], kernels: Self.kernels, minimum: 4) }
    func testShapeFixtures() throws { try OpsBFixtures.assertExact(["shape_"], kernels: Self.kernels, minimum: 1) }
    func testReverseFixtures() throws { try OpsBFixtures.assertExact(["reverse_v2"], kernels: Self.kernels, minimum: 4) }
    /// TILE is beyond TFLM: these fixtures carry LiteRT's reference outputs.
    func testTileFixtures() throws { try OpsBFixtures.assertExact(["tile_"], kernels: Self.kernels, minimum: 3) }
    func testMirrorPadFixtures() throws { try OpsBFixtures.assertExact(["mirror_pad"], kernels: Self.kernels, minimum: 4) }

    /// TILE against a naive tiling, int16 and int64, with a 1 and a 3 among the multiples.
    func testTileMatchesNaiveTiling() throws {
        for type in [TensorType.int16, .int64] {
            var builder = KernelTestModel()
            let x = builder.activation([2, 3, 2], type)
            let multiples = builder.constant([3], .int32, bytes([Int32(2), 1, 3]))
            let y = builder.activation([4, 3, 6], type)
            let input = (0..<12).map { Int64($0 * 7 - 20) }
            let data = type == .int16 ? bytes(input.map { Int16($0) }) : bytes(input)
            let output = try builder.run(.tile, nil, [x, multiples], y, input: data, resolver: OpResolver([.tile]))
            var expected: [Int64] = []
            for a in 0..<4 { for b in 0..<3 { for c in 0..<6 { expected.append(input[(a % 2) * 6 + b * 2 + c % 2]) } } }
            let values = type == .int16 ? elements(output, as: Int16.self).map { Int64($0) } : elements(output, as: Int64.self)
            XCTAssertEqual(values, expected, "\(type)")
        }
    }

    /// REVERSE_V2 on bool and int64 (negative axis), SHAPE with an int64 output.
    func testReverseBoolInt64AndShapeInt64() throws {
        var builder = KernelTestModel()
        let x = builder.activation([2, 3], .bool)
        let axis = builder.constant([1], .int32, bytes([Int32(-1)]))
        let y = builder.activation([2, 3], .bool)
        XCTAssertEqual(try builder.run(.reverseV2, nil, [x, axis], y, input: [1, 0, 0, 0, 1, 1], resolver: OpResolver([.reverseV2])),
                       [0, 0, 1, 1, 1, 0])

        var wide = KernelTestModel()
        let a = wide.activation([3, 2], .int64)
        let axes = wide.constant([2], .int64, bytes([Int64(0), 1]))
        let b = wide.activation([3, 2], .int64)
        let reversed = try wide.run(.reverseV2, nil, [a, axes], b, input: bytes([Int64(1), 2, 3, 4, 5, Int64.max]), resolver: OpResolver([.reverseV2]))
        XCTAssertEqual(elements(reversed, as: Int64.self), [Int64.max, 5, 4, 3, 2, 1])

        var shaped = KernelTestModel()
        let t = shaped.activation([4, 1, 7], .float32)
        let s = shaped.activation([3], .int64)
        var options = TableValue(.shapeOptions)
        options["out_type"] = .int(Int64(TensorType.int64.rawValue))
        XCTAssertEqual(elements(try shaped.run(.shape, options, [t], s, input: bytes([Float](repeating: 0, count: 28)), resolver: OpResolver([.shape])), as: Int64.self),
                       [4, 1, 7])
    }

    /// SPLIT_V with a −1 size on int16, and a bad size list is rejected in prepare.
    func testSplitVInferredSizeAndRejection() throws {
        var builder = KernelTestModel()
        let x = builder.activation([5], .int16)
        let sizes = builder.constant([2], .int32, bytes([Int32(-1), 2]))
        let axis = builder.constant([Int](), .int32, bytes([Int32(0)]))
        let y = builder.activation([3], .int16)
        var options = TableValue(.splitVOptions)
        options["num_splits"] = .int(1)
        // One output named: the first piece (size 3 after inferring the −1) is checked.
        XCTAssertThrowsError(try builder.run(.splitV, options, [x, sizes, axis], y, input: bytes([Int16](repeating: 0, count: 5)),
                                             resolver: OpResolver([.splitV])))
    }

    /// Every fixture of these kernels runs without touching the heap.
    func testInvokeAllocatesNothing() throws {
        let names = try OpsBFixtures.names(["slice_", "split_", "pack_", "unpack_", "shape_", "reverse_v2", "mirror_pad", "tile_"])
        try assertInvokeAllocatesNothing(names, resolver: OpResolver(Self.kernels))
    }
}
