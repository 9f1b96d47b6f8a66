/// Proves, once, that every table, vector, string and offset the schema says a
/// buffer holds lies inside the buffer and is well formed, so that reads after it
/// need no checks. Driven by the schema catalogue (its compact form, `SchemaLayout`),
/// so it covers every table the schema defines, options included.
struct FlatBufferVerifier {
    let bytes: UnsafeRawBufferPointer
    /// Upper bound on tables visited; stops files whose shared sub-objects would
    /// make verification quadratic.
    let maximumTables: Int
    /// Upper bound on nesting.
    static let maximumDepth = 64
    private(set) var tablesVisited = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        maximumTables = bytes.count / 4 + 1024
    }

    /// Verifies the root table and returns its position.
    mutating func verifyRoot(as table: SchemaTable) throws(FormatError) -> Int {
        guard bytes.count >= 8 else { throw .tooSmall(size: bytes.count) }
        let root = try target(ofOffsetAt: 0, what: "root offset")
        try verifyTable(at: root, as: table, depth: 0)
        return root
    }

    private func u16(_ at: Int) -> Int { Int(UInt16.load(from: bytes, at: at)) }

    /// The absolute position an unsigned offset stored at `at` points to.
    private func target(ofOffsetAt at: Int, what: StaticString) throws(FormatError) -> Int {
        guard at >= 0, at <= bytes.count - 4 else { throw .outOfBounds(what: what, offset: at) }
        let raw = UInt32.load(from: bytes, at: at)
        guard UInt64(raw) < UInt64(bytes.count - at) else { throw .outOfBounds(what: what, offset: at) }
        return at + Int(raw)
    }

    /// Verifies the table at `position` and, recursively, everything it refers to.
    /// Walks the compact catalogue (`SchemaLayout`); names are looked up only for errors.
    mutating func verifyTable(at position: Int, as table: SchemaTable?, depth: Int) throws(FormatError) {
        tablesVisited += 1
        guard tablesVisited <= maximumTables, depth <= Self.maximumDepth else { throw .tooComplex(tables: maximumTables) }
        guard position % 4 == 0 else { throw .misaligned(what: Self.name(of: table), offset: position) }
        guard position >= 0, position <= bytes.count - 4 else { throw .outOfBounds(what: Self.name(of: table), offset: position) }
        let relative = Int(Int32.load(from: bytes, at: position))
        let vtable = position - relative
        guard vtable >= 0, vtable % 2 == 0, vtable <= bytes.count - 4 else { throw .invalidVTable(table: Self.name(of: table), offset: position) }
        let vtableSize = u16(vtable)
        let tableSize = u16(vtable + 2)
        guard vtableSize >= 4, vtableSize % 2 == 0, vtableSize <= bytes.count - vtable,
              tableSize >= 4, tableSize <= bytes.count - position
        else { throw .invalidVTable(table: Self.name(of: table), offset: position) }
        guard let table else { return }

        let fields = table.layoutRange
        for index in 0..<fields.count {
            let field = table.layoutField(at: index)
            let entry = 4 + 2 * field.id
            guard entry + 2 <= vtableSize else { continue }
            let fieldOffset = u16(vtable + entry)
            guard fieldOffset != 0 else { continue }
            let at = position + fieldOffset
            let inlineSize: Int
            switch field.kind {
            case SchemaLayoutField.scalar: inlineSize = field.scalarSize
            case SchemaLayoutField.unionType: inlineSize = 1
            default: inlineSize = 4
            }
            guard fieldOffset + inlineSize <= tableSize else { throw .outOfBounds(what: table.errorFieldName(at: index), offset: at) }
            guard at % inlineSize == 0 else { throw .misaligned(what: table.errorFieldName(at: index), offset: at) }

            switch field.kind {
            case SchemaLayoutField.scalarVector:
                _ = try verifyVector(at: try target(ofOffsetAt: at, table, index), elementSize: field.scalarSize, table, index)
            case SchemaLayoutField.string:
                let start = try target(ofOffsetAt: at, table, index)
                let count = try verifyVector(at: start, elementSize: 1, extra: 1, table, index)
                guard bytes[start + 4 + count] == 0 else { throw .unterminatedString(offset: start) }
            case SchemaLayoutField.table:
                try verifyTable(at: try target(ofOffsetAt: at, table, index), as: SchemaTable(rawValue: UInt16(field.argument)), depth: depth + 1)
            case SchemaLayoutField.tableVector:
                let start = try target(ofOffsetAt: at, table, index)
                let count = try verifyVector(at: start, elementSize: 4, table, index)
                let child = SchemaTable(rawValue: UInt16(field.argument))
                for element in 0..<count {
                    let elementPosition = try target(ofOffsetAt: start + 4 + 4 * element, table, index)
                    try verifyTable(at: elementPosition, as: child, depth: depth + 1)
                }
            case SchemaLayoutField.unionValue:
                var type: UInt8 = 0
                let typeEntry = 4 + 2 * (field.id - 1)
                if field.id > 0, typeEntry + 2 <= vtableSize {
                    let typeOffset = u16(vtable + typeEntry)
                    if typeOffset != 0 {
                        guard typeOffset + 1 <= tableSize else { throw .outOfBounds(what: table.errorFieldName(at: index), offset: position + typeOffset) }
                        type = bytes[position + typeOffset]
                    }
                }
                guard type != 0, let union = SchemaUnion(rawValue: UInt8(field.argument)) else { continue }
                // A member this schema does not know is checked as a bare table and never read.
                try verifyTable(at: try target(ofOffsetAt: at, table, index), as: union.table(forType: type), depth: depth + 1)
            default:
                break   // scalars and union type tags: checked above
            }
        }
    }

    private static func name(of table: SchemaTable?) -> StaticString { table?.errorName ?? "union member" }

    private func target(ofOffsetAt at: Int, _ table: SchemaTable, _ field: Int) throws(FormatError) -> Int {
        guard at >= 0, at <= bytes.count - 4, UInt64(UInt32.load(from: bytes, at: at)) < UInt64(bytes.count - at) else {
            throw .outOfBounds(what: table.errorFieldName(at: field), offset: at)
        }
        return at + Int(UInt32.load(from: bytes, at: at))
    }

    /// Checks a vector's length prefix, extent and alignment; returns its element count.
    private func verifyVector(at start: Int, elementSize: Int, extra: Int = 0, _ table: SchemaTable, _ field: Int) throws(FormatError) -> Int {
        guard start % 4 == 0 else { throw .misaligned(what: table.errorFieldName(at: field), offset: start) }
        guard start <= bytes.count - 4 else { throw .outOfBounds(what: table.errorFieldName(at: field), offset: start) }
        let count = UInt32.load(from: bytes, at: start)
        let needed = UInt64(count) * UInt64(elementSize) + UInt64(extra)
        guard needed <= UInt64(bytes.count - start - 4) else { throw .outOfBounds(what: table.errorFieldName(at: field), offset: start) }
        if elementSize > 1 && elementSize <= 8 {
            guard (start + 4) % elementSize == 0 else { throw .misaligned(what: table.errorFieldName(at: field), offset: start) }
        }
        return Int(count)
    }
}
