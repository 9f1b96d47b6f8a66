/// A subgraph: tensors and the operators that run over them. Subgraph 0 is the main graph.
public struct SubGraph: FlatTableView {
    public let table: FlatTable
    public init(table: FlatTable) { self.table = table }

    /// All tensors (field 0).
    public var tensors: TableList<Tensor> { table.tables(field: 0) }
    /// Indices of the input tensors (field 1).
    public var inputs: FlatVector<Int32> { table.vector(field: 1) }
    /// Indices of the output tensors (field 2).
    public var outputs: FlatVector<Int32> { table.vector(field: 2) }
    /// Operators in execution order (field 3).
    public var operators: TableList<Operator> { table.tables(field: 3) }
    /// Name (field 4).
    public var name: FlatString? { table.string(field: 4) }
    /// Debug metadata index (field 5), −1 when none.
    public var debugMetadataIndex: Int32 { table.scalar(field: 5, default: -1) }
}
