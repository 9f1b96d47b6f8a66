/// An entry of the model's operator-code table: which operator an `Operator` runs.
public struct OperatorCode: FlatTableView {
    public let table: FlatTable
    public init(table: FlatTable) { self.table = table }

    /// The builtin code: the larger of `builtin_code` and `deprecated_builtin_code`,
    /// as TFLite's own reader resolves files from old and new converters.
    public var builtinCode: BuiltinOperator {
        BuiltinOperator(rawValue: max(Int32(deprecatedBuiltinCode), rawBuiltinCode))
    }
    /// The stored `deprecated_builtin_code` (field 0).
    public var deprecatedBuiltinCode: Int8 { table.scalar(field: 0, default: 0) }
    /// The stored `builtin_code` (field 3).
    public var rawBuiltinCode: Int32 { table.scalar(field: 3, default: 0) }
    /// The custom operator's name when `builtinCode` is `CUSTOM`.
    public var customCode: FlatString? { table.string(field: 1) }
    /// The operator's version (default 1).
    public var version: Int32 { table.scalar(field: 2, default: 1) }
    /// Whether this is a custom operator.
    public var isCustom: Bool { builtinCode == .custom }
}
