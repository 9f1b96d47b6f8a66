/// A vector of scalars inside verified model bytes; reading never copies the vector.
public struct FlatVector<Element: FlatScalar>: RandomAccessCollection {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    /// Byte offset of the first element.
    public let start: Int
    /// Number of elements.
    public let count: Int

    @inlinable init(bytes: UnsafeRawBufferPointer, start: Int, count: Int) {
        self.bytes = bytes
        self.start = start
        self.count = count
    }

    /// An empty vector (what absent fields read as).
    @inlinable public init(emptyOf type: Element.Type) {
        self.init(bytes: UnsafeRawBufferPointer(start: nil, count: 0), start: 0, count: 0)
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }
    @inlinable public subscript(position: Int) -> Element {
        precondition(position >= 0 && position < count, "FlatVector index out of range")
        return Element.load(from: bytes, at: start + position * Element.byteSize)
    }

    /// The elements' raw little-endian bytes.
    @inlinable public var rawBytes: UnsafeRawBufferPointer {
        count == 0 ? UnsafeRawBufferPointer(start: nil, count: 0)
            : UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count * Element.byteSize)])
    }
}

/// A string inside verified model bytes (UTF-8, not copied).
public struct FlatString: Equatable {
    /// The UTF-8 bytes, without the terminating zero.
    public let utf8: UnsafeRawBufferPointer

    @inlinable init(bytes: UnsafeRawBufferPointer, start: Int, count: Int) {
        utf8 = count == 0 ? UnsafeRawBufferPointer(start: nil, count: 0)
            : UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)])
    }

    /// The text as a Swift `String` (invalid UTF-8 is repaired).
    public var string: String { String(decoding: utf8, as: UTF8.self) }

    /// Whether the bytes equal `text`'s UTF-8.
    public func equals(_ text: StaticString) -> Bool {
        guard text.utf8CodeUnitCount == utf8.count else { return false }
        let other = UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        for index in 0..<utf8.count where utf8[index] != other[index] { return false }
        return true
    }

    public static func == (lhs: FlatString, rhs: FlatString) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        for index in 0..<lhs.utf8.count where lhs.utf8[index] != rhs.utf8[index] { return false }
        return true
    }
}

/// A vector of tables inside verified model bytes, each viewed as `View`.
public struct TableList<View: FlatTableView>: RandomAccessCollection {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline let start: Int
    /// Number of tables.
    public let count: Int

    @inlinable init(bytes: UnsafeRawBufferPointer, start: Int, count: Int) {
        self.bytes = bytes
        self.start = start
        self.count = count
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }
    @inlinable public subscript(position: Int) -> View {
        precondition(position >= 0 && position < count, "TableList index out of range")
        let slot = start + position * 4
        return View(table: FlatTable(bytes: bytes, position: slot + Int(UInt32.load(from: bytes, at: slot))))
    }
}
