import Foundation
import ZIPFoundation

/// One member as listed in a zip archive's central directory.
struct ZipMember {
    var name: String
    var flags: UInt16
    var method: UInt16
    var crc32: UInt32
    var compressedSize: UInt64
    var uncompressedSize: UInt64
    var localHeaderOffset: UInt64

    var isDirectory: Bool { name.hasSuffix("/") }
}

/// A minimal zip reader for `.npz` files (ZIP64 aware, stored and deflated members).
///
/// Every offset and size read from the archive is checked against the file before
/// use, so a damaged or hostile archive throws `ToolsError.invalidNumPy` instead of
/// trapping. (ZIPFoundation's own reader traps on some damaged in-memory archives.)
/// ZIPFoundation is used only to inflate deflated members and for CRC-32.
enum ZipDirectory {
    private static let endRecordSignature: UInt32 = 0x0605_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    private static let zip64EndRecordSignature: UInt32 = 0x0606_4B50
    private static let centralHeaderSignature: UInt32 = 0x0201_4B50
    private static let localHeaderSignature: UInt32 = 0x0403_4B50
    private static let centralHeaderSize = 46
    private static let localHeaderSize = 30

    /// The members listed in the central directory, in directory order.
    static func members(of bytes: [UInt8], path: String) throws(ToolsError) -> [ZipMember] {
        func damaged(_ reason: String) -> ToolsError { .invalidNumPy(path: path, reason: reason) }
        let zip = ZipBytes(bytes)

        // End-of-central-directory record: 22 bytes plus a comment of up to 65535 bytes.
        let lowest = max(0, bytes.count - 22 - Int(UInt16.max))
        guard let end = stride(from: bytes.count - 22, through: lowest, by: -1).first(where: { zip.u32($0) == endRecordSignature }),
            let disk = zip.u16(end + 4), let directoryDisk = zip.u16(end + 6),
            let count16 = zip.u16(end + 10), let size32 = zip.u32(end + 12), let offset32 = zip.u32(end + 16)
        else {
            throw damaged("not a zip archive: no end-of-central-directory record (the file is truncated or not an .npz)")
        }
        guard disk == 0 && directoryDisk == 0 else {
            throw .unsupportedNumPy(path: path, feature: "multi-part (split) zip archive")
        }
        var (count, size, offset) = (UInt64(count16), UInt64(size32), UInt64(offset32))
        if count16 == 0xFFFF || size32 == 0xFFFF_FFFF || offset32 == 0xFFFF_FFFF {
            guard zip.u32(end - 20) == zip64LocatorSignature, let recordOffset = zip.u64(end - 12),
                let record = zip.offset(recordOffset), zip.u32(record) == zip64EndRecordSignature,
                let count64 = zip.u64(record + 32), let size64 = zip.u64(record + 40), let offset64 = zip.u64(record + 48)
            else {
                throw damaged("the ZIP64 end-of-central-directory record is missing or damaged")
            }
            (count, size, offset) = (count64, size64, offset64)
        }
        guard offset <= UInt64(bytes.count), size <= UInt64(bytes.count) - offset else {
            throw damaged("the zip directory (\(size) bytes at offset \(offset)) lies outside the \(bytes.count)-byte file; the file is truncated or damaged")
        }
        guard count <= size / UInt64(centralHeaderSize) else {
            throw damaged("the zip directory claims \(count) members, more than its \(size) bytes can hold")
        }

        let directoryEnd = Int(offset + size)
        var position = Int(offset)
        var members: [ZipMember] = []
        for index in 0..<Int(count) {
            guard zip.u32(position) == centralHeaderSignature, position + centralHeaderSize <= directoryEnd,
                let flags = zip.u16(position + 8), let method = zip.u16(position + 10),
                let crc = zip.u32(position + 16), let compressed32 = zip.u32(position + 20),
                let uncompressed32 = zip.u32(position + 24), let nameLength = zip.u16(position + 28),
                let extraLength = zip.u16(position + 30), let commentLength = zip.u16(position + 32),
                let localOffset32 = zip.u32(position + 42)
            else {
                throw damaged("entry \(index + 1) of \(count) in the zip directory is damaged")
            }
            let nameStart = position + centralHeaderSize
            let extraStart = nameStart + Int(nameLength)
            let next = extraStart + Int(extraLength) + Int(commentLength)
            guard next <= directoryEnd else {
                throw damaged("entry \(index + 1) of \(count) in the zip directory runs past the directory's end")
            }
            var member = ZipMember(
                name: String(decoding: bytes[nameStart..<extraStart], as: UTF8.self),
                flags: flags, method: method, crc32: crc,
                compressedSize: UInt64(compressed32), uncompressedSize: UInt64(uncompressed32),
                localHeaderOffset: UInt64(localOffset32))
            try readZip64Extra(zip, from: extraStart, to: extraStart + Int(extraLength), into: &member,
                               sentinels: (uncompressed32, compressed32, localOffset32), path: path)
            members.append(member)
            position = next
        }
        return members
    }

    /// Replaces 0xFFFFFFFF sizes and offset with the 64-bit values of the ZIP64 extra field.
    private static func readZip64Extra(
        _ zip: ZipBytes, from start: Int, to end: Int, into member: inout ZipMember,
        sentinels: (uncompressed: UInt32, compressed: UInt32, offset: UInt32), path: String
    ) throws(ToolsError) {
        var position = start
        while position + 4 <= end, let id = zip.u16(position), let length = zip.u16(position + 2) {
            let dataStart = position + 4
            let dataEnd = dataStart + Int(length)
            guard dataEnd <= end else { break }
            if id == 0x0001 {
                var field = dataStart
                func next() throws(ToolsError) -> UInt64 {
                    guard field + 8 <= dataEnd, let value = zip.u64(field) else {
                        throw .invalidNumPy(path: path, reason: "member '\(member.name)' has a damaged ZIP64 extra field")
                    }
                    field += 8
                    return value
                }
                if sentinels.uncompressed == 0xFFFF_FFFF { member.uncompressedSize = try next() }
                if sentinels.compressed == 0xFFFF_FFFF { member.compressedSize = try next() }
                if sentinels.offset == 0xFFFF_FFFF { member.localHeaderOffset = try next() }
                return
            }
            position = dataEnd
        }
    }

    /// The member's uncompressed bytes, with size and CRC-32 checked. `memberPath` names it in errors.
    static func content(of member: ZipMember, in bytes: [UInt8], memberPath: String) throws(ToolsError) -> [UInt8] {
        func damaged(_ reason: String) -> ToolsError { .invalidNumPy(path: memberPath, reason: reason) }
        let zip = ZipBytes(bytes)
        guard member.flags & 0x0001 == 0 else {
            throw .unsupportedNumPy(path: memberPath, feature: "encrypted zip member")
        }
        guard let local = zip.offset(member.localHeaderOffset), zip.u32(local) == localHeaderSignature,
            let nameLength = zip.u16(local + 26), let extraLength = zip.u16(local + 28)
        else {
            throw damaged("its local zip header is missing or damaged")
        }
        let dataStart = local + localHeaderSize + Int(nameLength) + Int(extraLength)
        guard dataStart <= bytes.count, member.compressedSize <= UInt64(bytes.count - dataStart) else {
            throw damaged("truncated: its \(member.compressedSize) bytes of data run past the end of the file")
        }
        let data = bytes[dataStart..<dataStart + Int(member.compressedSize)]
        let content: [UInt8]
        switch member.method {
        case 0:
            guard member.compressedSize == member.uncompressedSize else {
                throw damaged("stored member sizes disagree (\(member.compressedSize) vs \(member.uncompressedSize) bytes)")
            }
            content = Array(data)
        case 8:
            content = try inflate(data, expectedSize: member.uncompressedSize, memberPath: memberPath)
        default:
            throw .unsupportedNumPy(
                path: memberPath, feature: "zip compression method \(member.method) (only stored and deflated members are read)")
        }
        guard UInt64(content.count) == member.uncompressedSize else {
            throw damaged("truncated: expected \(member.uncompressedSize) bytes, found \(content.count)")
        }
        guard crc32(content) == member.crc32 else {
            throw damaged("CRC-32 mismatch; the archive is damaged")
        }
        return content
    }

    /// Inflates a raw deflate stream, refusing output beyond `expectedSize`.
    private static func inflate(_ compressed: ArraySlice<UInt8>, expectedSize: UInt64, memberPath: String) throws(ToolsError) -> [UInt8] {
        struct Truncated: Error {}
        struct TooLong: Error {}
        guard !compressed.isEmpty, compressed.count <= Int(UInt32.max) else {
            throw .invalidNumPy(path: memberPath, reason: "deflated data of \(compressed.count) bytes cannot be inflated")
        }
        let input = Data(compressed)
        var output = Data()
        var calls = 0
        do {
            // The whole stream is handed over in one chunk of exactly `bufferSize` bytes;
            // a stream that needs more input than that is truncated.
            _ = try Data.decompress(
                size: Int64(input.count), bufferSize: input.count, skipCRC32: true,
                provider: { _, _ in
                    calls += 1
                    switch calls {
                    case 1: return input
                    case 2: return Data()  // lets the stream finish where the platform wants an empty read
                    default: throw Truncated()
                    }
                },
                consumer: { chunk in
                    guard UInt64(output.count) + UInt64(chunk.count) <= expectedSize else { throw TooLong() }
                    output.append(chunk)
                })
        } catch is TooLong {
            throw .invalidNumPy(path: memberPath, reason: "inflates to more than its declared \(expectedSize) bytes; the archive is damaged")
        } catch is Truncated {
            throw .invalidNumPy(path: memberPath, reason: "truncated: its deflated data ends early")
        } catch {
            throw .invalidNumPy(path: memberPath, reason: "its deflated data is corrupt (\(error))")
        }
        return [UInt8](output)
    }

    /// CRC-32 in chunks (ZIPFoundation's takes at most 4 GiB at a time).
    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var checksum: UInt32 = 0
        var start = 0
        repeat {
            let end = min(bytes.count, start + (1 << 30))
            checksum = Data(bytes[start..<end]).crc32(checksum: checksum)
            start = end
        } while start < bytes.count
        return checksum
    }
}

/// Bounds-checked little-endian reads: nil instead of a trap when out of range.
struct ZipBytes {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func u16(_ offset: Int) -> UInt16? { read(offset, 2).map { UInt16(truncatingIfNeeded: $0) } }
    func u32(_ offset: Int) -> UInt32? { read(offset, 4).map { UInt32(truncatingIfNeeded: $0) } }
    func u64(_ offset: Int) -> UInt64? { read(offset, 8) }

    /// `value` as an offset into the bytes, if it lies inside them.
    func offset(_ value: UInt64) -> Int? {
        value < UInt64(bytes.count) ? Int(value) : nil
    }

    private func read(_ offset: Int, _ size: Int) -> UInt64? {
        guard offset >= 0, offset <= bytes.count - size else { return nil }
        var value: UInt64 = 0
        for index in (0..<size).reversed() {
            value = value << 8 | UInt64(bytes[offset + index])
        }
        return value
    }
}
