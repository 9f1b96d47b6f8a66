import Foundation
import XCTest
@testable import SwiftletTools

/// Write-then-read round trips, the value type's API and the writer's header layout.
final class NumPyRoundTripTests: XCTestCase {
    /// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
    private func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed | 1
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    private let shapes: [[Int]] = [[], [0], [5], [2, 3, 4], [1, 0, 3], [3, 1]]

    private func sampleArrays() throws -> [NumPyArray] {
        var arrays: [NumPyArray] = []
        for (index, dtype) in NumPyDType.allCases.enumerated() {
            for shape in shapes {
                let count = shape.reduce(1, *)
                var data = bytes(count * dtype.itemSize, seed: UInt64(index * 31 + shape.count))
                if dtype == .bool { data = data.map { $0 & 1 } }
                arrays.append(try NumPyArray(dtype: dtype, shape: shape, data: data))
            }
        }
        return arrays
    }

    func testNpyRoundTripForEveryDTypeAndShape() throws {
        let folder = try makeNumPyTemporaryFolder(self)
        for (index, array) in try sampleArrays().enumerated() {
            let path = folder.appendingPathComponent("a\(index).npy").path
            try NumPyFile.write(array, to: path)
            XCTAssertEqual(try NumPyFile.readArray(path), array, "\(array)")
            XCTAssertEqual(try NumPyFile.array(fromNpy: NumPyFile.npyBytes(array)), array, "\(array)")
        }
    }

    func testNpzRoundTripStoredAndDeflated() throws {
        let folder = try makeNumPyTemporaryFolder(self)
        var archive = NumPyArchive()
        for (index, array) in try sampleArrays().enumerated() {
            archive["array_\(index)_\(array.dtype)"] = array
        }
        for compressed in [false, true] {
            let path = folder.appendingPathComponent(compressed ? "deflated.npz" : "stored.npz").path
            try NumPyFile.writeArchive(archive, to: path, compressed: compressed)
            let back = try NumPyFile.readArchive(path)
            XCTAssertEqual(back, archive)
            XCTAssertEqual(back.names, archive.names)
            XCTAssertEqual(try NumPyFile.read(path), archive)
        }
        let stored = try Data(contentsOf: folder.appendingPathComponent("stored.npz"))
        let deflated = try Data(contentsOf: folder.appendingPathComponent("deflated.npz"))
        XCTAssertLessThan(deflated.count, stored.count, "deflated archive should be smaller")
    }

    func testNpzWritingIsDeterministic() throws {
        let archive: NumPyArchive = ["w": try NumPyArray([1, 2, 3] as [Float]), "b": try NumPyArray([true, false])]
        for compressed in [false, true] {
            XCTAssertEqual(try NumPyFile.npzBytes(archive, compressed: compressed),
                           try NumPyFile.npzBytes(archive, compressed: compressed))
        }
    }

    func testEmptyArchiveRoundTrips() throws {
        let bytes = try NumPyFile.npzBytes(NumPyArchive())
        XCTAssertEqual(try NumPyFile.archive(fromNpz: bytes), NumPyArchive())
    }

    func testWrittenFixtureArraysRoundTripThroughNpz() throws {
        let original = try NumPyFile.readArchive(NumPyFixtures.path("compressed.npz"))
        for compressed in [false, true] {
            let bytes = try NumPyFile.npzBytes(original, compressed: compressed)
            XCTAssertEqual(try NumPyFile.archive(fromNpz: bytes), original)
        }
    }

    // MARK: - Typed initialisers and accessors

    func testTypedInitialisersRoundTripThroughAccessors() throws {
        XCTAssertEqual(try NumPyArray([1.5, -2, 0] as [Float], shape: [3]).floats(), [1.5, -2, 0])
        XCTAssertEqual(try NumPyArray([1.5, -2] as [Double]).doubles(), [1.5, -2])
        XCTAssertEqual(try NumPyArray([-128, 127] as [Int8]).int8s(), [-128, 127])
        XCTAssertEqual(try NumPyArray([.min, .max] as [Int16]).int16s(), [.min, .max])
        XCTAssertEqual(try NumPyArray([.min, .max] as [Int32]).int32s(), [.min, .max])
        XCTAssertEqual(try NumPyArray([.min, .max] as [Int64]).int64s(), [.min, .max])
        XCTAssertEqual(try NumPyArray([0, 255] as [UInt8]).uint8s(), [0, 255])
        XCTAssertEqual(try NumPyArray([0, .max] as [UInt16]).uint16s(), [0, .max])
        XCTAssertEqual(try NumPyArray([0, .max] as [UInt32]).uint32s(), [0, .max])
        XCTAssertEqual(try NumPyArray([0, .max] as [UInt64]).uint64s(), [0, .max])
        XCTAssertEqual(try NumPyArray([true, false, true]).bools(), [true, false, true])
        XCTAssertEqual(try NumPyArray([1, 2, 3]).dtype, .int64, "Int is stored as int64")
        XCTAssertEqual(try NumPyArray([1, 2, 3]).elements(as: Int.self), [1, 2, 3])
        #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
        let halves: [Float16] = [0.5, -65504, 1.0 / 3]
        XCTAssertEqual(try NumPyArray(halves).elements(as: Float16.self), halves)
        XCTAssertEqual(try NumPyArray(halves).asFloats(), halves.map(Float.init))
        #endif
    }

    func testShapeIsCheckedAgainstTheElementCount() throws {
        let array = try NumPyArray([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
        XCTAssertEqual(array.shape, [2, 3])
        XCTAssertEqual(array.elementCount, 6)
        XCTAssertEqual(array.rank, 2)
        XCTAssertEqual(array.data.count, 24)
        XCTAssertEqual(try NumPyArray([7] as [Int32], shape: []).shape, [], "0-d array holds one element")
        XCTAssertEqual(try NumPyArray([] as [Float], shape: [0, 4]).elementCount, 0)

        let mismatch = numPyThrownError { () throws(ToolsError) in try NumPyArray([1, 2, 3] as [Float], shape: [2, 2]) }
        guard case .invalidArgument(let message)? = mismatch else { return XCTFail("\(String(describing: mismatch))") }
        XCTAssertTrue(message.contains("(2, 2)") && message.contains("4") && message.contains("3"), message)
        _ = numPyThrownError { () throws(ToolsError) in try NumPyArray([1] as [Float], shape: [-1]) }
        _ = numPyThrownError { () throws(ToolsError) in try NumPyArray([] as [Float], shape: [0, .max, .max]) }
        _ = numPyThrownError { () throws(ToolsError) in try NumPyArray(dtype: .float32, shape: [2], data: [0, 0, 0]) }
        _ = numPyThrownError { () throws(ToolsError) in try NumPyArray.zeros(.float64, shape: [.max / 4, 2]) }
        XCTAssertEqual(try NumPyArray.zeros(.int16, shape: [2, 2]).int16s(), [0, 0, 0, 0])
    }

    func testReshaped() throws {
        let array = try NumPyArray([1, 2, 3, 4, 5, 6] as [Int8], shape: [6])
        XCTAssertEqual(try array.reshaped([3, 2]).shape, [3, 2])
        XCTAssertEqual(try array.reshaped([3, 2]).int8s(), [1, 2, 3, 4, 5, 6])
        XCTAssertNotNil(numPyThrownError { () throws(ToolsError) in try array.reshaped([4]) })
    }

    func testTypedAccessorRefusesAnotherDType() throws {
        let array = try NumPyArray([1, 2] as [Int8])
        let error = numPyThrownError { () throws(ToolsError) in try array.floats() }
        guard case .invalidArgument(let message)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(message.contains("int8") && message.contains("float32"), message)
    }

    func testConversionToFloatsAndDoublesFromEveryDType() throws {
        let expected: [Double] = [0, 1, 100]
        let arrays: [NumPyArray] = [
            try NumPyArray([0, 1, 100] as [Int8]), try NumPyArray([0, 1, 100] as [Int16]),
            try NumPyArray([0, 1, 100] as [Int32]), try NumPyArray([0, 1, 100] as [Int64]),
            try NumPyArray([0, 1, 100] as [UInt8]), try NumPyArray([0, 1, 100] as [UInt16]),
            try NumPyArray([0, 1, 100] as [UInt32]), try NumPyArray([0, 1, 100] as [UInt64]),
            try NumPyArray([0, 1, 100] as [Float]), try NumPyArray([0, 1, 100] as [Double]),
            // float16 bits for 0, 1, 100
            try NumPyArray(dtype: .float16, shape: [3], data: [0x00, 0x00, 0x00, 0x3C, 0x40, 0x56]),
        ]
        XCTAssertEqual(Set(arrays.map(\.dtype)).count, NumPyDType.allCases.count - 1, "every dtype but bool")
        for array in arrays {
            XCTAssertEqual(array.asDoubles(), expected, "\(array.dtype)")
            XCTAssertEqual(array.asFloats(), expected.map(Float.init), "\(array.dtype)")
        }
        XCTAssertEqual(try NumPyArray([true, false]).asFloats(), [1, 0])
        XCTAssertEqual(try NumPyArray([-5] as [Int8]).asDoubles(), [-5])
        XCTAssertEqual(try NumPyArray([Int64.max]).asDoubles(), [9.223372036854775807e18])
    }

    func testHalfPrecisionConversionCoversSpecialValues() {
        XCTAssertEqual(NumPyBytes.float(fromHalf: 0x0001), 0x1p-24, "smallest subnormal")
        XCTAssertEqual(NumPyBytes.float(fromHalf: 0x8000).sign, .minus, "negative zero")
        XCTAssertEqual(NumPyBytes.float(fromHalf: 0x7C00), .infinity)
        XCTAssertEqual(NumPyBytes.float(fromHalf: 0xFC00), -.infinity)
        XCTAssertTrue(NumPyBytes.float(fromHalf: 0x7E00).isNaN)
        XCTAssertEqual(NumPyBytes.float(fromHalf: 0x7BFF), 65504)
        XCTAssertEqual(NumPyBytes.float(fromHalf: 0x3555), 0.333251953125)
    }

    // MARK: - Archive type

    func testArchiveKeepsOrderAndReplacesInPlace() throws {
        let one = try NumPyArray([1] as [Int32]), two = try NumPyArray([2] as [Int32])
        var archive: NumPyArchive = ["b": one, "a": two, "c": one]
        XCTAssertEqual(archive.names, ["b", "a", "c"])
        archive["a"] = one
        XCTAssertEqual(archive.names, ["b", "a", "c"])
        XCTAssertEqual(archive["a"], one)
        archive["b"] = nil
        archive["d"] = two
        XCTAssertEqual(archive.names, ["a", "c", "d"])
        XCTAssertEqual(archive.count, 3)
        XCTAssertEqual(archive.map(\.name), ["a", "c", "d"])
        XCTAssertNil(archive["missing"])
        XCTAssertEqual(NumPyArchive([.init(name: "x", array: one), .init(name: "x", array: two)]).entries,
                       [.init(name: "x", array: two)])
    }

    func testArchiveWithAnEmptyNameIsRefused() throws {
        let archive: NumPyArchive = ["": try NumPyArray([1] as [Float])]
        let error = numPyThrownError { () throws(ToolsError) in try NumPyFile.npzBytes(archive) }
        guard case .invalidArgument? = error else { return XCTFail("\(String(describing: error))") }
    }

    // MARK: - Header layout

    func testWrittenHeadersAreAlignedLikeNumPys() throws {
        for shape in [[], [0], [1], [12345678901], [3, 4, 5], Array(repeating: 1, count: 64)] {
            for dtype in NumPyDType.allCases {
                let header = NpyHeader.encode(dtype: dtype, shape: shape)
                XCTAssertEqual(header.count % 64, 0, "\(dtype) \(shape)")
                XCTAssertEqual(header.last, 0x0A)
                XCTAssertEqual(header[6], 1, "version 1.0")
                let parsed = try NpyHeader.parse(header, path: "test")
                XCTAssertEqual(parsed.shape, shape)
                XCTAssertEqual(parsed.dtype, dtype)
                XCTAssertEqual(parsed.dataOffset, header.count)
            }
        }
    }

    func testHugeHeaderSwitchesToVersion2() throws {
        // Only structured dtypes make NumPy headers this large; the layout rule is the same.
        let dict = Array("{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }".utf8)
            + [UInt8](repeating: 0x20, count: 70_000)
        let header = NpyHeader.wrap(dict)
        XCTAssertEqual(Array(header[6...7]), [2, 0])
        XCTAssertEqual(header.count % 64, 0)
        let length = header[8...11].reversed().reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(12 + length, header.count)
        let array = try NumPyFile.array(fromNpy: header + [1, 0, 2, 0])
        XCTAssertEqual(try array.int16s(), [1, 2])
    }
}
