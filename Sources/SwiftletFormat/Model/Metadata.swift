/// A named metadata entry whose bytes live in a buffer.
public struct Metadata: FlatTableView {
    public let table: FlatTable
    public init(table: FlatTable) { self.table = table }

    /// Name (field 0), e.g. `min_runtime_version` or `OfflineMemoryAllocation`.
    public var name: FlatString? { table.string(field: 0) }
    /// Index into `Model.buffers` (field 1).
    public var bufferIndex: Int { Int(table.scalar(field: 1, default: UInt32(0))) }
}

/// A signature: named inputs and outputs of one subgraph.
public struct SignatureDef: FlatTableView {
    public let table: FlatTable
    public init(table: FlatTable) { self.table = table }

    /// Named inputs (field 0).
    public var inputs: TableList<TensorMap> { table.tables(field: 0) }
    /// Named outputs (field 1).
    public var outputs: TableList<TensorMap> { table.tables(field: 1) }
    /// The signature's key (field 2), e.g. `serving_default`.
    public var signatureKey: FlatString? { table.string(field: 2) }
    /// The subgraph the signature runs (field 4).
    public var subgraphIndex: Int { Int(table.scalar(field: 4, default: UInt32(0))) }
}

/// A name for one tensor of a signature.
public struct TensorMap: FlatTableView {
    public let table: FlatTable
    public init(table: FlatTable) { self.table = table }

    /// The name (field 0).
    public var name: FlatString? { table.string(field: 0) }
    /// The tensor's index in the signature's subgraph (field 1).
    public var tensorIndex: Int { Int(table.scalar(field: 1, default: UInt32(0))) }
}
