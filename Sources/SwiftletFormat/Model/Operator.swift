/// One operator of a subgraph, in execution order.
public struct Operator: FlatTableView {
    public let table: FlatTable
    public init(table: FlatTable) { self.table = table }

    /// Index into `Model.operatorCodes` (field 0).
    public var opcodeIndex: Int { Int(table.scalar(field: 0, default: UInt32(0))) }
    /// Input tensor indices (field 1); −1 marks an omitted optional input.
    public var inputs: FlatVector<Int32> { table.vector(field: 1) }
    /// Output tensor indices (field 2).
    public var outputs: FlatVector<Int32> { table.vector(field: 2) }
    /// The union tag of `builtinOptions` (field 3).
    public var builtinOptionsType: UInt8 { table.scalar(field: 3, default: 0) }
    /// The builtin options table (field 4), untyped.
    public var builtinOptionsTable: FlatTable? { builtinOptionsType == 0 ? nil : table.table(field: 4) }
    /// Custom options bytes (field 5); empty when absent. See `customOptions`.
    public var inlineCustomOptions: FlatVector<UInt8> { table.vector(field: 5) }
    /// Format of the custom options (field 6): 0 = FlexBuffers.
    public var customOptionsFormat: Int8 { table.scalar(field: 6, default: 0) }
    /// Which inputs the operator mutates (field 7).
    public var mutatingVariableInputs: FlatVector<Bool> { table.vector(field: 7) }
    /// Intermediate tensor indices (field 8), used by LSTM kernels.
    public var intermediates: FlatVector<Int32> { table.vector(field: 8) }
    /// Absolute file offset of large custom options (field 9); only meaningful when > 1.
    public var largeCustomOptionsOffset: UInt64 { table.scalar(field: 9, default: 0) }
    /// Size of large custom options (field 10).
    public var largeCustomOptionsSize: UInt64 { table.scalar(field: 10, default: 0) }
    /// The union tag of `builtinOptions2` (field 11).
    public var builtinOptions2Type: UInt8 { table.scalar(field: 11, default: 0) }
    /// The second builtin options table (field 12), used by StableHLO operators.
    public var builtinOptions2Table: FlatTable? { builtinOptions2Type == 0 ? nil : table.table(field: 12) }
    /// Debug metadata index (field 13), −1 when none.
    public var debugMetadataIndex: Int32 { table.scalar(field: 13, default: -1) }

    /// The custom options wherever they are stored. The model verified the range.
    public var customOptions: UnsafeRawBufferPointer {
        if largeCustomOptionsOffset > 1 {
            let start = Int(largeCustomOptionsOffset)
            return UnsafeRawBufferPointer(rebasing: table.bytes[start..<(start + Int(largeCustomOptionsSize))])
        }
        return inlineCustomOptions.rawBytes
    }

    /// The builtin options viewed as `View`, or nil if the operator stores another options table.
    public func options<View: OptionsTableView>(_ view: View.Type) -> View? {
        let type = View.union == .builtinOptions ? builtinOptionsType : builtinOptions2Type
        guard type != 0, View.union.table(forType: type) == View.schemaTable else { return nil }
        let field = View.union == .builtinOptions ? 4 : 12
        return table.table(field: field).map(View.init(table:))
    }
}

/// A typed view of a builtin options table (generated from the schema).
public protocol OptionsTableView: FlatTableView {
    /// The union the table belongs to (`BuiltinOptions` or `BuiltinOptions2`).
    static var union: SchemaUnion { get }
    /// The table's identity in the schema catalogue.
    static var schemaTable: SchemaTable { get }
}
