/// Reads a LevelDB-format table (TensorFlow's `variables.index`): a footer with the index
/// block's handle and the magic number, an index block mapping keys to data blocks, data blocks
/// of prefix-compressed entries with restart points. Every offset is bounds-checked; block
/// checksums (masked CRC-32C) are verified; snappy-compressed blocks are decompressed.
struct LevelDBTable {
    /// Every entry, in key order.
    let entries: [(key: [UInt8], value: [UInt8])]

    static let magic: UInt64 = 0xDB47_7524_8B80_FB57
    static let footerSize = 48

    /// Parses the table in `bytes`; `path` names it in errors.
    init(bytes: [UInt8], path: String) throws(ConvertError) {
        func fail(_ reason: String) -> ConvertError { .malformed(path: path, reason: reason) }
        guard bytes.count >= Self.footerSize else {
            throw fail("\(bytes.count) bytes is too short for a LevelDB table (48-byte footer)")
        }
        let footer = bytes.count - Self.footerSize
        var magic: UInt64 = 0
        for k in 0..<8 { magic |= UInt64(bytes[bytes.count - 8 + k]) << (8 * UInt64(k)) }
        guard magic == Self.magic else { throw fail("no LevelDB table magic number at the end; is this a variables.index file?") }
        var cursor = ByteCursor(bytes: bytes, position: footer, limit: bytes.count - 8, path: path)
        _ = try cursor.blockHandle()  // metaindex
        let index = try cursor.blockHandle()
        let indexBlock = try Self.block(bytes, index, path: path)
        var entries: [(key: [UInt8], value: [UInt8])] = []
        for (key, handleBytes) in try Self.entries(of: indexBlock, path: path) {
            var handleCursor = ByteCursor(bytes: handleBytes, position: 0, limit: handleBytes.count, path: path)
            let handle = try handleCursor.blockHandle()
            guard handle.offset < footer else { throw fail("index entry for '\(String(decoding: key, as: UTF8.self))' points past the data") }
            entries += try Self.entries(of: try Self.block(bytes, handle, path: path), path: path)
        }
        self.entries = entries
    }

    /// A block's contents (decompressed, checksum verified).
    private static func block(_ bytes: [UInt8], _ handle: (offset: Int, size: Int), path: String) throws(ConvertError) -> [UInt8] {
        let (offset, size) = handle
        guard offset >= 0, size >= 0, offset <= bytes.count, bytes.count - offset >= size + 5 else {
            throw .malformed(path: path, reason: "block at \(offset) of \(size) bytes (+5 trailer) runs past the end of the \(bytes.count)-byte file")
        }
        let type = bytes[offset + size]
        var stored: UInt32 = 0
        for k in 0..<4 { stored |= UInt32(bytes[offset + size + 1 + k]) << (8 * UInt32(k)) }
        let crc = CRC32C.checksum(bytes, offset..<(offset + size + 1))
        guard CRC32C.masked(crc) == stored else {
            throw .malformed(path: path, reason: "block at \(offset) fails its CRC-32C check (the file is corrupted)")
        }
        switch type {
        case 0: return Array(bytes[offset..<(offset + size)])
        case 1: return try Snappy.decompress(bytes[offset..<(offset + size)], label: path)
        default: throw .malformed(path: path, reason: "block at \(offset) has unknown compression type \(type)")
        }
    }

    /// The entries of one block: prefix-compressed keys up to the restart array.
    private static func entries(of block: [UInt8], path: String) throws(ConvertError) -> [(key: [UInt8], value: [UInt8])] {
        guard block.count >= 4 else { throw .malformed(path: path, reason: "block of \(block.count) bytes has no restart count") }
        var restarts = 0
        for k in 0..<4 { restarts |= Int(block[block.count - 4 + k]) << (8 * k) }
        guard restarts <= (block.count - 4) / 4 else {
            throw .malformed(path: path, reason: "block claims \(restarts) restart points, more than fit in \(block.count) bytes")
        }
        let end = block.count - 4 - 4 * restarts
        var cursor = ByteCursor(bytes: block, position: 0, limit: end, path: path)
        var key: [UInt8] = []
        var result: [(key: [UInt8], value: [UInt8])] = []
        while cursor.position < end {
            let shared = try cursor.varint(), unshared = try cursor.varint(), valueLength = try cursor.varint()
            guard shared <= key.count else { throw .malformed(path: path, reason: "entry shares \(shared) key bytes with a \(key.count)-byte previous key") }
            key = Array(key[0..<shared]) + (try cursor.take(unshared))
            result.append((key, try cursor.take(valueLength)))
        }
        return result
    }
}

/// A bounds-checked reader of varints and byte runs.
struct ByteCursor {
    let bytes: [UInt8]
    var position: Int
    let limit: Int
    let path: String

    mutating func varint() throws(ConvertError) -> Int {
        var value: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard position < limit, shift < 64 else { throw .malformed(path: path, reason: "truncated or overlong varint at byte \(position)") }
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            shift += 7
            if byte & 0x80 == 0 { break }
        }
        guard value <= UInt64(Int.max / 2) else { throw .malformed(path: path, reason: "varint \(value) at byte \(position) is out of range") }
        return Int(value)
    }

    mutating func take(_ count: Int) throws(ConvertError) -> [UInt8] {
        guard count >= 0, limit - position >= count else {
            throw .malformed(path: path, reason: "\(count) bytes at \(position) run past the end (\(limit))")
        }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    mutating func blockHandle() throws(ConvertError) -> (offset: Int, size: Int) {
        (try varint(), try varint())
    }
}
