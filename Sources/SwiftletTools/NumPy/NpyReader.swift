/// Decodes the bytes of a `.npy` file into a `NumPyArray`.
enum NpyReader {
    /// Decodes a whole `.npy` file. `path` only names the file in errors.
    /// - Throws: `ToolsError.invalidNumPy` for malformed or truncated input,
    ///   `ToolsError.unsupportedNumPy` for valid files Swiftlet does not read.
    static func decode(_ bytes: [UInt8], path: String) throws(ToolsError) -> NumPyArray {
        let header = try NpyHeader.parse(bytes, path: path)
        let found = bytes.count - header.dataOffset
        let expected = header.dataByteCount
        let what = "shape \(NumPyShape.describe(header.shape)) of \(header.dtype) needs \(expected) bytes of data"
        guard found >= expected else {
            throw .invalidNumPy(path: path, reason: "truncated data: \(what), found \(found)")
        }
        guard found == expected else {
            throw .invalidNumPy(path: path, reason: "data length mismatch: \(what), but \(found) bytes follow the header")
        }
        var data = Array(bytes[header.dataOffset...])
        if header.bigEndian {
            data = NumPyBytes.swapped(data, itemSize: header.dtype.itemSize)
        }
        return NumPyArray(unchecked: header.dtype, shape: header.shape, data: data)
    }
}
