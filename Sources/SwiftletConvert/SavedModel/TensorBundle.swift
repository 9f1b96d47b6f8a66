import Foundation
import SwiftProtobuf

/// A TensorFlow checkpoint in the tensor-bundle format (a SavedModel's `variables/` folder):
/// `variables.index`, a LevelDB table mapping checkpoint keys to `BundleEntryProto`s, and the
/// data shards `variables.data-0000K-of-0000N` holding the tensors' little-endian bytes.
struct TensorBundle {
    /// Entries by checkpoint key (the header, key "", excluded).
    let entries: [String: Tensorflow_BundleEntryProto]
    /// The data shards' bytes, by shard id.
    private let shards: [[UInt8]]
    /// The index file's path, for errors.
    let path: String

    /// Reads `prefix.index` and its data shards (`prefix` is e.g. `DIR/variables/variables`).
    init(prefix: String) throws(ConvertError) {
        let indexPath = prefix + ".index"
        path = indexPath
        let table = try LevelDBTable(bytes: try Self.read(indexPath), path: indexPath)
        var header: Tensorflow_BundleHeaderProto?
        var entries: [String: Tensorflow_BundleEntryProto] = [:]
        for (key, value) in table.entries {
            do {
                if key.isEmpty {
                    header = try Tensorflow_BundleHeaderProto(serializedBytes: value)
                } else {
                    entries[String(decoding: key, as: UTF8.self)] = try Tensorflow_BundleEntryProto(serializedBytes: value)
                }
            } catch {
                throw .malformed(path: indexPath, reason: "entry '\(String(decoding: key, as: UTF8.self))' is not a readable bundle proto (\(error))")
            }
        }
        guard let header else { throw .malformed(path: indexPath, reason: "no bundle header (the entry with the empty key)") }
        guard header.endianness == .little else {
            throw .unsupportedFeature("\(indexPath): big-endian tensor bundle; re-save the model on a little-endian machine")
        }
        guard header.numShards >= 1, header.numShards <= 10_000 else {
            throw .malformed(path: indexPath, reason: "bundle header claims \(header.numShards) shards")
        }
        var shards: [[UInt8]] = []
        for shard in 0..<Int(header.numShards) {
            shards.append(try Self.read(prefix + String(format: ".data-%05d-of-%05d", shard, Int(header.numShards))))
        }
        self.entries = entries
        self.shards = shards
    }

    private static func read(_ path: String) throws(ConvertError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .invalidInput("cannot read \(path): \(error.localizedDescription) (a SavedModel folder holds saved_model.pb and variables/variables.index + .data files)")
        }
    }

    /// The raw bytes of the tensor stored under `key`, its checksum verified.
    func bytes(_ key: String) throws(ConvertError) -> (entry: Tensorflow_BundleEntryProto, bytes: [UInt8]) {
        guard let entry = entries[key] else {
            throw .malformed(path: path, reason: "the checkpoint has no tensor '\(key)'")
        }
        guard entry.slices.isEmpty else {
            throw .unsupportedFeature("\(path): tensor '\(key)' is stored in slices (partitioned variables); re-save it whole")
        }
        let shard = Int(entry.shardID), offset = Int(entry.offset), size = Int(entry.size)
        guard shard >= 0, shard < shards.count else {
            throw .malformed(path: path, reason: "tensor '\(key)' is in shard \(shard) of \(shards.count)")
        }
        let data = shards[shard]
        guard offset >= 0, size >= 0, offset <= data.count, data.count - offset >= size else {
            throw .malformed(path: path, reason: "tensor '\(key)' at \(offset) of \(size) bytes runs past the end of its \(data.count)-byte data shard")
        }
        let bytes = Array(data[offset..<(offset + size)])
        // String tensors are checksummed over their length prefixes and bytes separately; numeric ones whole.
        if entry.dtype != .dtString, entry.crc32C != 0, CRC32C.masked(CRC32C.checksum(bytes, 0..<bytes.count)) != entry.crc32C {
            throw .malformed(path: path, reason: "tensor '\(key)' fails its CRC-32C check (the data shard is corrupted)")
        }
        return (entry, bytes)
    }

    /// The numeric tensor stored under `key`.
    func tensor(_ key: String) throws(ConvertError) -> TFConstant {
        let (entry, bytes) = try self.bytes(key)
        let shape = entry.shape.dim.map { Int($0.size) }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw .malformed(path: path, reason: "tensor '\(key)' has shape \(shape)") }
        let values = try TFDataType.decode(bytes, dtype: entry.dtype, count: shape.reduce(1, *), label: "\(path): tensor '\(key)'")
        return TFConstant(shape: shape, values: values, dtype: entry.dtype)
    }

    /// The scalar string tensor stored under `key` (a varint length, a 4-byte checksum, the bytes).
    func scalarString(_ key: String) throws(ConvertError) -> [UInt8] {
        let (entry, bytes) = try self.bytes(key)
        guard entry.dtype == .dtString else { throw .malformed(path: path, reason: "tensor '\(key)' is not a string") }
        var cursor = ByteCursor(bytes: bytes, position: 0, limit: bytes.count, path: path)
        let length = try cursor.varint()
        _ = try cursor.take(4)
        return try cursor.take(length)
    }
}
