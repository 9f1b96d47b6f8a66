/// An HDF5 element type, as far as Keras files use them.
public enum HDF5Datatype: Equatable, Sendable {
    /// A little-endian integer of `size` bytes.
    case integer(size: Int, signed: Bool)
    /// A little-endian IEEE float of 4 or 8 bytes.
    case float(size: Int)
    /// A fixed-length string of `size` bytes (NUL- or space-padded).
    case fixedString(size: Int)
    /// A variable-length string, stored in the global heap.
    case variableString
    /// Any other class (compound, enum, reference…): readable as structure, not as values.
    case other(typeClass: Int, size: Int)

    /// Bytes one element occupies in a dataset or attribute.
    public var size: Int {
        switch self {
        case .integer(let size, _), .float(let size), .fixedString(let size), .other(_, let size): return size
        case .variableString: return 0  // set from the message; see `HDF5Datatype.parse`
        }
    }

    /// Parses a datatype message; returns the type and its element size in the file.
    static func parse(_ cursor: inout HDF5Cursor) throws(ConvertError) -> (HDF5Datatype, Int) {
        let classAndVersion = try cursor.u8()
        let typeClass = Int(classAndVersion & 0x0F)
        let bits0 = try cursor.u8(), bits1 = try cursor.u8()
        _ = try cursor.u8()
        let size = try cursor.u32()
        switch typeClass {
        case 0:  // fixed-point
            guard bits0 & 0x01 == 0 else { throw cursor.unsupported("big-endian integers") }
            guard [1, 2, 4, 8].contains(size) else { throw cursor.unsupported("\(size)-byte integers") }
            try cursor.skip(4)
            return (.integer(size: size, signed: bits0 & 0x08 != 0), size)
        case 1:  // floating point
            guard bits0 & 0x41 == 0 else { throw cursor.unsupported("big-endian or VAX floats") }
            guard size == 4 || size == 8 else { throw cursor.unsupported("\(size)-byte floats") }
            try cursor.skip(12)
            return (.float(size: size), size)
        case 3:  // string
            return (.fixedString(size: size), size)
        case 9:  // variable length
            guard bits0 & 0x0F == 1 else { throw cursor.unsupported("variable-length sequences other than strings") }
            _ = bits1
            return (.variableString, size)
        default:
            return (.other(typeClass: typeClass, size: size), size)
        }
    }
}

/// The shape of a dataset or attribute.
struct HDF5Dataspace {
    /// Dimensions; empty for a scalar.
    var dimensions: [Int]
    /// Whether the space is null (no elements at all).
    var isNull = false

    var elementCount: Int { isNull ? 0 : dimensions.reduce(1, *) }

    static func parse(_ cursor: inout HDF5Cursor) throws(ConvertError) -> HDF5Dataspace {
        let version = try cursor.u8()
        let rank = Int(try cursor.u8())
        let flags = try cursor.u8()
        var isNull = false
        switch version {
        case 1: try cursor.skip(5)
        case 2: isNull = try cursor.u8() == 2
        default: throw cursor.unsupported("dataspace message version \(version)")
        }
        var dimensions: [Int] = []
        for _ in 0..<rank { dimensions.append(try cursor.length()) }
        if flags & 0x01 != 0 { try cursor.skip(rank * cursor.lengthSize) }
        var total = 1
        for dimension in dimensions {
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= cursor.bytes.count * 8 + 1 else { throw cursor.malformed("dataspace \(dimensions) is larger than the file") }
            total = product
        }
        return HDF5Dataspace(dimensions: dimensions, isNull: isNull)
    }
}

/// Where a dataset's elements are stored.
enum HDF5Layout {
    case compact(ArraySlice<UInt8>)
    case contiguous(address: UInt64, size: Int)
    /// Chunked (layout v3): the chunk B-tree and the chunk shape (without the element-size dimension).
    case chunked(btree: UInt64, chunk: [Int])
    /// Chunked (layout v4) with a single chunk, or chunks stored one after another (implicit index).
    case chunkedImplicit(address: UInt64, chunk: [Int])
    /// Chunked (layout v4) with a fixed-array chunk index.
    case chunkedFixedArray(header: UInt64, chunk: [Int])

    static func parse(_ cursor: inout HDF5Cursor) throws(ConvertError) -> HDF5Layout {
        let version = try cursor.u8()
        guard version == 3 || version == 4 else { throw cursor.unsupported("data layout message version \(version)") }
        switch try cursor.u8() {
        case 0:
            let size = try cursor.u16()
            return .compact(try cursor.take(size))
        case 1:
            let address = try cursor.address()
            let size = try cursor.length()
            return .contiguous(address: address, size: size)
        case 2 where version == 3:
            let rank = Int(try cursor.u8())
            guard rank >= 1 else { throw cursor.malformed("chunked layout of rank 0") }
            let btree = try cursor.address()
            var chunk: [Int] = []
            for _ in 0..<rank { chunk.append(try cursor.u32()) }
            chunk.removeLast()  // the element size
            return .chunked(btree: btree, chunk: chunk)
        case 2:
            let flags = try cursor.u8()
            let rank = Int(try cursor.u8())
            let width = Int(try cursor.u8())
            guard rank >= 1, (1...8).contains(width) else { throw cursor.malformed("chunked layout of rank \(rank), width \(width)") }
            var chunk: [Int] = []
            for _ in 0..<rank { chunk.append(try cursor.count(width)) }
            chunk.removeLast()
            let index = try cursor.u8()
            switch index {
            case 1:
                if flags & 0x02 != 0 { throw cursor.unsupported("filters (compression) on a single-chunk dataset") }
                return .chunkedImplicit(address: try cursor.address(), chunk: chunk)
            case 2:
                return .chunkedImplicit(address: try cursor.address(), chunk: chunk)
            case 3:
                try cursor.skip(1)  // page bits
                return .chunkedFixedArray(header: try cursor.address(), chunk: chunk)
            default:
                throw cursor.unsupported("chunk index type \(index) (extensible array or v2 B-tree)")
            }
        case let other:
            throw cursor.unsupported("data layout class \(other)")
        }
    }
}

/// One attribute: its type, shape and raw element bytes.
struct HDF5RawAttribute {
    var name: String
    var datatype: HDF5Datatype
    var elementSize: Int
    var dataspace: HDF5Dataspace
    var data: ArraySlice<UInt8>

    static func parse(_ cursor: inout HDF5Cursor) throws(ConvertError) -> HDF5RawAttribute {
        let version = try cursor.u8()
        let flags = try cursor.u8()
        guard (1...3).contains(version) else { throw cursor.unsupported("attribute message version \(version)") }
        guard version == 1 || flags & 0x03 == 0 else { throw cursor.unsupported("shared attribute datatypes or dataspaces") }
        let nameSize = try cursor.u16(), datatypeSize = try cursor.u16(), dataspaceSize = try cursor.u16()
        if version == 3 { _ = try cursor.u8() }
        func padded(_ size: Int) -> Int { version == 1 ? (size + 7) & ~7 : size }
        var nameCursor = cursor
        nameCursor.end = min(cursor.end, cursor.position + nameSize)
        let name = try nameCursor.cString()
        try cursor.skip(padded(nameSize))
        var typeCursor = cursor
        typeCursor.end = min(cursor.end, cursor.position + datatypeSize)
        let (datatype, elementSize) = try HDF5Datatype.parse(&typeCursor)
        try cursor.skip(padded(datatypeSize))
        var spaceCursor = cursor
        spaceCursor.end = min(cursor.end, cursor.position + dataspaceSize)
        let dataspace = try HDF5Dataspace.parse(&spaceCursor)
        try cursor.skip(padded(dataspaceSize))
        let count = dataspace.elementCount * elementSize
        let data = try cursor.take(count)
        return HDF5RawAttribute(name: name, datatype: datatype, elementSize: elementSize, dataspace: dataspace, data: data)
    }
}

/// The messages of one object header that Swiftlet uses.
struct HDF5ObjectHeader {
    var dataspace: HDF5Dataspace?
    var datatype: (HDF5Datatype, Int)?
    var layout: HDF5Layout?
    var hasFilters = false
    var attributes: [HDF5RawAttribute] = []
    /// Symbol-table group: B-tree and local heap addresses.
    var symbolTable: (btree: UInt64, heap: UInt64)?
    /// Link-message group members (name, object header address), in message order.
    var links: [(String, UInt64)] = []

    /// Parses the object header at `address` (version 1 or 2), following continuation blocks.
    static func parse(at address: UInt64, base: HDF5Cursor) throws(ConvertError) -> HDF5ObjectHeader {
        var header = HDF5ObjectHeader()
        var start = try base.at(address, context: "object header at \(address)")
        var blocks: [(cursor: HDF5Cursor, version: Int)] = []
        if try start.take(4).elementsEqual("OHDR".utf8) {
            let version = try start.u8()
            guard version == 2 else { throw start.unsupported("object header version \(version)") }
            let flags = try start.u8()
            if flags & 0x20 != 0 { try start.skip(16) }
            if flags & 0x10 != 0 { try start.skip(4) }
            let size = try start.count(1 << Int(flags & 0x03))
            var block = start
            block.end = min(start.end, start.position + size)
            try block.require(size)
            blocks.append((block, flags & 0x04 != 0 ? 3 : 2))
        } else {
            start.position -= 4
            let version = try start.u8()
            guard version == 1 else { throw start.malformed("object header version \(version)") }
            try start.skip(1)
            _ = try start.u16()  // message count
            _ = try start.u32()  // reference count
            let size = try start.u32()
            try start.skip(4)    // alignment padding
            var block = start
            block.end = min(start.end, start.position + size)
            try block.require(size)
            blocks.append((block, 1))
        }
        var visitedBlocks = 0
        while !blocks.isEmpty {
            var (cursor, version) = blocks.removeFirst()
            visitedBlocks += 1
            guard visitedBlocks < 10_000 else { throw cursor.malformed("too many continuation blocks") }
            let headerSize = version == 1 ? 8 : (version == 3 ? 6 : 4)
            while cursor.end - cursor.position >= headerSize {
                let type: Int, size: Int, flags: UInt8
                if version == 1 {
                    type = try cursor.u16(); size = try cursor.u16(); flags = try cursor.u8(); try cursor.skip(3)
                } else {
                    type = Int(try cursor.u8()); size = try cursor.u16(); flags = try cursor.u8()
                    if version == 3 { try cursor.skip(2) }
                }
                var message = cursor
                try message.require(size)
                message.end = cursor.position + size
                try cursor.skip(size)
                if flags & 0x02 != 0, [1, 3, 8, 12].contains(type) { throw message.unsupported("shared object header messages") }
                switch type {
                case 0x01: header.dataspace = try HDF5Dataspace.parse(&message)
                case 0x02:
                    try message.skip(1)
                    let flags = try message.u8()
                    if flags & 0x01 != 0 { try message.skip(8) }
                    if try message.address() != HDF5Cursor.undefined { throw message.unsupported("dense link storage (fractal heap)") }
                case 0x03: header.datatype = try HDF5Datatype.parse(&message)
                case 0x06: if let link = try parseLink(&message) { header.links.append(link) }
                case 0x08: header.layout = try HDF5Layout.parse(&message)
                case 0x0B: header.hasFilters = true
                case 0x0C: header.attributes.append(try HDF5RawAttribute.parse(&message))
                case 0x10:
                    let offset = try message.address()
                    let length = try message.length()
                    if version == 1 {
                        blocks.append((try base.at(offset, count: length, context: "object header continuation"), 1))
                    } else {
                        var block = try base.at(offset, count: length, context: "object header continuation")
                        try block.expect(signature: "OCHK")
                        block.end -= 4  // checksum
                        blocks.append((block, version))
                    }
                case 0x11: header.symbolTable = (try message.address(), try message.address())
                case 0x15:
                    try message.skip(1)
                    let flags = try message.u8()
                    if flags & 0x01 != 0 { try message.skip(2) }
                    if try message.address() != HDF5Cursor.undefined { throw message.unsupported("dense attribute storage (fractal heap)") }
                default: break
                }
            }
        }
        return header
    }

    /// A link message: hard links give (name, address); soft and external links are skipped.
    private static func parseLink(_ cursor: inout HDF5Cursor) throws(ConvertError) -> (String, UInt64)? {
        let version = try cursor.u8()
        guard version == 1 else { throw cursor.unsupported("link message version \(version)") }
        let flags = try cursor.u8()
        var linkType: UInt8 = 0
        if flags & 0x08 != 0 { linkType = try cursor.u8() }
        if flags & 0x04 != 0 { try cursor.skip(8) }
        if flags & 0x10 != 0 { try cursor.skip(1) }
        let nameLength = try cursor.count(1 << Int(flags & 0x03))
        let name = String(decoding: try cursor.take(nameLength), as: UTF8.self)
        guard linkType == 0 else { return nil }
        return (name, try cursor.address())
    }
}
