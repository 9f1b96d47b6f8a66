import Foundation
import ZIPFoundation

/// Writes `.npz` files: zip archives whose members are `.npy` files.
enum NpzWriter {
    /// Zip members are stamped 1980-01-01 00:00 (the earliest zip date, as numpy does),
    /// so that writing the same arrays twice gives the same bytes.
    static let memberDate = Date(timeIntervalSince1970: 315_532_800)

    /// The bytes of an `.npz` holding `archive`'s arrays as `<name>.npy` members, stored
    /// (like `numpy.savez`) or deflated (like `numpy.savez_compressed`).
    /// `path` only names the destination in errors.
    static func encode(_ archive: NumPyArchive, compressed: Bool, path: String) throws(ToolsError) -> [UInt8] {
        if archive.names.contains(where: \.isEmpty) {
            throw .invalidArgument("cannot write \(path): an array name is empty")
        }
        do {
            let zip = try Archive(data: Data(), accessMode: .create)
            for entry in archive.entries {
                let member = NpyWriter.encode(entry.array)
                try zip.addEntry(
                    with: entry.name + ".npy", type: .file, uncompressedSize: Int64(member.count),
                    modificationDate: memberDate, permissions: 0o644,
                    compressionMethod: compressed ? .deflate : .none
                ) { position, size in
                    let start = min(max(0, Int(position)), member.count)
                    return Data(member[start..<min(start + size, member.count)])
                }
            }
            guard let data = zip.data else {
                throw ToolsError.unwritable(path: path, reason: "the zip archive could not be assembled in memory")
            }
            return [UInt8](data)
        } catch let error as ToolsError {
            throw error
        } catch {
            throw .unwritable(path: path, reason: "the zip archive could not be assembled (\(error))")
        }
    }
}
