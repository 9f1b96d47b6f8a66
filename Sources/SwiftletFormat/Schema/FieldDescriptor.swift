/// The scalar types a schema field can hold.
public enum ScalarType: UInt8, Sendable {
    case bool, int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64

    /// Bytes one value occupies.
    public var byteSize: Int {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        }
    }
}

/// What a schema field holds.
public enum FieldKind: Sendable, Equatable {
    /// An inline scalar.
    case scalar(ScalarType)
    /// The type tag of a union; the union's value is the next field.
    case unionType(SchemaUnion)
    /// A union's value: a table whose type the previous field names.
    case unionValue(SchemaUnion)
    /// A vector of scalars.
    case scalarVector(ScalarType)
    /// A UTF-8 string.
    case string
    /// A sub-table.
    case table(SchemaTable)
    /// A vector of sub-tables.
    case tableVector(SchemaTable)
}

/// One field of a schema table: the facts the verifier, the reader and the writer share.
public struct FieldDescriptor: Sendable {
    /// The field's name as the schema spells it (`stride_w`).
    public let name: StaticString
    /// The field's id (its position in declaration order; vtable slot `4 + 2·id`).
    public let id: Int
    /// What the field holds.
    public let kind: FieldKind
    /// The schema's default for scalar fields.
    public let defaultValue: Double
}
