import Foundation
import XCTest
@testable import SwiftletTools

/// Malformed, truncated, hostile and unsupported input must throw a clear
/// `ToolsError`, never trap; failed writes must leave nothing behind.
final class NumPyBadInputTests: XCTestCase {
    /// A `.npy` file whose header dict is `dict` (padded like NumPy's) followed by `data`.
    private func npy(_ dict: String, data: [UInt8] = [], version: UInt8 = 1) -> [UInt8] {
        var bytes = NpyHeader.wrap(Array(dict.utf8))
        if version != 1 { bytes[6] = version }
        return bytes + data
    }

    private func invalidReason(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> String {
        let error = numPyThrownError({ () throws(ToolsError) in try NumPyFile.array(fromNpy: bytes, source: "bad.npy") },
                                     file: file, line: line)
        guard case .invalidNumPy(let path, let reason)? = error else {
            XCTFail("expected invalidNumPy, got \(String(describing: error))", file: file, line: line)
            return ""
        }
        XCTAssertEqual(path, "bad.npy", file: file, line: line)
        return reason
    }

    private func unsupportedFeature(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> String {
        let error = numPyThrownError({ () throws(ToolsError) in try NumPyFile.array(fromNpy: bytes, source: "bad.npy") },
                                     file: file, line: line)
        guard case .unsupportedNumPy(_, let feature)? = error else {
            XCTFail("expected unsupportedNumPy, got \(String(describing: error))", file: file, line: line)
            return ""
        }
        return feature
    }

    // MARK: - Truncation and corruption

    func testEveryTruncationOfNpyFilesThrows() throws {
        for name in ["float32_le.npy", "int64_be.npy", "scalar_0d.npy", "v2_header.npy", "v3_header.npy", "rank_32.npy"] {
            let bytes = try NumPyFixtures.bytes(name)
            for length in 0..<bytes.count {
                let reason = invalidReason(Array(bytes.prefix(length)))
                XCTAssertTrue(reason.contains("truncated"), "\(name) cut to \(length): \(reason)")
            }
        }
    }

    func testTruncatedDataSaysHowManyBytesWereExpectedAndFound() throws {
        let bytes = try NumPyFixtures.bytes("float32_le.npy")  // shape (2, 3): 24 data bytes
        let reason = invalidReason(Array(bytes.dropLast(5)))
        XCTAssertTrue(reason.contains("24") && reason.contains("19"), reason)
    }

    func testTrailingDataIsALengthMismatch() throws {
        let bytes = try NumPyFixtures.bytes("float32_le.npy")
        let reason = invalidReason(bytes + [0, 0, 0, 0])
        XCTAssertTrue(reason.contains("mismatch") && reason.contains("24") && reason.contains("28"), reason)
    }

    func testEveryTruncationOfNpzFilesThrows() throws {
        for name in ["stored.npz", "compressed.npz", "positional.npz"] {
            let bytes = try NumPyFixtures.bytes(name)
            for length in 0..<bytes.count {
                let error = numPyThrownError({ () throws(ToolsError) in
                    try NumPyFile.archive(fromNpz: Array(bytes.prefix(length)), source: name)
                }, "\(name) cut to \(length)")
                guard case .invalidNumPy? = error else { return XCTFail("\(name) cut to \(length): \(String(describing: error))") }
            }
        }
    }

    /// Flipping any byte of the preamble or header must be caught; flipping data bytes
    /// just changes values.
    func testEveryFlippedHeaderByteThrows() throws {
        for name in ["float32_le.npy", "vector.npy", "v2_header.npy", "bool_le.npy"] {
            let bytes = try NumPyFixtures.bytes(name)
            let dataOffset = try NpyHeader.parse(bytes, path: name).dataOffset
            for index in bytes.indices {
                var flipped = bytes
                flipped[index] ^= 0xFF
                do {
                    let array = try NumPyFile.array(fromNpy: flipped, source: name)
                    XCTAssertGreaterThanOrEqual(index, dataOffset, "\(name): flipped header byte \(index) was accepted")
                    XCTAssertNotEqual(array, try NumPyFile.array(fromNpy: bytes), "\(name) byte \(index)")
                } catch {
                    XCTAssertLessThan(index, dataOffset, "\(name): flipped data byte \(index) threw \(error)")
                }
            }
        }
    }

    /// Any corruption of an archive either throws or reads; it must never trap.
    /// Corrupted member data in a stored archive is caught by the CRC and names the member.
    func testFlippedArchiveBytesNeverTrap() throws {
        for name in ["stored.npz", "compressed.npz"] {
            let bytes = try NumPyFixtures.bytes(name)
            var rejected = 0
            for index in bytes.indices {
                var flipped = bytes
                flipped[index] ^= 0xFF
                do {
                    _ = try NumPyFile.archive(fromNpz: flipped, source: name)
                } catch {
                    rejected += 1
                    XCTAssertTrue(error.description.hasPrefix(name), error.description)
                }
            }
            XCTAssertGreaterThan(rejected, bytes.count / 2, name)
        }
        var stored = try NumPyFixtures.bytes("stored.npz")
        let memberData = try XCTUnwrap(findMagic(in: stored, after: 0)) + 130  // inside weights.npy's data
        stored[memberData] ^= 0x01
        let error = numPyThrownError { () throws(ToolsError) in try NumPyFile.archive(fromNpz: stored, source: "s.npz") }
        XCTAssertTrue(error?.description.contains("member 'weights.npy'") ?? false, "\(String(describing: error))")
    }

    func testRandomCorruptionNeverTraps() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(bound))
        }
        let inputs = try ["float32_le.npy", "rank_32.npy", "stored.npz", "compressed.npz"].map(NumPyFixtures.bytes)
        for _ in 0..<1500 {
            var bytes = inputs[next(inputs.count)]
            for _ in 0...next(8) { bytes[next(bytes.count)] = UInt8(next(256)) }
            if next(4) == 0 { bytes = Array(bytes.prefix(next(bytes.count))) }
            if NumPyFile.format(of: bytes) == .npz {
                _ = try? NumPyFile.archive(fromNpz: bytes)
            } else {
                _ = try? NumPyFile.array(fromNpy: bytes)
            }
        }
    }

    private func findMagic(in bytes: [UInt8], after start: Int) -> Int? {
        (start..<(bytes.count - 6)).first { Array(bytes[$0..<$0 + 6]) == NpyHeader.magic }
    }

    // MARK: - Preamble

    func testWrongMagic() throws {
        var bytes = try NumPyFixtures.bytes("float32_le.npy")
        bytes[1] = UInt8(ascii: "X")
        XCTAssertTrue(invalidReason(bytes).contains("magic"))
        XCTAssertTrue(invalidReason(Array("hello, world".utf8)).contains("magic"))
        XCTAssertTrue(invalidReason([]).contains("truncated"))
    }

    func testUnknownFormatVersion() {
        XCTAssertTrue(unsupportedFeature(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }", version: 4))
            .contains("version 4.0"))
    }

    func testHeaderLengthBeyondTheFile() {
        var bytes = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }")
        bytes[8] = 0xFF; bytes[9] = 0xFF
        XCTAssertTrue(invalidReason(bytes).contains("65535"))
        let v2 = NpyHeader.magic + [2, 0, 0xFF, 0xFF, 0xFF, 0xFF] + Array("{}".utf8)
        XCTAssertTrue(invalidReason(v2).contains("4294967295"))
    }

    // MARK: - Header dict

    func testMalformedHeaders() {
        let headers = [
            "", "{", "}", "[]", "'descr'", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)",
            "{'descr': '<f4' 'fortran_order': False, 'shape': (2,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } extra",
            "{'descr: '<f4', 'fortran_order': False, 'shape': (2,), }",
            "{'descr': '<f4', 'fortran_order': false, 'shape': (2,), }",
            "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': 2, }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': [2], }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': ('2',), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (9223372036854775807, 2), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 9223372036854775807, 9223372036854775807), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (\(Array(repeating: "1", count: 65).joined(separator: ", "))), }",
            "{'descr': '<f4', 'fortran_order': False, }",
            "{'descr': '<f4', 'shape': (2,), }",
            "{'fortran_order': False, 'shape': (2,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1, }",
            "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
            "{1: '<f4', 'fortran_order': False, 'shape': (2,), }",
            "{'descr': 4, 'fortran_order': False, 'shape': (2,), }",
            "{'descr': '', 'fortran_order': False, 'shape': (2,), }",
            "{'descr': '<', 'fortran_order': False, 'shape': (2,), }",
            "{'descr': '<x4', 'fortran_order': False, 'shape': (2,), }",
            "{'descr': '<f', 'fortran_order': False, 'shape': (2,), }",
            "{'descr': '<f99999999999999999999', 'fortran_order': False, 'shape': (2,), }",
            "{'descr': '<fx', 'fortran_order': False, 'shape': (2,), }",
            String(repeating: "[", count: 10_000),
            String(repeating: "(", count: 10_000),
            "{'descr': '\u{1}\u{2}', 'fortran_order': False, 'shape': (2,), }",
        ]
        for header in headers {
            let bytes = npy(header, data: [UInt8](repeating: 0, count: 8))
            do {
                let array = try NumPyFile.array(fromNpy: bytes, source: "bad.npy")
                XCTFail("accepted header \(header.prefix(80)): \(array)")
            } catch {
                XCTAssertTrue(error.description.hasPrefix("bad.npy: "), error.description)
            }
        }
    }

    func testTooLargeShapeIsRejectedWithoutOverflow() {
        let reason = invalidReason(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }"))
        XCTAssertTrue(reason.contains("too large"), reason)
        let huge = invalidReason(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }", data: [0]))
        XCTAssertTrue(huge.contains("truncated") && huge.contains("4000000000000"), huge)
    }

    func testAcceptedHeaderVariants() throws {
        let data: [UInt8] = [1, 0, 0, 0, 2, 0, 0, 0]
        let variants = [
            "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }",
            "{\"descr\": \"<i4\", \"fortran_order\": False, \"shape\": (2,)}",  // double quotes, no trailing comma
            "{'shape': (2L,), 'fortran_order': False, 'descr': '<i4'}",       // Python 2 long, other key order
            "{'descr': 'i4', 'fortran_order': False, 'shape': (2,), }",      // no byte order: native
            "{'descr': '=i4', 'fortran_order': False, 'shape': (2,), }",
            "{'descr': '<i4', 'fortran_order': True, 'shape': (2,), }",      // 1-d Fortran order is C order
            "{'descr': '<i4', 'fortran_order': True, 'shape': (1, 2, 1), }",
            "  {'descr': '<i4',\t'fortran_order': False,\r\n 'shape': ( 2 , ) }  ",
        ]
        for header in variants {
            let array = try NumPyFile.array(fromNpy: npy(header, data: data), source: header)
            XCTAssertEqual(array.elementCount, 2, header)
            XCTAssertEqual(try array.int32s(), [1, 2], header)
        }
        let big = try NumPyFile.array(fromNpy: npy("{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", data: data))
        XCTAssertEqual(try big.int32s(), [0x0100_0000, 0x0200_0000])
        let bools = try NumPyFile.array(fromNpy: npy("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", data: [0, 2]))
        XCTAssertEqual(try bools.bools(), [false, true])
    }

    func testUnsupportedDTypesAreNamed() {
        let cases = [
            ("|O", "object"), ("<U5", "unicode"), ("|S3", "string"), ("|V8", "void"), ("<c16", "complex"),
            ("<M8[ns]", "datetime"), ("<m8[s]", "timedelta"), ("<f16", "long double"), ("<u16", "dtype"),
        ]
        for (descr, word) in cases {
            let feature = unsupportedFeature(npy("{'descr': '\(descr)', 'fortran_order': False, 'shape': (1,), }"))
            XCTAssertTrue(feature.contains(word), "\(descr): \(feature)")
        }
        let structured = unsupportedFeature(npy("{'descr': [('x', '<f4'), ('y', '<i2')], 'fortran_order': False, 'shape': (1,), }"))
        XCTAssertTrue(structured.contains("structured"), structured)
    }

    func testFortranOrderMatrixIsRejected() {
        let feature = unsupportedFeature(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
                                             data: [UInt8](repeating: 0, count: 24)))
        XCTAssertTrue(feature.contains("fortran_order") && feature.contains("ascontiguousarray"), feature)
    }

    // MARK: - Archives

    func testArchiveMemberErrorsNameTheMember() {
        let path = NumPyFixtures.path("bad_member.npz")
        let error = numPyThrownError { () throws(ToolsError) in try NumPyFile.read(path) }
        XCTAssertEqual(error.map { "\($0)" }?.contains("member 'short.npy'"), true, "\(String(describing: error))")
        XCTAssertEqual(error.map { "\($0)" }?.contains("truncated"), true, "\(String(describing: error))")
        let other = numPyThrownError { () throws(ToolsError) in try NumPyFile.read(NumPyFixtures.path("not_npy_member.npz")) }
        XCTAssertEqual(other.map { "\($0)" }?.contains("member 'readme.txt'"), true, "\(String(describing: other))")
    }

    func testNotAZipIsRejected() {
        for bytes in [[], Array("PK\u{3}\u{4} not really a zip".utf8), [UInt8](repeating: 0, count: 100)] {
            let error = numPyThrownError { () throws(ToolsError) in try NumPyFile.archive(fromNpz: bytes, source: "x.npz") }
            guard case .invalidNumPy(_, let reason)? = error else { return XCTFail("\(String(describing: error))") }
            XCTAssertTrue(reason.contains("zip"), reason)
        }
    }

    // MARK: - Files

    func testMissingFile() {
        let path = "/nonexistent-\(UUID().uuidString)/a.npy"
        XCTAssertEqual(numPyThrownError { () throws(ToolsError) in try NumPyFile.read(path) }, .fileNotFound(path: path))
        XCTAssertEqual(numPyThrownError { () throws(ToolsError) in try NumPyFile.readArray(path) }, .fileNotFound(path: path))
        XCTAssertEqual(numPyThrownError { () throws(ToolsError) in try NumPyFile.readArchive(path) }, .fileNotFound(path: path))
    }

    func testFolderInsteadOfFile() {
        let error = numPyThrownError { () throws(ToolsError) in try NumPyFile.readArray(NumPyFixtures.folder.path) }
        guard case .unreadable? = error else { return XCTFail("\(String(describing: error))") }
    }

    func testFileWithNeitherMagicIsRejected() throws {
        let folder = try makeNumPyTemporaryFolder(self)
        for name in ["junk.npy", "junk.npz", "junk.bin"] {
            let path = folder.appendingPathComponent(name).path
            try Data("definitely not numpy".utf8).write(to: URL(fileURLWithPath: path))
            let error = numPyThrownError { () throws(ToolsError) in try NumPyFile.read(path) }
            guard case .invalidNumPy(let errorPath, _)? = error else { return XCTFail("\(String(describing: error))") }
            XCTAssertEqual(errorPath, path)
        }
    }

    func testWritingIntoAMissingFolderLeavesNothingBehind() throws {
        let folder = try makeNumPyTemporaryFolder(self)
        let missing = folder.appendingPathComponent("missing")
        let array = try NumPyArray([1, 2] as [Float])
        let archive: NumPyArchive = ["a": array]
        let npy = missing.appendingPathComponent("a.npy").path
        let npz = missing.appendingPathComponent("a.npz").path
        let errors = [
            numPyThrownError { () throws(ToolsError) in try NumPyFile.write(array, to: npy) },
            numPyThrownError { () throws(ToolsError) in try NumPyFile.writeArchive(archive, to: npz) },
            numPyThrownError { () throws(ToolsError) in try NumPyFile.writeArchive(archive, to: npz, compressed: true) },
        ]
        for error in errors {
            guard case .unwritable? = error else { return XCTFail("\(String(describing: error))") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing.path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }

    func testFailedWriteKeepsTheOldFileAndLeavesNoTemporaryFile() throws {
        let folder = try makeNumPyTemporaryFolder(self)
        let path = folder.appendingPathComponent("keep.npz").path
        let old: NumPyArchive = ["old": try NumPyArray([1] as [UInt8])]
        try NumPyFile.writeArchive(old, to: path)
        let error = numPyThrownError { () throws(ToolsError) in
            try NumPyFile.writeArchive(["": try NumPyArray([2] as [UInt8])], to: path)
        }
        XCTAssertNotNil(error)
        XCTAssertEqual(try NumPyFile.readArchive(path), old)
        // A destination that is a folder cannot be replaced: the temporary file must go.
        let blocked = folder.appendingPathComponent("blocked.npy")
        try FileManager.default.createDirectory(at: blocked.appendingPathComponent("inside"), withIntermediateDirectories: true)
        let blockedError = numPyThrownError { () throws(ToolsError) in try NumPyFile.write(try NumPyArray([1] as [Float]), to: blocked.path) }
        guard case .unwritable? = blockedError else { return XCTFail("\(String(describing: blockedError))") }
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)), ["keep.npz", "blocked.npy"])
    }
}
