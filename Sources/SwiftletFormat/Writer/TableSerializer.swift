/// Serializes `TableValue`s into a `FlatBufferBuilder`, checking each value
/// against the schema's field descriptors.
struct TableSerializer {
    var builder: FlatBufferBuilder

    /// Writes `value` and everything it refers to; returns the table's offset.
    mutating func write(_ value: TableValue) throws(FormatError) -> FlatBufferBuilder.Offset {
        return try write(value, prebuilt: [:])
    }

    /// As `write(_:)`, with some offset fields already written (`prebuilt[id]`).
    mutating func write(_ value: TableValue, prebuilt: [Int: FlatBufferBuilder.Offset]) throws(FormatError) -> FlatBufferBuilder.Offset {
        let descriptors = value.table.fields
        var offsets: [(id: Int, offset: FlatBufferBuilder.Offset)] = []
        var unionTags: [(id: Int, tag: UInt8)] = []
        for (id, offset) in prebuilt { offsets.append((id, offset)) }

        // Children first: everything a table refers to must already be written.
        for descriptor in descriptors {
            guard let field = value.fields[descriptor.id] else { continue }
            switch (descriptor.kind, field) {
            case (.scalar, _), (.unionType, _):
                continue
            case (.string, .string(let text)):
                offsets.append((descriptor.id, builder.createString(text)))
            case (.scalarVector(.uint8), .bytes(let bytes)):
                let alignment = (value.table == .buffer || value.table == .customQuantization) ? 16 : 1
                offsets.append((descriptor.id, builder.createBytes(bytes, alignment: alignment)))
            case (.scalarVector(.bool), .bools(let values)):
                offsets.append((descriptor.id, builder.createVector(values)))
            case (.scalarVector(.uint16), .uint16s(let values)):
                offsets.append((descriptor.id, builder.createVector(values)))
            case (.scalarVector(.int32), .int32s(let values)):
                offsets.append((descriptor.id, builder.createVector(values)))
            case (.scalarVector(.uint32), .uint32s(let values)):
                offsets.append((descriptor.id, builder.createVector(values)))
            case (.scalarVector(.int64), .int64s(let values)):
                offsets.append((descriptor.id, builder.createVector(values)))
            case (.scalarVector(.float32), .floats(let values)):
                offsets.append((descriptor.id, builder.createVector(values)))
            case (.table(let child), .table(let sub)):
                guard sub.table == child else { throw .cannotWrite(reason: "a sub-table has the wrong table type") }
                offsets.append((descriptor.id, try write(sub)))
            case (.tableVector(let child), .tables(let subs)):
                var elements: [FlatBufferBuilder.Offset] = []
                elements.reserveCapacity(subs.count)
                for sub in subs {
                    guard sub.table == child else { throw .cannotWrite(reason: "a table vector holds a table of the wrong type") }
                    elements.append(try write(sub))
                }
                offsets.append((descriptor.id, builder.createOffsetVector(elements)))
            case (.unionValue(let union), .union(let member)):
                guard let tag = union.type(of: member.table) else { throw .cannotWrite(reason: "a union holds a table that is not one of its members") }
                offsets.append((descriptor.id, try write(member)))
                unionTags.append((descriptor.id - 1, tag))
            default:
                throw .cannotWrite(reason: "a field's value does not match its schema type")
            }
        }

        builder.startTable()
        // Widest scalars first keeps padding small.
        for width in [8, 4, 2, 1] {
            for descriptor in descriptors {
                guard case .scalar(let type) = descriptor.kind, type.byteSize == width,
                      let field = value.fields[descriptor.id] else { continue }
                try addScalar(field, type: type, id: descriptor.id)
            }
        }
        for entry in offsets { builder.add(field: entry.id, offset: entry.offset) }
        for entry in unionTags { builder.add(field: entry.id, entry.tag) }
        return builder.endTable()
    }

    private mutating func addScalar(_ value: FieldValue, type: ScalarType, id: Int) throws(FormatError) {
        switch (type, value) {
        case (.bool, .bool(let flag)): builder.add(field: id, flag)
        case (.int8, .int(let number)): builder.add(field: id, try narrow(number, Int8.self))
        case (.int16, .int(let number)): builder.add(field: id, try narrow(number, Int16.self))
        case (.int32, .int(let number)): builder.add(field: id, try narrow(number, Int32.self))
        case (.int64, .int(let number)): builder.add(field: id, number)
        case (.uint8, .uint(let number)): builder.add(field: id, try narrow(number, UInt8.self))
        case (.uint16, .uint(let number)): builder.add(field: id, try narrow(number, UInt16.self))
        case (.uint32, .uint(let number)): builder.add(field: id, try narrow(number, UInt32.self))
        case (.uint64, .uint(let number)): builder.add(field: id, number)
        case (.float32, .float(let number)): builder.add(field: id, number)
        case (.float64, .double(let number)): builder.add(field: id, number)
        default: throw .cannotWrite(reason: "a scalar field's value does not match its schema type")
        }
    }

    private func narrow<Source: BinaryInteger, Target: FixedWidthInteger>(_ value: Source, _ type: Target.Type) throws(FormatError) -> Target {
        guard let narrowed = Target(exactly: value) else { throw .cannotWrite(reason: "an integer field's value is out of its type's range") }
        return narrowed
    }
}
