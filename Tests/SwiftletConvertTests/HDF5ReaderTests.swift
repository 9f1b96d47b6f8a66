import XCTest
import Foundation
@testable import SwiftletConvert

/// The pure-Swift HDF5 reader on files h5py wrote (Tools/fixtures/generate_keras.py): old and new
/// file formats, contiguous and chunked datasets, string and number attributes, many members.
final class HDF5ReaderTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/keras/hdf5")

    private func expected() throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.folder.appendingPathComponent("expected.json"))) as? [String: Any])
    }

    private func floats(_ value: Any?) throws -> [Float] {
        try XCTUnwrap(value as? [NSNumber]).map { $0.floatValue }
    }

    private func ints(_ value: Any?) throws -> [Int] {
        try XCTUnwrap(value as? [NSNumber]).map { $0.intValue }
    }

    func testEveryVariantReadsTheSameContent() throws {
        let values = try expected()
        for name in ["v0_contiguous", "v0_chunked", "v3_contiguous", "v3_chunked"] {
            let file = try HDF5File(path: Self.folder.appendingPathComponent(name + ".h5").path)
            XCTAssertEqual(try file.root.childNames().sorted(), ["cube", "group", "ints", "scalar"], name)
            XCTAssertEqual(try file.object(at: "group").childNames(), values["members"] as? [String], name)
            let matrix = try file.object(at: "group/b/matrix")
            XCTAssertEqual(try matrix.shape(), try ints(values["matrix_shape"]), name)
            XCTAssertEqual(try matrix.floats(), try floats(values["matrix"]), name)
            let cube = try file.object(at: "cube")
            XCTAssertEqual(try cube.shape(), try ints(values["cube_shape"]), name)
            XCTAssertEqual(try cube.datatype(), .float(size: 8), name)
            XCTAssertEqual(try cube.floats(), try floats(values["cube"]), name)
            XCTAssertEqual(try file.object(at: "ints").floats(), try floats(values["ints"]), name)
            XCTAssertEqual(try file.object(at: "ints").datatype(), .integer(size: 2, signed: true), name)
            XCTAssertEqual(try file.object(at: "scalar").shape(), [], name)
            XCTAssertEqual(try file.object(at: "scalar").floats(), [2.5], name)
            XCTAssertEqual(try file.root.strings(attribute: "names_vlen"), values["names"] as? [String], name)
            XCTAssertEqual(try file.root.strings(attribute: "names_fixed"), values["names"] as? [String], name)
            XCTAssertEqual(try file.root.string(attribute: "note"), values["note"] as? String, name)
            XCTAssertNil(try file.root.strings(attribute: "absent"), name)
            XCTAssertTrue(try file.object(at: "group").attributeNames.contains("count"), name)
        }
    }

    func testManyMembersAndAttributesSpanSeveralNodes() throws {
        let file = try HDF5File(path: Self.folder.appendingPathComponent("v0_many.h5").path)
        XCTAssertEqual(try file.root.childNames(), (0..<80).map { "m" + String(format: "%03d", $0) })
        XCTAssertEqual(file.root.attributeNames.count, 80)
    }

    func testCompressedDatasetsAreAClearUnsupportedError() throws {
        let file = try HDF5File(path: Self.folder.appendingPathComponent("gzip.h5").path)
        XCTAssertThrowsError(try file.object(at: "packed").floats()) { error in
            guard case .unsupportedHDF5(_, let feature)? = error as? ConvertError else { return XCTFail("\(error)") }
            XCTAssertTrue(feature.contains("filters"), feature)
        }
    }

    func testMissingMembersAndNonHDF5InputAreErrors() throws {
        let file = try HDF5File(path: Self.folder.appendingPathComponent("v0_contiguous.h5").path)
        XCTAssertThrowsError(try file.object(at: "group/zz"))
        XCTAssertThrowsError(try file.object(at: "group").floats())
        XCTAssertThrowsError(try HDF5File(bytes: Array("not an hdf5 file at all".utf8), path: "x.h5")) { error in
            guard case .unsupportedFormat? = error as? ConvertError else { return XCTFail("\(error)") }
        }
    }

    /// Truncated and corrupted files give errors, never a crash: every prefix length class and
    /// thousands of single-byte corruptions, each read completely.
    func testMalformedFilesAreErrorsNotCrashes() throws {
        for name in ["v0_chunked", "v3_chunked"] {
            let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(name + ".h5")))
            func readEverything(_ data: [UInt8]) {
                do {
                    let file = try HDF5File(bytes: data, path: "fuzz.h5")
                    for path in ["group/b/matrix", "cube", "ints", "scalar"] { _ = try file.object(at: path).floats() }
                    _ = try file.root.strings(attribute: "names_vlen")
                    _ = try file.root.strings(attribute: "names_fixed")
                    _ = try file.object(at: "group").childNames()
                } catch is ConvertError {
                } catch {
                    XCTFail("\(name): a non-ConvertError \(error)")
                }
            }
            var cut = 0
            while cut < bytes.count { readEverything(Array(bytes[..<cut])); cut += max(1, cut / 8) }
            var state: UInt64 = 0x1234_5678
            var truncatedOrChanged = 0
            for _ in 0..<1500 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                var corrupted = bytes
                let position = Int((state >> 33) % UInt64(bytes.count))
                corrupted[position] = UInt8(truncatingIfNeeded: state >> 20)
                readEverything(corrupted)
                truncatedOrChanged += 1
            }
            XCTAssertEqual(truncatedOrChanged, 1500)
        }
    }
}
