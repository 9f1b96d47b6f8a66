/// A FlatBuffers table inside verified model bytes.
///
/// Reads are unchecked: a `FlatTable` only comes from a `Model` whose bytes
/// passed `FlatBufferVerifier`, which proved every field this type reads.
public struct FlatTable {
    /// The whole buffer the table lives in.
    public let bytes: UnsafeRawBufferPointer
    /// Byte offset of the table's start (its vtable offset) in `bytes`.
    public let position: Int

    @inlinable init(bytes: UnsafeRawBufferPointer, position: Int) {
        self.bytes = bytes
        self.position = position
    }

    /// Absolute offset of field `id`, or nil when the field is absent.
    @inlinable public func fieldPosition(_ id: Int) -> Int? {
        let vtable = position - Int(Int32.load(from: bytes, at: position))
        let vtableSize = Int(UInt16.load(from: bytes, at: vtable))
        let entry = 4 + 2 * id
        guard entry + 2 <= vtableSize else { return nil }
        let offset = Int(UInt16.load(from: bytes, at: vtable + entry))
        return offset == 0 ? nil : position + offset
    }

    /// Whether field `id` is stored (rather than left at its default).
    @inlinable public func has(field id: Int) -> Bool { fieldPosition(id) != nil }

    /// A scalar field, or `defaultValue` when absent.
    @inlinable public func scalar<T: FlatScalar>(field id: Int, default defaultValue: T) -> T {
        guard let at = fieldPosition(id) else { return defaultValue }
        return T.load(from: bytes, at: at)
    }

    /// Follows the offset stored in field `id`.
    @inlinable func target(ofField id: Int) -> Int? {
        guard let at = fieldPosition(id) else { return nil }
        return at + Int(UInt32.load(from: bytes, at: at))
    }

    /// A vector of scalars; empty when the field is absent.
    @inlinable public func vector<T: FlatScalar>(field id: Int, of type: T.Type = T.self) -> FlatVector<T> {
        guard let start = target(ofField: id) else { return FlatVector(bytes: bytes, start: 0, count: 0) }
        return FlatVector(bytes: bytes, start: start + 4, count: Int(UInt32.load(from: bytes, at: start)))
    }

    /// Whether a vector, string or table field is stored.
    @inlinable public func isPresent(field id: Int) -> Bool { fieldPosition(id) != nil }

    /// A string field, or nil when absent.
    @inlinable public func string(field id: Int) -> FlatString? {
        guard let start = target(ofField: id) else { return nil }
        return FlatString(bytes: bytes, start: start + 4, count: Int(UInt32.load(from: bytes, at: start)))
    }

    /// A sub-table field, or nil when absent.
    @inlinable public func table(field id: Int) -> FlatTable? {
        guard let start = target(ofField: id) else { return nil }
        return FlatTable(bytes: bytes, position: start)
    }

    /// A vector of tables viewed as `View`; empty when absent.
    @inlinable public func tables<View: FlatTableView>(field id: Int, as view: View.Type = View.self) -> TableList<View> {
        guard let start = target(ofField: id) else { return TableList(bytes: bytes, start: 0, count: 0) }
        return TableList(bytes: bytes, start: start + 4, count: Int(UInt32.load(from: bytes, at: start)))
    }
}

/// A typed view of one kind of table.
public protocol FlatTableView {
    /// Wraps a verified table.
    init(table: FlatTable)
}

extension FlatTable: FlatTableView {
    public init(table: FlatTable) { self = table }
}
