/// Bounds-checked little-endian reads over an HDF5 file's bytes, within one structure's range.
/// Every read past `end` throws `ConvertError.malformed` naming the structure being read.
struct HDF5Cursor {
    let bytes: [UInt8]
    let path: String
    /// The file's "size of offsets" and "size of lengths" (2, 4 or 8).
    let offsetSize: Int
    let lengthSize: Int
    var position: Int
    /// One past the last byte this structure may read.
    var end: Int
    /// What is being read, for error messages.
    var context: String

    init(bytes: [UInt8], path: String, offsetSize: Int, lengthSize: Int, at position: Int, end: Int? = nil, context: String) {
        self.bytes = bytes
        self.path = path
        self.offsetSize = offsetSize
        self.lengthSize = lengthSize
        self.position = position
        self.end = min(end ?? bytes.count, bytes.count)
        self.context = context
    }

    /// The "undefined address" value (all bits set).
    static let undefined = UInt64.max

    func malformed(_ reason: String) -> ConvertError {
        .malformed(path: path, reason: "HDF5 \(context): \(reason)")
    }

    func unsupported(_ feature: String) -> ConvertError {
        .unsupportedHDF5(path: path, feature: feature)
    }

    mutating func require(_ count: Int) throws(ConvertError) {
        guard count >= 0, position >= 0, position <= end, count <= end - position else {
            throw malformed("needs \(count) bytes at offset \(position), structure ends at \(end)")
        }
    }

    mutating func skip(_ count: Int) throws(ConvertError) {
        try require(count)
        position += count
    }

    mutating func u8() throws(ConvertError) -> UInt8 {
        try require(1)
        defer { position += 1 }
        return bytes[position]
    }

    /// An unsigned little-endian integer of `size` bytes (1–8).
    mutating func unsigned(_ size: Int) throws(ConvertError) -> UInt64 {
        try require(size)
        var value: UInt64 = 0
        for i in 0..<size { value |= UInt64(bytes[position + i]) << (8 * i) }
        position += size
        return value
    }

    /// An unsigned count or position of `size` bytes, at most the file's size in bits (anything
    /// larger cannot describe this file).
    mutating func count(_ size: Int) throws(ConvertError) -> Int {
        let value = try unsigned(size)
        guard value <= UInt64(bytes.count) * 8 else { throw malformed("value \(value) is larger than the file allows") }
        return Int(value)
    }

    mutating func u16() throws(ConvertError) -> Int { Int(try unsigned(2)) }
    mutating func u32() throws(ConvertError) -> Int { Int(try unsigned(4)) }

    /// A file address; `undefined` when every byte is 0xFF.
    mutating func address() throws(ConvertError) -> UInt64 {
        let value = try unsigned(offsetSize)
        return offsetSize < 8 && value == (UInt64(1) << (8 * offsetSize)) - 1 ? Self.undefined : value
    }

    /// A length field, as an `Int` that fits the file.
    mutating func length() throws(ConvertError) -> Int {
        let value = try unsigned(lengthSize)
        guard value <= UInt64(bytes.count) else { throw malformed("length \(value) exceeds the file size \(bytes.count)") }
        return Int(value)
    }

    mutating func take(_ count: Int) throws(ConvertError) -> ArraySlice<UInt8> {
        try require(count)
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    /// Checks a 4-byte signature such as `TREE`.
    mutating func expect(signature: String) throws(ConvertError) {
        let found = try take(4)
        guard Array(found) == Array(signature.utf8) else {
            throw malformed("expected signature \(signature) at offset \(position - 4)")
        }
    }

    /// A cursor over `[address, address + count)` (or to the file's end) of the same file.
    func at(_ address: UInt64, count: Int? = nil, context: String) throws(ConvertError) -> HDF5Cursor {
        guard address != Self.undefined, address < UInt64(bytes.count) else {
            throw HDF5Cursor(bytes: bytes, path: path, offsetSize: offsetSize, lengthSize: lengthSize, at: 0, context: context)
                .malformed("address \(address == Self.undefined ? "undefined" : String(address)) is outside the file (\(bytes.count) bytes)")
        }
        let start = Int(address)
        var cursor = HDF5Cursor(bytes: bytes, path: path, offsetSize: offsetSize, lengthSize: lengthSize, at: start,
                                end: count.map { start + $0 }, context: context)
        if let count {
            guard count >= 0, count <= bytes.count - start else { throw cursor.malformed("\(count) bytes at \(start) pass the file's end") }
            cursor.end = start + count
        }
        return cursor
    }

    /// A NUL-terminated string starting at `position`, within the structure.
    mutating func cString() throws(ConvertError) -> String {
        var bytesRead: [UInt8] = []
        while true {
            let byte = try u8()
            if byte == 0 { break }
            bytesRead.append(byte)
        }
        return String(decoding: bytesRead, as: UTF8.self)
    }
}
