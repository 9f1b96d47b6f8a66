import Foundation
import XCTest
@testable import SwiftletTools

/// Hand-built zip archives exercising the corners of the `.npz` reader.
final class NumPyZipTests: XCTestCase {
    private struct Member {
        var name: String
        var data: [UInt8]
        var method: UInt16 = 0
        var flags: UInt16 = 0
    }

    private func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private func le(_ value: UInt64, _ size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// A zip with `members` (data stored as given, whatever `method` says) and an
    /// end record whose member count can be overridden.
    private func zip(_ members: [Member], declaredCount: UInt16? = nil, directoryOffsetShift: Int = 0) -> [UInt8] {
        var bytes: [UInt8] = []
        var directory: [UInt8] = []
        for member in members {
            let offset = bytes.count
            let name = Array(member.name.utf8)
            let sizes = le(UInt64(crc32(member.data)), 4) + le(UInt64(member.data.count), 4) + le(UInt64(member.data.count), 4)
            bytes += le(0x0403_4B50, 4) + le(20, 2) + le(UInt64(member.flags), 2) + le(UInt64(member.method), 2)
                + le(0, 4) + sizes + le(UInt64(name.count), 2) + le(0, 2) + name + member.data
            directory += le(0x0201_4B50, 4) + le(20, 2) + le(20, 2) + le(UInt64(member.flags), 2)
                + le(UInt64(member.method), 2) + le(0, 4) + sizes + le(UInt64(name.count), 2) + le(0, 2) + le(0, 2)
                + le(0, 2) + le(0, 2) + le(0, 4) + le(UInt64(offset), 4) + name
        }
        let count = UInt64(declaredCount ?? UInt16(members.count))
        let end = le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(count, 2) + le(count, 2)
            + le(UInt64(directory.count), 4) + le(UInt64(bytes.count + directoryOffsetShift), 4) + le(0, 2)
        return bytes + directory + end
    }

    private let npy = NumPyFile.npyBytes(NumPyArray(unchecked: .int16, shape: [2], data: [1, 0, 2, 0]))

    private func error(_ bytes: [UInt8]) -> ToolsError? {
        numPyThrownError { () throws(ToolsError) in try NumPyFile.archive(fromNpz: bytes, source: "t.npz") }
    }

    func testHandBuiltArchiveReads() throws {
        let archive = try NumPyFile.archive(fromNpz: zip([
            Member(name: "dir/", data: []), Member(name: "dir/x.npy", data: npy), Member(name: "raw", data: npy),
        ]))
        XCTAssertEqual(archive.names, ["dir/x", "raw"])
        XCTAssertEqual(try archive["raw"]?.int16s(), [1, 2])
    }

    func testUnknownCompressionMethodIsNamed() {
        guard case .unsupportedNumPy(let path, let feature)? = error(zip([Member(name: "a.npy", data: npy, method: 12)])) else {
            return XCTFail()
        }
        XCTAssertEqual(path, "t.npz, member 'a.npy'")
        XCTAssertTrue(feature.contains("compression method 12"), feature)
    }

    func testEncryptedMemberIsUnsupported() {
        guard case .unsupportedNumPy(_, let feature)? = error(zip([Member(name: "a.npy", data: npy, flags: 1)])) else {
            return XCTFail()
        }
        XCTAssertTrue(feature.contains("encrypted"), feature)
    }

    func testDuplicateKeysAreRejected() {
        guard case .invalidNumPy(_, let reason)? = error(zip([Member(name: "a.npy", data: npy), Member(name: "a", data: npy)])) else {
            return XCTFail()
        }
        XCTAssertTrue(reason.contains("two members"), reason)
    }

    func testDamagedDirectoriesAreRejected() {
        let good = [Member(name: "a.npy", data: npy)]
        for bytes in [
            zip(good, declaredCount: 2),  // claims more members than listed
            zip(good, declaredCount: 0xFFFF),  // ZIP64 marker without ZIP64 records
            zip(good, directoryOffsetShift: 10_000),  // directory outside the file
            zip(good, directoryOffsetShift: -1),  // directory offset off by one
            zip([Member(name: "a.npy", data: npy, method: 8)]),  // "deflated" data that is not deflate
        ] {
            guard case .invalidNumPy(let path, _)? = error(bytes) else { return XCTFail("\(String(describing: error(bytes)))") }
            XCTAssertTrue(path.hasPrefix("t.npz"))
        }
    }

    func testEmptyZipIsAnEmptyArchive() throws {
        XCTAssertEqual(try NumPyFile.archive(fromNpz: zip([])), NumPyArchive())
    }
}
