/// One field of the compact catalogue (`SchemaLayout`): what the verifier needs, no name.
struct SchemaLayoutField {
    /// The field's id (vtable slot `4 + 2·id`).
    let id: Int
    /// 0 scalar, 1 union type, 2 union value, 3 scalar vector, 4 string, 5 table, 6 table vector.
    let kind: UInt8
    /// The `ScalarType`, `SchemaUnion` or `SchemaTable` raw value the kind refers to.
    let argument: Int

    static let scalar: UInt8 = 0, unionType: UInt8 = 1, unionValue: UInt8 = 2, scalarVector: UInt8 = 3
    static let string: UInt8 = 4, table: UInt8 = 5, tableVector: UInt8 = 6

    /// Bytes of the scalar type `argument` (bool, int8, uint8, int16, uint16, int32, uint32,
    /// int64, uint64, float32, float64), as `ScalarType.byteSize`.
    var scalarSize: Int {
        switch argument {
        case 0, 1, 2: return 1
        case 3, 4: return 2
        case 5, 6, 9: return 4
        default: return 8
        }
    }

    /// As `FieldDescriptor.kind` (the test that the two catalogues agree uses it).
    var fieldKind: FieldKind? {
        switch kind {
        case Self.scalar: return ScalarType(rawValue: UInt8(argument)).map { .scalar($0) }
        case Self.unionType: return SchemaUnion(rawValue: UInt8(argument)).map { .unionType($0) }
        case Self.unionValue: return SchemaUnion(rawValue: UInt8(argument)).map { .unionValue($0) }
        case Self.scalarVector: return ScalarType(rawValue: UInt8(argument)).map { .scalarVector($0) }
        case Self.string: return .string
        case Self.table: return SchemaTable(rawValue: UInt16(argument)).map { .table($0) }
        case Self.tableVector: return SchemaTable(rawValue: UInt16(argument)).map { .tableVector($0) }
        default: return nil
        }
    }
}

extension SchemaTable {
    /// The range of this table's fields in `SchemaLayout.fields`.
    var layoutRange: Range<Int> {
        let starts = SchemaLayout.tableStarts.utf8Start
        let at = 2 * Int(rawValue)
        func start(_ i: Int) -> Int { (Int(starts[i]) - 48) * 64 + Int(starts[i + 1]) - 48 }
        return start(at)..<start(at + 2)
    }

    /// Field `index` of the compact catalogue (`index` in 0..<fieldCount).
    func layoutField(at index: Int) -> SchemaLayoutField {
        let p = SchemaLayout.fields.utf8Start + 4 * (layoutRange.lowerBound + index)
        return SchemaLayoutField(id: Int(p[0]) - 48, kind: p[1] - 48, argument: (Int(p[2]) - 48) * 64 + Int(p[3]) - 48)
    }

    /// The table's name in error messages: the schema's, or "table" in firmware built with
    /// `-D SWIFTLET_COMPACT_NAMES` (which leaves the ~5 KB of schema names out; the offset
    /// in the error still says where, and `swiftlet inspect` on the host names it).
    var errorName: StaticString {
        #if SWIFTLET_COMPACT_NAMES
        return "table"
        #else
        return name
        #endif
    }

    /// Field `index`'s name in error messages (see `errorName`).
    func errorFieldName(at index: Int) -> StaticString {
        #if SWIFTLET_COMPACT_NAMES
        return "field"
        #else
        return field(at: index).name
        #endif
    }
}
