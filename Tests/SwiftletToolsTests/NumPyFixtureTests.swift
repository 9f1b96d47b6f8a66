import Foundation
import XCTest
@testable import SwiftletTools

/// Reads the golden files numpy wrote (Tools/fixtures/make_npy_fixtures.py) and
/// checks every value against manifest.json, and that Swiftlet writes the same bytes.
final class NumPyFixtureTests: XCTestCase {
    func testManifestListsEveryFixture() throws {
        let manifest = try NumPyFixtures.manifest()
        let files = try FileManager.default.contentsOfDirectory(atPath: NumPyFixtures.folder.path)
            .filter { $0.hasSuffix(".npy") || $0.hasSuffix(".npz") }
        XCTAssertEqual(Set(files), Set(manifest.keys))
        XCTAssertGreaterThan(files.count, 30)
    }

    func testEveryNpyFixtureReadsAsNumPyWroteIt() throws {
        var checked = 0
        for (name, expected) in try NumPyFixtures.manifest() where expected["kind"]?.string == "npy" {
            do {
                let array = try NumPyFile.readArray(NumPyFixtures.path(name))
                assertArray(array, matches: expected, name)
                checked += 1
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 27)
    }

    func testEveryNpzFixtureReadsAsNumPyWroteIt() throws {
        var checked = 0
        for (name, expected) in try NumPyFixtures.manifest() where expected["kind"]?.string == "npz" {
            let members = expected["members"]?.array ?? []
            do {
                let archive = try NumPyFile.readArchive(NumPyFixtures.path(name))
                XCTAssertEqual(archive.names, members.compactMap { $0["key"]?.string }, name)
                for member in members {
                    let key = member["key"]?.string ?? "?"
                    guard let array = archive[key] else { XCTFail("\(name): no member \(key)"); continue }
                    assertArray(array, matches: member, "\(name)[\(key)]")
                }
                // NumPyFile.read tells .npz from .npy by content.
                XCTAssertEqual(try NumPyFile.read(NumPyFixtures.path(name)), archive, name)
                checked += 1
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
        XCTAssertEqual(checked, 3)
    }

    func testRejectedFixturesThrowClearErrors() throws {
        var checked = 0
        for (name, expected) in try NumPyFixtures.manifest() where expected["kind"]?.string == "reject" {
            let path = NumPyFixtures.path(name)
            guard let error = numPyThrownError({ () throws(ToolsError) in try NumPyFile.read(path) }, name) else { continue }
            switch (expected["error"]?.string, error) {
            case ("unsupported", .unsupportedNumPy(let errorPath, _)), ("invalid", .invalidNumPy(let errorPath, _)):
                XCTAssertTrue(errorPath.hasPrefix(path), "\(name): \(errorPath)")
            default:
                XCTFail("\(name): expected a \(expected["error"]?.string ?? "?") error, got \(error)")
            }
            let mentions = expected["mentions"]?.string ?? "?"
            XCTAssertTrue(error.description.lowercased().contains(mentions), "\(name): \(error.description) should mention \(mentions)")
            checked += 1
        }
        XCTAssertEqual(checked, 7)
    }

    func testFortranOrderErrorSaysHowToFixIt() {
        let path = NumPyFixtures.path("fortran.npy")
        let error = numPyThrownError { () throws(ToolsError) in try NumPyFile.readArray(path) }
        XCTAssertTrue(error?.description.contains("ascontiguousarray") ?? false, "\(String(describing: error))")
    }

    /// Swiftlet writes byte for byte what numpy.save wrote, for every dtype and shape
    /// (big-endian fixtures come out as numpy's little-endian file of the same values).
    func testWrittenNpyBytesEqualNumPys() throws {
        var checked = 0
        for (name, expected) in try NumPyFixtures.manifest() where expected["kind"]?.string == "npy" {
            guard !name.hasPrefix("v2_"), !name.hasPrefix("v3_") else { continue }  // numpy itself writes 1.0 for these
            let array = try NumPyFile.readArray(NumPyFixtures.path(name))
            let golden = try NumPyFixtures.bytes(name.replacingOccurrences(of: "_be.npy", with: "_le.npy"))
            XCTAssertEqual(NumPyFile.npyBytes(array), golden, name)
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 25)
    }

    func testVersion2And3HeadersReadLikeVersion1() throws {
        for name in ["v2_header.npy", "v3_header.npy"] {
            let bytes = try NumPyFixtures.bytes(name)
            XCTAssertEqual(bytes[6], name.hasPrefix("v2") ? 2 : 3, "fixture is not the version it claims")
            let header = try NpyHeader.parse(bytes, path: name)
            XCTAssertEqual(header.dataOffset % 64, 0)
        }
        XCTAssertEqual(try NumPyFile.readArray(NumPyFixtures.path("v2_header.npy")).int32s(), [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(try NumPyFile.readArray(NumPyFixtures.path("v3_header.npy")).doubles(), [0.5, 1.5])
    }

    func testReadOfNpyNamesTheEntryAfterTheFile() throws {
        let archive = try NumPyFile.read(NumPyFixtures.path("vector.npy"))
        XCTAssertEqual(archive.names, ["vector"])
        XCTAssertEqual(try archive["vector"]?.int16s(), [1, -2, 3])
    }

    func testReadArrayOfAnNpzSaysToUseRead() {
        let path = NumPyFixtures.path("stored.npz")
        guard let error = numPyThrownError({ () throws(ToolsError) in try NumPyFile.readArray(path) }) else { return }
        XCTAssertTrue(error.description.contains("NumPyFile.read"), error.description)
    }

    func testBigEndianFixturesAreSwappedToLittleEndian() throws {
        let big = try NumPyFile.readArray(NumPyFixtures.path("int32_be.npy"))
        let little = try NumPyFile.readArray(NumPyFixtures.path("int32_le.npy"))
        XCTAssertEqual(big, little)
        XCTAssertEqual(Array(big.data.prefix(8)), [0, 0, 0, 0, 1, 0, 0, 0])
    }

    // MARK: - Helpers

    private func assertArray(_ array: NumPyArray, matches expected: NumPyJSON, _ name: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(array.dtype.name, expected["dtype"]?.string, "\(name): dtype", file: file, line: line)
        XCTAssertEqual(array.shape, expected["shape"]?.asInts, "\(name): shape", file: file, line: line)
        let values = expected["values"]?.flattened ?? []
        XCTAssertEqual(array.elementCount, values.count, "\(name): element count", file: file, line: line)
        if array.dtype == .bool {
            XCTAssertEqual(try array.bools().map(NumPyJSON.bool), values, "\(name): values", file: file, line: line)
        } else if array.dtype.isFloatingPoint {
            XCTAssertEqual(array.asDoubles(), values.compactMap(\.asDouble), "\(name): values", file: file, line: line)
        } else {
            XCTAssertEqual(exactIntegers(array), values.map(Self.integerText), "\(name): values", file: file, line: line)
        }
    }

    private func exactIntegers(_ array: NumPyArray) -> [String] {
        switch array.dtype {
        case .int8: return ((try? array.int8s()) ?? []).map { "\($0)" }
        case .int16: return ((try? array.int16s()) ?? []).map { "\($0)" }
        case .int32: return ((try? array.int32s()) ?? []).map { "\($0)" }
        case .int64: return ((try? array.int64s()) ?? []).map { "\($0)" }
        case .uint8: return ((try? array.uint8s()) ?? []).map { "\($0)" }
        case .uint16: return ((try? array.uint16s()) ?? []).map { "\($0)" }
        case .uint32: return ((try? array.uint32s()) ?? []).map { "\($0)" }
        case .uint64: return ((try? array.uint64s()) ?? []).map { "\($0)" }
        default: return []
        }
    }

    private static func integerText(_ value: NumPyJSON) -> String {
        switch value {
        case .int(let number): return "\(number)"
        case .uint(let number): return "\(number)"
        default: return "not an integer: \(value)"
        }
    }
}
