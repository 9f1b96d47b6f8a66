/// A group or dataset of an `HDF5File`.
public struct HDF5Object {
    let file: HDF5File
    /// The object's name within its parent ("/" for the root).
    public let name: String
    let address: UInt64
    let header: HDF5ObjectHeader

    init(file: HDF5File, name: String, address: UInt64, header: HDF5ObjectHeader) {
        self.file = file
        self.name = name
        self.address = address
        self.header = header
    }

    /// Whether the object is a dataset (it has a layout).
    public var isDataset: Bool { header.layout != nil }

    /// The names of a group's members, in the file's order (symbol-table groups: sorted by name).
    public func childNames() throws(ConvertError) -> [String] {
        try members().map { $0.0 }
    }

    private func members() throws(ConvertError) -> [(String, UInt64)] {
        var result = header.links
        if let table = header.symbolTable {
            result += try file.symbolTableMembers(btree: table.btree, heap: table.heap)
        }
        return result
    }

    /// The member `childName` of this group.
    public func child(_ childName: String) throws(ConvertError) -> HDF5Object {
        guard let member = try members().first(where: { $0.0 == childName }) else {
            throw .malformed(path: file.path, reason: "HDF5 group \(name) has no member \(childName)")
        }
        return try file.object(at: member.1, name: childName)
    }

    /// Whether the group has a member `childName`.
    public func hasChild(_ childName: String) throws(ConvertError) -> Bool {
        try members().contains { $0.0 == childName }
    }

    // MARK: - Attributes

    /// Attribute names, in the file's order.
    public var attributeNames: [String] { header.attributes.map(\.name) }

    /// The strings of attribute `attribute` (a scalar gives one); nil when absent. Attributes that
    /// h5py split into `name0`, `name1`, … are joined.
    public func strings(attribute attribute: String) throws(ConvertError) -> [String]? {
        if let raw = header.attributes.first(where: { $0.name == attribute }) {
            return try strings(of: raw)
        }
        var chunks: [String] = []
        var index = 0
        while let raw = header.attributes.first(where: { $0.name == "\(attribute)\(index)" }) {
            chunks += try strings(of: raw)
            index += 1
        }
        return index == 0 ? nil : chunks
    }

    /// A scalar string attribute (or the concatenation of h5py's split parts); nil when absent.
    public func string(attribute attribute: String) throws(ConvertError) -> String? {
        try strings(attribute: attribute).map { $0.joined() }
    }

    private func strings(of raw: HDF5RawAttribute) throws(ConvertError) -> [String] {
        let count = raw.dataspace.elementCount
        if count == 0 { return [] }  // h5py writes an empty list as an empty float array
        switch raw.datatype {
        case .fixedString(let size):
            return (0..<count).map { index in
                let start = raw.data.startIndex + index * size
                var bytes = Array(raw.data[start..<(start + size)])
                if let end = bytes.firstIndex(of: 0) { bytes.removeSubrange(end...) }
                while bytes.last == 0x20 { bytes.removeLast() }
                return String(decoding: bytes, as: UTF8.self)
            }
        case .variableString:
            var result: [String] = []
            var cursor = HDF5Cursor(bytes: Array(raw.data), path: file.path, offsetSize: file.base.offsetSize,
                                    lengthSize: file.base.lengthSize, at: 0, context: "attribute \(raw.name)")
            for _ in 0..<count {
                let length = try cursor.u32()
                let collection = try cursor.address()
                let index = try cursor.u32()
                if length == 0 { result.append(""); continue }
                let object = try file.globalHeapObject(collection: collection, index: index)
                guard length <= object.count else { throw cursor.malformed("string of \(length) bytes in a \(object.count)-byte heap object") }
                result.append(String(decoding: object.prefix(length), as: UTF8.self))
            }
            return result
        default:
            throw .malformed(path: file.path, reason: "HDF5 attribute \(raw.name) of \(name) is not a string")
        }
    }

    // MARK: - Datasets

    /// The dataset's dimensions (empty for a scalar).
    public func shape() throws(ConvertError) -> [Int] {
        guard let space = header.dataspace, isDataset else { throw notADataset() }
        return space.dimensions
    }

    /// The dataset's element type.
    public func datatype() throws(ConvertError) -> HDF5Datatype {
        guard let type = header.datatype, isDataset else { throw notADataset() }
        return type.0
    }

    /// The dataset's values converted to Float (from float32, float64 or integers).
    public func floats() throws(ConvertError) -> [Float] {
        let (type, size) = header.datatype ?? (.other(typeClass: -1, size: 0), 0)
        let raw = try rawBytes(elementSize: size)
        switch type {
        case .float(4):
            return GraphTensor.values(of: raw, as: Float.self)
        case .float(8):
            return GraphTensor.values(of: raw, as: Double.self).map { Float($0) }
        case .integer(let width, let signed):
            return stride(from: 0, to: raw.count, by: width).map { start in
                var value: UInt64 = 0
                for i in 0..<width { value |= UInt64(raw[start + i]) << (8 * i) }
                if signed && width < 8 && value & (UInt64(1) << (8 * width - 1)) != 0 { value |= ~((UInt64(1) << (8 * width)) - 1) }
                return signed ? Float(Int64(bitPattern: value)) : Float(value)
            }
        default:
            throw .malformed(path: file.path, reason: "HDF5 dataset \(name) does not hold numbers")
        }
    }

    private func notADataset() -> ConvertError {
        .malformed(path: file.path, reason: "HDF5 object \(name) is not a dataset")
    }

    /// The dataset's element bytes in row-major order.
    func rawBytes(elementSize: Int) throws(ConvertError) -> [UInt8] {
        guard let layout = header.layout, let space = header.dataspace else { throw notADataset() }
        let (total, overflow) = space.elementCount.multipliedReportingOverflow(by: elementSize)
        guard !overflow, total <= file.base.bytes.count * 16 + (1 << 20) else {
            throw .malformed(path: file.path, reason: "HDF5 dataset \(name): \(space.dimensions) elements of \(elementSize) bytes cannot come from this file")
        }
        switch layout {
        case .compact(let data):
            guard data.count >= total else { throw .malformed(path: file.path, reason: "HDF5 dataset \(name): compact data too short") }
            return Array(data.prefix(total))
        case .contiguous(let address, let size):
            if address == HDF5Cursor.undefined { return [UInt8](repeating: 0, count: total) }  // never written: fill value 0
            guard size >= total else { throw .malformed(path: file.path, reason: "HDF5 dataset \(name): \(size) bytes stored, \(total) needed") }
            var cursor = try file.base.at(address, count: total, context: "dataset \(name)")
            return Array(try cursor.take(total))
        case .chunked(let btree, let chunk):
            guard !header.hasFilters else { throw file.base.unsupported("filters (compression) on chunked dataset \(name)") }
            return try chunkedBytes(btree: btree, chunk: chunk, dimensions: space.dimensions, elementSize: elementSize, total: total)
        case .chunkedImplicit(let address, let chunk):
            guard !header.hasFilters else { throw file.base.unsupported("filters (compression) on chunked dataset \(name)") }
            let grid = try chunkGrid(chunk, space.dimensions)
            return try assemble(chunk: chunk, dimensions: space.dimensions, elementSize: elementSize, total: total,
                                addresses: try implicitAddresses(address, count: grid.count, chunkBytes: chunkByteCount(chunk, elementSize)),
                                origins: grid.map(\.origin))
        case .chunkedFixedArray(let headerAddress, let chunk):
            guard !header.hasFilters else { throw file.base.unsupported("filters (compression) on chunked dataset \(name)") }
            let grid = try chunkGrid(chunk, space.dimensions)
            var cursor = try file.base.at(headerAddress, context: "fixed array header of \(name)")
            try cursor.expect(signature: "FAHD")
            try cursor.skip(2)  // version, client
            let entrySize = Int(try cursor.u8())
            let pageBits = Int(try cursor.u8())
            let entries = try cursor.length()
            let block = try cursor.address()
            guard entries == grid.count, entrySize == cursor.offsetSize else { throw cursor.malformed("fixed array of \(entries) entries for \(grid.count) chunks") }
            guard pageBits >= 63 || entries <= (1 << pageBits) else { throw cursor.unsupported("paged fixed-array chunk index") }
            var data = try file.base.at(block, context: "fixed array data block of \(name)")
            try data.expect(signature: "FADB")
            try data.skip(2)
            _ = try data.address()
            var addresses: [UInt64] = []
            for _ in 0..<entries { addresses.append(try data.address()) }
            return try assemble(chunk: chunk, dimensions: space.dimensions, elementSize: elementSize, total: total,
                                addresses: addresses, origins: grid.map(\.origin))
        }
    }

    /// The chunks covering `dimensions` in row-major order: origin, position and size in bytes.
    private func implicitAddresses(_ address: UInt64, count: Int, chunkBytes: Int) throws(ConvertError) -> [UInt64] {
        guard address != HDF5Cursor.undefined else { return [UInt64](repeating: address, count: count) }
        guard count.multipliedReportingOverflow(by: chunkBytes).partialValue <= file.base.bytes.count,
              !count.multipliedReportingOverflow(by: chunkBytes).overflow else {
            throw .malformed(path: file.path, reason: "HDF5 dataset \(name): chunks pass the file's end")
        }
        return (0..<count).map { address + UInt64($0 * chunkBytes) }
    }

    private func chunkByteCount(_ chunk: [Int], _ elementSize: Int) throws(ConvertError) -> Int {
        var chunkBytes = elementSize
        for size in chunk {
            let (product, overflow) = chunkBytes.multipliedReportingOverflow(by: size)
            guard !overflow, product <= file.base.bytes.count else {
                throw .malformed(path: file.path, reason: "HDF5 dataset \(name): chunk \(chunk) is larger than the file")
            }
            chunkBytes = product
        }
        return chunkBytes
    }

    private func chunkGrid(_ chunk: [Int], _ dimensions: [Int]) throws(ConvertError) -> [(origin: [Int], ordinal: Int)] {
        guard chunk.count == dimensions.count, chunk.allSatisfy({ $0 > 0 }) else {
            throw .malformed(path: file.path, reason: "HDF5 dataset \(name): chunk \(chunk) does not fit shape \(dimensions)")
        }
        let counts = zip(dimensions, chunk).map { ($0 + $1 - 1) / $1 }
        let total = counts.reduce(1, *)
        guard total <= file.base.bytes.count else { throw .malformed(path: file.path, reason: "HDF5 dataset \(name): too many chunks") }
        var result: [(origin: [Int], ordinal: Int)] = []
        var index = [Int](repeating: 0, count: counts.count)
        for ordinal in 0..<total {
            result.append((zip(index, chunk).map { $0 * $1 }, ordinal))
            var d = counts.count - 1
            while d >= 0 { index[d] += 1; if index[d] < counts[d] { break }; index[d] = 0; d -= 1 }
        }
        return result
    }

    /// Copies the chunks at `addresses` (undefined: never written, zeros) into a row-major array.
    private func assemble(chunk: [Int], dimensions: [Int], elementSize: Int, total: Int, addresses: [UInt64],
                          origins: [[Int]]) throws(ConvertError) -> [UInt8] {
        let chunkBytes = try chunkByteCount(chunk, elementSize)
        var output = [UInt8](repeating: 0, count: total)
        for (address, origin) in zip(addresses, origins) where address != HDF5Cursor.undefined {
            var source = try file.base.at(address, count: chunkBytes, context: "chunk of \(name)")
            try copy(chunk: try source.take(chunkBytes), origin: origin, chunkShape: chunk, into: &output,
                     dimensions: dimensions, elementSize: elementSize)
        }
        return output
    }

    private func chunkedBytes(btree: UInt64, chunk: [Int], dimensions: [Int], elementSize: Int, total: Int) throws(ConvertError) -> [UInt8] {
        guard chunk.count == dimensions.count, chunk.allSatisfy({ $0 > 0 }) else {
            throw .malformed(path: file.path, reason: "HDF5 dataset \(name): chunk \(chunk) does not fit shape \(dimensions)")
        }
        var output = [UInt8](repeating: 0, count: total)
        if btree == HDF5Cursor.undefined { return output }
        let rank = dimensions.count
        let chunkBytes = try chunkByteCount(chunk, elementSize)
        var pending = [btree]
        var visited = Set<UInt64>()
        while let node = pending.popLast() {
            guard visited.insert(node).inserted, visited.count < 1_000_000 else { throw file.base.malformed("chunk B-tree has a cycle") }
            var cursor = try file.base.at(node, context: "chunk B-tree of \(name)")
            try cursor.expect(signature: "TREE")
            guard try cursor.u8() == 1 else { throw cursor.malformed("chunk B-tree node of another type") }
            let level = try cursor.u8()
            let entries = try cursor.u16()
            _ = try cursor.address()
            _ = try cursor.address()
            for _ in 0..<entries {
                let storedSize = try cursor.u32()
                _ = try cursor.u32()  // filter mask
                var origin: [Int] = []
                for _ in 0...rank { origin.append(try cursor.count(8)) }
                let child = try cursor.address()
                if level > 0 { pending.append(child); continue }
                guard storedSize >= chunkBytes else { throw cursor.malformed("chunk of \(storedSize) bytes, \(chunkBytes) expected") }
                var source = try file.base.at(child, count: chunkBytes, context: "chunk of \(name)")
                let data = try source.take(chunkBytes)
                try copy(chunk: data, origin: Array(origin.prefix(rank)), chunkShape: chunk, into: &output,
                         dimensions: dimensions, elementSize: elementSize)
            }
        }
        return output
    }

    /// Copies the in-bounds part of one chunk into the row-major output.
    private func copy(chunk data: ArraySlice<UInt8>, origin: [Int], chunkShape: [Int], into output: inout [UInt8],
                      dimensions: [Int], elementSize: Int) throws(ConvertError) {
        let rank = dimensions.count
        guard zip(origin, dimensions).allSatisfy({ $0 < $1 || $1 == 0 }) else {
            throw .malformed(path: file.path, reason: "HDF5 dataset \(name): chunk at \(origin) outside \(dimensions)")
        }
        if rank == 0 {
            output.replaceSubrange(0..<elementSize, with: data.prefix(elementSize))
            return
        }
        // Walk every row (last dimension) of the chunk.
        var index = [Int](repeating: 0, count: rank)
        let rowLength = min(chunkShape[rank - 1], dimensions[rank - 1] - origin[rank - 1])
        while true {
            var inBounds = true
            var target = 0, source = 0
            for d in 0..<rank {
                let position = origin[d] + index[d]
                if position >= dimensions[d] { inBounds = false }
                target = target * dimensions[d] + position
                source = source * chunkShape[d] + index[d]
            }
            if inBounds && rowLength > 0 {
                let from = data.startIndex + source * elementSize
                output.replaceSubrange((target * elementSize)..<((target + rowLength) * elementSize),
                                       with: data[from..<(from + rowLength * elementSize)])
            }
            // Next row: increment the index over all but the last dimension.
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                if index[d] < chunkShape[d] { break }
                index[d] = 0
                d -= 1
            }
            if d < 0 { return }
        }
    }
}
