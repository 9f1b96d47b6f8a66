/// Reads `.npz` files: zip archives of `.npy` members, stored (`numpy.savez`) or
/// deflated (`numpy.savez_compressed`).
enum NpzReader {
    /// Decodes a whole `.npz` file. `path` names the file in errors; errors about one
    /// member name it as `<path>, member '<name>'`.
    static func decode(_ bytes: [UInt8], path: String) throws(ToolsError) -> NumPyArchive {
        var result = NumPyArchive()
        var keys = Set<String>()
        for member in try ZipDirectory.members(of: bytes, path: path) where !member.isDirectory {
            let memberPath = "\(path), member '\(member.name)'"
            let content = try ZipDirectory.content(of: member, in: bytes, memberPath: memberPath)
            guard content.starts(with: NpyHeader.magic) else {
                throw .invalidNumPy(path: memberPath, reason: "is not a .npy array (it does not start with \\x93NUMPY)")
            }
            let array = try NpyReader.decode(content, path: memberPath)
            // numpy.load strips ".npy" from member names to form the keys.
            let key = member.name.hasSuffix(".npy") ? String(member.name.dropLast(4)) : member.name
            guard keys.insert(key).inserted else {
                throw .invalidNumPy(path: path, reason: "two members are named '\(key)'")
            }
            result[key] = array
        }
        return result
    }
}
