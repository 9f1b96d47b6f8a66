/// Builds a FlatBuffer back to front, the way the format is meant to be written:
/// children first, so every offset points forward. Offsets returned by the
/// builder count bytes from the end of the buffer.
public struct FlatBufferBuilder {
    private var storage: [UInt8]
    private var head: Int
    private var minimumAlignment = 4
    private var tableStart = -1
    private var fieldLocations: [(id: Int, offset: Int)] = []
    private var vtables: [[UInt8]: Int] = [:]

    /// A position in the buffer, counted from its end.
    public typealias Offset = Int

    /// Creates a builder with room for `capacity` bytes (it grows as needed).
    public init(capacity: Int = 1024) {
        storage = [UInt8](repeating: 0, count: max(capacity, 64))
        head = storage.count
    }

    /// Bytes written so far.
    public var size: Int { storage.count - head }

    private mutating func reserve(_ count: Int) {
        guard head < count else { return }
        var newCount = storage.count
        while newCount - size < count { newCount *= 2 }
        var grown = [UInt8](repeating: 0, count: newCount)
        let used = size
        grown.withUnsafeMutableBytes { target in
            storage.withUnsafeBytes { source in
                target.baseAddress!.advanced(by: newCount - used).copyMemory(from: source.baseAddress!.advanced(by: head), byteCount: used)
            }
        }
        storage = grown
        head = newCount - used
    }

    /// Pads with zeros so that, after `additional` more bytes, the size is a multiple of `alignment`.
    public mutating func align(_ alignment: Int, additional: Int = 0) {
        minimumAlignment = max(minimumAlignment, alignment)
        let padding = (alignment - (size + additional) % alignment) % alignment
        reserve(padding)
        for _ in 0..<padding {
            head -= 1
            storage[head] = 0
        }
    }

    private mutating func put<T: FlatScalar>(_ value: T) {
        var bytes: [UInt8] = []
        value.appendBytes(to: &bytes)
        put(bytes: bytes)
    }

    private mutating func put<C: Collection>(bytes: C) where C.Element == UInt8 {
        reserve(bytes.count)
        head -= bytes.count
        var index = head
        for byte in bytes {
            storage[index] = byte
            index += 1
        }
    }

    /// Writes a vector of scalars; returns its offset.
    public mutating func createVector<T: FlatScalar>(_ elements: [T]) -> Offset {
        precondition(tableStart < 0, "vectors must be created outside a table")
        let byteCount = elements.count * T.byteSize
        align(4, additional: byteCount)
        align(max(T.byteSize, 1), additional: byteCount)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        for element in elements { element.appendBytes(to: &bytes) }
        put(bytes: bytes)
        put(UInt32(elements.count))
        return size
    }

    /// Writes a byte vector whose first byte is aligned to `alignment` (e.g. 16 for tensor data).
    public mutating func createBytes(_ bytes: [UInt8], alignment: Int = 1) -> Offset {
        precondition(tableStart < 0, "vectors must be created outside a table")
        align(4, additional: bytes.count)
        if alignment > 4 { align(alignment, additional: bytes.count) }
        put(bytes: bytes)
        put(UInt32(bytes.count))
        return size
    }

    /// Writes a zero-terminated UTF-8 string; returns its offset.
    public mutating func createString(_ text: String) -> Offset {
        precondition(tableStart < 0, "strings must be created outside a table")
        let utf8 = Array(text.utf8)
        align(4, additional: utf8.count + 1)
        put(UInt8(0))
        put(bytes: utf8)
        put(UInt32(utf8.count))
        return size
    }

    /// Writes a vector of offsets (to tables or strings); returns its offset.
    public mutating func createOffsetVector(_ offsets: [Offset]) -> Offset {
        precondition(tableStart < 0, "vectors must be created outside a table")
        align(4, additional: 4 * offsets.count)
        for target in offsets.reversed() {
            put(UInt32(size + 4 - target))
        }
        put(UInt32(offsets.count))
        return size
    }

    /// Begins a table; add its fields, then call `endTable()`.
    public mutating func startTable() {
        precondition(tableStart < 0, "tables cannot nest while being built")
        tableStart = size
        fieldLocations.removeAll(keepingCapacity: true)
    }

    /// Adds an inline scalar field; returns where it was written.
    @discardableResult
    public mutating func add<T: FlatScalar>(field id: Int, _ value: T) -> Offset {
        align(T.byteSize)
        put(value)
        fieldLocations.append((id, size))
        return size
    }

    /// Adds a field that refers to an object created earlier.
    public mutating func add(field id: Int, offset target: Offset) {
        align(4)
        put(UInt32(size + 4 - target))
        fieldLocations.append((id, size))
    }

    /// Finishes the table (sharing an identical vtable if one exists); returns its offset.
    public mutating func endTable() -> Offset {
        precondition(tableStart >= 0, "endTable without startTable")
        align(4)
        put(Int32(0))
        let tableEnd = size
        let fieldCount = (fieldLocations.map { $0.id }.max() ?? -1) + 1
        var entries = [UInt16](repeating: 0, count: fieldCount)
        for location in fieldLocations { entries[location.id] = UInt16(tableEnd - location.offset) }
        var vtable: [UInt8] = []
        UInt16(4 + 2 * fieldCount).appendBytes(to: &vtable)
        UInt16(tableEnd - tableStart).appendBytes(to: &vtable)
        for entry in entries { entry.appendBytes(to: &vtable) }

        let vtableOffset: Offset
        if let existing = vtables[vtable] {
            vtableOffset = existing
        } else {
            put(bytes: vtable)
            vtableOffset = size
            vtables[vtable] = vtableOffset
        }
        patch(Int32(vtableOffset - tableEnd), at: tableEnd)
        tableStart = -1
        return tableEnd
    }

    private mutating func patch<T: FlatScalar>(_ value: T, at offset: Offset) {
        var bytes: [UInt8] = []
        value.appendBytes(to: &bytes)
        let start = storage.count - offset
        for (index, byte) in bytes.enumerated() { storage[start + index] = byte }
    }

    /// Writes the root offset and the file identifier and returns the finished bytes.
    /// `patches` are applied afterwards: each writes a value that depends on the final
    /// size at a field location returned by `add(field:_:)`.
    public mutating func finish(root: Offset, fileIdentifier: StaticString, patches: [(location: Offset, value: (Int) -> UInt64)] = []) -> [UInt8] {
        precondition(fileIdentifier.utf8CodeUnitCount == 4, "file identifiers are four bytes")
        align(minimumAlignment, additional: 8)
        put(bytes: UnsafeBufferPointer(start: fileIdentifier.utf8Start, count: 4))
        put(UInt32(size + 4 - root))
        let total = size
        for patchEntry in patches { patch(patchEntry.value(total), at: patchEntry.location) }
        return Array(storage[head...])
    }
}
