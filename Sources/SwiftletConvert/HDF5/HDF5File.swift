import Foundation

/// A read-only HDF5 file, in pure Swift: the subset h5py writes for Keras — superblock versions
/// 0–3, object headers v1/v2 with continuations, symbol-table and link-message groups,
/// attributes (numbers, fixed and variable-length strings), contiguous, compact and chunked
/// (unfiltered) datasets of little-endian integers and floats. Every structure is bounds-checked;
/// a file outside the subset gives `ConvertError.unsupportedHDF5` naming the feature.
public final class HDF5File {
    /// The path used in error messages.
    public let path: String
    let base: HDF5Cursor
    private let rootAddress: UInt64
    private let rootHeader: HDF5ObjectHeader
    /// The root group.
    public var root: HDF5Object { HDF5Object(file: self, name: "/", address: rootAddress, header: rootHeader) }
    private var globalHeaps: [UInt64: [Int: ArraySlice<UInt8>]] = [:]

    /// Reads the file at `path`.
    public convenience init(path: String) throws(ConvertError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidInput("\(path): cannot read the file")
        }
        try self.init(bytes: [UInt8](data), path: path)
    }

    /// Parses the superblock and the root group of `bytes`.
    public init(bytes: [UInt8], path: String) throws(ConvertError) {
        self.path = path
        let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
        var start = -1
        var candidate = 0
        while candidate + 8 <= bytes.count {
            if Array(bytes[candidate..<(candidate + 8)]) == signature { start = candidate; break }
            candidate = candidate == 0 ? 512 : candidate * 2
        }
        guard start >= 0 else { throw .unsupportedFormat(path: path, reason: "no HDF5 signature") }
        var cursor = HDF5Cursor(bytes: bytes, path: path, offsetSize: 8, lengthSize: 8, at: start + 8, context: "superblock")
        let version = try cursor.u8()
        let offsetSize: Int, lengthSize: Int
        let rootAddress: UInt64
        var baseAddress: UInt64
        switch version {
        case 0, 1:
            try cursor.skip(4)
            offsetSize = Int(try cursor.u8())
            lengthSize = Int(try cursor.u8())
            try cursor.skip(1 + 4 + 4 + (version == 1 ? 4 : 0))
            guard [2, 4, 8].contains(offsetSize), [2, 4, 8].contains(lengthSize) else {
                throw cursor.malformed("offset size \(offsetSize) / length size \(lengthSize)")
            }
            cursor = HDF5Cursor(bytes: bytes, path: path, offsetSize: offsetSize, lengthSize: lengthSize, at: cursor.position, context: "superblock")
            baseAddress = try cursor.address()
            _ = try cursor.address()  // free space
            _ = try cursor.address()  // end of file
            _ = try cursor.address()  // driver information
            _ = try cursor.address()  // root entry: link name offset
            rootAddress = try cursor.address()
        case 2, 3:
            offsetSize = Int(try cursor.u8())
            lengthSize = Int(try cursor.u8())
            try cursor.skip(1)
            guard [2, 4, 8].contains(offsetSize), [2, 4, 8].contains(lengthSize) else {
                throw cursor.malformed("offset size \(offsetSize) / length size \(lengthSize)")
            }
            cursor = HDF5Cursor(bytes: bytes, path: path, offsetSize: offsetSize, lengthSize: lengthSize, at: cursor.position, context: "superblock")
            baseAddress = try cursor.address()
            _ = try cursor.address()  // superblock extension
            _ = try cursor.address()  // end of file
            rootAddress = try cursor.address()
        default:
            throw cursor.unsupported("superblock version \(version)")
        }
        if baseAddress == HDF5Cursor.undefined { baseAddress = 0 }
        guard baseAddress == 0 || baseAddress == UInt64(start) else {
            throw cursor.unsupported("a base address (\(baseAddress)) other than the superblock's")
        }
        // Addresses are relative to the base address: view the file from there.
        let relative = baseAddress == 0 ? bytes : Array(bytes[start...])
        base = HDF5Cursor(bytes: relative, path: path, offsetSize: offsetSize, lengthSize: lengthSize, at: 0, context: "file")
        self.rootAddress = rootAddress
        rootHeader = try HDF5ObjectHeader.parse(at: rootAddress, base: base)
    }

    /// The object (group or dataset) at a slash-separated path from the root.
    public func object(at objectPath: String) throws(ConvertError) -> HDF5Object {
        var current: HDF5Object = root
        for component in objectPath.split(separator: "/") {
            current = try current.child(String(component))
        }
        return current
    }

    func object(at address: UInt64, name: String) throws(ConvertError) -> HDF5Object {
        let header = try HDF5ObjectHeader.parse(at: address, base: base)
        return HDF5Object(file: self, name: name, address: address, header: header)
    }

    /// The members of a symbol-table group: (name, object header address) in B-tree order.
    func symbolTableMembers(btree: UInt64, heap: UInt64) throws(ConvertError) -> [(String, UInt64)] {
        var heapCursor = try base.at(heap, context: "local heap")
        try heapCursor.expect(signature: "HEAP")
        try heapCursor.skip(4)
        let dataSize = try heapCursor.length()
        _ = try heapCursor.length()  // free list
        let dataAddress = try heapCursor.address()
        let names = try base.at(dataAddress, count: dataSize, context: "local heap data")

        var members: [(String, UInt64)] = []
        var pending = [btree]
        var visited = Set<UInt64>()
        while let node = pending.popLast() {
            guard visited.insert(node).inserted, visited.count < 100_000 else { throw base.malformed("group B-tree has a cycle") }
            var cursor = try base.at(node, context: "group B-tree node")
            try cursor.expect(signature: "TREE")
            guard try cursor.u8() == 0 else { throw cursor.malformed("group B-tree node of another type") }
            let level = try cursor.u8()
            let entries = try cursor.u16()
            _ = try cursor.address()  // left sibling
            _ = try cursor.address()  // right sibling
            var children: [UInt64] = []
            for _ in 0..<entries {
                _ = try cursor.length()  // key
                children.append(try cursor.address())
            }
            if level > 0 {
                pending.append(contentsOf: children.reversed())
                continue
            }
            for child in children {
                var symbols = try base.at(child, context: "symbol table node")
                try symbols.expect(signature: "SNOD")
                try symbols.skip(2)
                let count = try symbols.u16()
                for _ in 0..<count {
                    let nameOffset = try symbols.address()
                    let address = try symbols.address()
                    try symbols.skip(4 + 4 + 16)
                    var nameCursor = names
                    guard nameOffset < UInt64(dataSize) else { throw symbols.malformed("link name offset \(nameOffset) outside the local heap") }
                    nameCursor.position += Int(nameOffset)
                    members.append((try nameCursor.cString(), address))
                }
            }
        }
        return members
    }

    /// Object `index` of the global heap collection at `collection`.
    func globalHeapObject(collection: UInt64, index: Int) throws(ConvertError) -> ArraySlice<UInt8> {
        if globalHeaps[collection] == nil {
            var cursor = try base.at(collection, context: "global heap")
            try cursor.expect(signature: "GCOL")
            try cursor.skip(4)
            let size = try cursor.length()
            cursor.end = min(cursor.end, Int(collection) + size)
            var objects: [Int: ArraySlice<UInt8>] = [:]
            while cursor.end - cursor.position >= 8 + cursor.lengthSize {
                let objectIndex = try cursor.u16()
                if objectIndex == 0 { break }
                try cursor.skip(6)
                let objectSize = try cursor.length()
                objects[objectIndex] = try cursor.take(objectSize)
                try cursor.skip(min((8 - objectSize % 8) % 8, cursor.end - cursor.position))
            }
            globalHeaps[collection] = objects
        }
        guard let object = globalHeaps[collection]?[index] else {
            throw base.malformed("global heap object \(index) missing in collection \(collection)")
        }
        return object
    }
}
