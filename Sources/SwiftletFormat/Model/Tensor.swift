/// A tensor of a subgraph: its shape, element type, constant buffer and quantization.
public struct Tensor: FlatTableView {
    public let table: FlatTable
    public init(table: FlatTable) { self.table = table }

    /// Dimensions (field 0); empty for a scalar.
    public var shape: FlatVector<Int32> { table.vector(field: 0) }
    /// Element type (field 1).
    public var type: TensorType { TensorType(rawValue: table.scalar(field: 1, default: 0)) }
    /// Index into `Model.buffers` (field 2); 0 means "no constant data".
    public var bufferIndex: Int { Int(table.scalar(field: 2, default: UInt32(0))) }
    /// Name (field 3).
    public var name: FlatString? { table.string(field: 3) }
    /// Quantization parameters (field 4), if any.
    public var quantization: QuantizationParameters? { table.table(field: 4).map(QuantizationParameters.init(table:)) }
    /// Whether the tensor is mutable state that persists across invocations (field 5).
    public var isVariable: Bool { table.scalar(field: 5, default: false) }
    /// Sparsity parameters (field 6), if the tensor is stored sparse.
    public var sparsity: FlatTable? { table.table(field: 6) }
    /// Shape with −1 for dynamic dimensions (field 7); empty when absent.
    public var shapeSignature: FlatVector<Int32> { table.vector(field: 7) }
    /// Whether the rank is known even if `shape` is empty (field 8).
    public var hasRank: Bool { table.scalar(field: 8, default: false) }
    /// Variant sub-types (field 9).
    public var variantTensors: TableList<FlatTable> { table.tables(field: 9) }
    /// Index into `Model.externalBuffers` (field 10); 0 means none.
    public var externalBuffer: UInt32 { table.scalar(field: 10, default: UInt32(0)) }

    /// Number of elements (product of `shape`), or nil if a dimension is negative or the product overflows.
    public var elementCount: Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(dimension))
            if overflow { return nil }
            count = product
        }
        return count
    }

    /// Bytes the tensor's data occupies, or nil when unsized.
    public var byteCount: Int? {
        guard let elements = elementCount else { return nil }
        return type.byteCount(elements: elements)
    }
}
