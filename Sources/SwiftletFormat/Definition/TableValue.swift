/// An owned copy of one schema table, field by field: how Swiftlet holds the
/// tables it has no dedicated type for (builtin options, sparsity, variant
/// sub-types, external buffers) so that reading and writing loses nothing.
public struct TableValue: Equatable {
    /// Which schema table this is.
    public var table: SchemaTable
    /// Stored fields by id. Union values are kept at the union's value id.
    public var fields: [Int: FieldValue]

    /// An empty table of the given kind (every field at its default).
    public init(_ table: SchemaTable, fields: [Int: FieldValue] = [:]) {
        self.table = table
        self.fields = fields
    }

    /// The field named `name` in the schema, if stored.
    public subscript(name: StaticString) -> FieldValue? {
        get { Self.id(of: name, in: table).flatMap { fields[$0] } }
        set {
            guard let id = Self.id(of: name, in: table) else { return }
            fields[id] = newValue
        }
    }

    static func id(of name: StaticString, in table: SchemaTable) -> Int? {
        for field in table.fields where equal(field.name, name) { return field.id }
        return nil
    }

    private static func equal(_ a: StaticString, _ b: StaticString) -> Bool {
        guard a.utf8CodeUnitCount == b.utf8CodeUnitCount else { return false }
        let left = UnsafeBufferPointer(start: a.utf8Start, count: a.utf8CodeUnitCount)
        let right = UnsafeBufferPointer(start: b.utf8Start, count: b.utf8CodeUnitCount)
        return left.elementsEqual(right)
    }
}

/// The value of one stored field.
public indirect enum FieldValue: Equatable {
    case bool(Bool)
    /// Any signed integer field (int8 … int64).
    case int(Int64)
    /// Any unsigned integer field (uint8 … uint64).
    case uint(UInt64)
    case float(Float)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case bools([Bool])
    case uint16s([UInt16])
    case int32s([Int32])
    case uint32s([UInt32])
    case int64s([Int64])
    case floats([Float])
    case table(TableValue)
    case tables([TableValue])
    /// A union member; its type tag follows from `TableValue.table`.
    case union(TableValue)
}

extension TableValue {
    /// Copies every stored field of a verified table.
    public init(reading source: FlatTable, as table: SchemaTable) throws(FormatError) {
        self.init(table)
        for field in table.fields where source.has(field: field.id) {
            let id = field.id
            switch field.kind {
            case .unionType:
                continue
            case .scalar(let type):
                switch type {
                case .bool: fields[id] = .bool(source.scalar(field: id, default: false))
                case .int8: fields[id] = .int(Int64(source.scalar(field: id, default: Int8(0))))
                case .int16: fields[id] = .int(Int64(source.scalar(field: id, default: Int16(0))))
                case .int32: fields[id] = .int(Int64(source.scalar(field: id, default: Int32(0))))
                case .int64: fields[id] = .int(source.scalar(field: id, default: Int64(0)))
                case .uint8: fields[id] = .uint(UInt64(source.scalar(field: id, default: UInt8(0))))
                case .uint16: fields[id] = .uint(UInt64(source.scalar(field: id, default: UInt16(0))))
                case .uint32: fields[id] = .uint(UInt64(source.scalar(field: id, default: UInt32(0))))
                case .uint64: fields[id] = .uint(source.scalar(field: id, default: UInt64(0)))
                case .float32: fields[id] = .float(source.scalar(field: id, default: Float(0)))
                case .float64: fields[id] = .double(source.scalar(field: id, default: Double(0)))
                }
            case .scalarVector(let type):
                switch type {
                case .uint8: fields[id] = .bytes(Array(source.vector(field: id, of: UInt8.self)))
                case .bool: fields[id] = .bools(Array(source.vector(field: id, of: Bool.self)))
                case .uint16: fields[id] = .uint16s(Array(source.vector(field: id, of: UInt16.self)))
                case .int32: fields[id] = .int32s(Array(source.vector(field: id, of: Int32.self)))
                case .uint32: fields[id] = .uint32s(Array(source.vector(field: id, of: UInt32.self)))
                case .int64: fields[id] = .int64s(Array(source.vector(field: id, of: Int64.self)))
                case .float32: fields[id] = .floats(Array(source.vector(field: id, of: Float.self)))
                default: throw .cannotWrite(reason: "vector element type not supported by the writer")
                }
            case .string:
                if let text = source.string(field: id) { fields[id] = .string(text.string) }
            case .table(let child):
                if let sub = source.table(field: id) { fields[id] = .table(try TableValue(reading: sub, as: child)) }
            case .tableVector(let child):
                var values: [TableValue] = []
                for sub in source.tables(field: id, as: FlatTable.self) { values.append(try TableValue(reading: sub, as: child)) }
                fields[id] = .tables(values)
            case .unionValue(let union):
                let tag: UInt8 = source.scalar(field: id - 1, default: 0)
                guard tag != 0, let sub = source.table(field: id) else { continue }
                guard let member = union.table(forType: tag) else {
                    throw .cannotWrite(reason: "the model uses a union member newer than this schema")
                }
                fields[id] = .union(try TableValue(reading: sub, as: member))
            }
        }
    }
}
