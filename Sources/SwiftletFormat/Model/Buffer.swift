/// A buffer of constant data. Small models keep the bytes inline (`data`);
/// models over 2 GB keep them after the FlatBuffer (`offset`/`size`).
public struct Buffer: FlatTableView {
    public let table: FlatTable
    public init(table: FlatTable) { self.table = table }

    /// Inline bytes (field 0); empty when absent.
    public var inlineData: FlatVector<UInt8> { table.vector(field: 0) }
    /// Absolute file offset of out-of-line data (field 1); only meaningful when > 1.
    public var offset: UInt64 { table.scalar(field: 1, default: 0) }
    /// Size of out-of-line data (field 2).
    public var size: UInt64 { table.scalar(field: 2, default: 0) }
    /// Whether the bytes live after the FlatBuffer rather than inline.
    public var isOutOfLine: Bool { offset > 1 }

    /// The buffer's bytes wherever they are stored. The model verified the range.
    public var data: UnsafeRawBufferPointer {
        if isOutOfLine {
            let start = Int(offset)
            return UnsafeRawBufferPointer(rebasing: table.bytes[start..<(start + Int(size))])
        }
        return inlineData.rawBytes
    }
}
