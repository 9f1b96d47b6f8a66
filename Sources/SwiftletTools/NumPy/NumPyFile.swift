import Foundation

/// Reads and writes NumPy `.npy` (one array) and `.npz` (named arrays) files.
///
/// Reading accepts what `numpy.save` / `numpy.savez` / `numpy.savez_compressed`
/// write for the dtypes in `NumPyDType`: format versions 1.0, 2.0 and 3.0, any
/// byte order (big-endian data is converted), 0-d and empty arrays. Malformed
/// input throws `ToolsError.invalidNumPy`, valid but unsupported input (Fortran
/// order, object, string, structured, complex dtypes…) throws
/// `ToolsError.unsupportedNumPy`; no input makes it trap.
///
/// Writing produces exactly the bytes `numpy.save` writes, and goes through
/// `AtomicFileWriter`, so a failed write never leaves a partial file behind.
public enum NumPyFile {
    /// The two file kinds.
    public enum Format: Sendable, Equatable {
        /// A single array (`numpy.save`).
        case npy
        /// A zip of `.npy` members (`numpy.savez`, `numpy.savez_compressed`).
        case npz
    }

    // MARK: - Files

    /// Reads a `.npy` or `.npz` file, telling them apart by their first bytes (or, failing
    /// that, by the extension). A `.npy` file gives one entry named after the file without
    /// its extension (`"weights"` for `weights.npy`); an `.npz` gives its members in order.
    /// - Throws: `ToolsError.fileNotFound`, `.unreadable`, `.invalidNumPy`, `.unsupportedNumPy`.
    public static func read(_ path: String) throws(ToolsError) -> NumPyArchive {
        let bytes = try FileReader.read(path)
        switch format(of: bytes) ?? (path.lowercased().hasSuffix(".npz") ? .npz : .npy) {
        case .npz:
            return try NpzReader.decode(bytes, path: path)
        case .npy:
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            return NumPyArchive([.init(name: name, array: try NpyReader.decode(bytes, path: path))])
        }
    }

    /// Reads the single array of a `.npy` file.
    /// - Throws: `ToolsError.fileNotFound`, `.unreadable`, `.invalidNumPy`, `.unsupportedNumPy`;
    ///   `.invalidArgument` if the file is an `.npz` archive (use `read` or `readArchive`).
    public static func readArray(_ path: String) throws(ToolsError) -> NumPyArray {
        let bytes = try FileReader.read(path)
        if format(of: bytes) == .npz {
            throw .invalidArgument("\(path) is an .npz archive, not a single .npy array; read it with NumPyFile.read or NumPyFile.readArchive")
        }
        return try NpyReader.decode(bytes, path: path)
    }

    /// Reads the arrays of an `.npz` archive, in archive order, keyed by member name
    /// without `.npy`. Stored and deflated members are both accepted.
    /// - Throws: `ToolsError.fileNotFound`, `.unreadable`, `.invalidNumPy`, `.unsupportedNumPy`;
    ///   errors about one member name it as `<path>, member '<name>'`.
    public static func readArchive(_ path: String) throws(ToolsError) -> NumPyArchive {
        try NpzReader.decode(try FileReader.read(path), path: path)
    }

    /// Writes `array` as a `.npy` file (what `numpy.save` writes), atomically.
    /// - Throws: `ToolsError.unwritable` (for example when the folder does not exist).
    public static func write(_ array: NumPyArray, to path: String) throws(ToolsError) {
        try AtomicFileWriter.write(npyBytes(array), to: path)
    }

    /// Writes the arrays of `archive` as an `.npz` file, atomically: members `<name>.npy`,
    /// stored like `numpy.savez`, or deflated like `numpy.savez_compressed` when `compressed`.
    /// - Throws: `ToolsError.unwritable`; `.invalidArgument` if a name is empty.
    public static func writeArchive(_ archive: NumPyArchive, to path: String, compressed: Bool = false) throws(ToolsError) {
        try AtomicFileWriter.write(try NpzWriter.encode(archive, compressed: compressed, path: path), to: path)
    }

    // MARK: - Bytes

    /// The kind of NumPy file `bytes` starts like, or nil if neither.
    public static func format(of bytes: [UInt8]) -> Format? {
        if bytes.starts(with: NpyHeader.magic) { return .npy }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return .npz }
        return nil
    }

    /// The bytes of a `.npy` file holding `array`, identical to what `numpy.save` writes.
    public static func npyBytes(_ array: NumPyArray) -> [UInt8] {
        NpyWriter.encode(array)
    }

    /// Decodes the bytes of a `.npy` file. `source` names the data in errors.
    /// - Throws: `ToolsError.invalidNumPy`, `.unsupportedNumPy`.
    public static func array(fromNpy bytes: [UInt8], source: String = "<memory>") throws(ToolsError) -> NumPyArray {
        try NpyReader.decode(bytes, path: source)
    }

    /// The bytes of an `.npz` file holding `archive` (see `writeArchive`).
    /// - Throws: `ToolsError.invalidArgument` if a name is empty.
    public static func npzBytes(_ archive: NumPyArchive, compressed: Bool = false) throws(ToolsError) -> [UInt8] {
        try NpzWriter.encode(archive, compressed: compressed, path: "<memory>")
    }

    /// Decodes the bytes of an `.npz` file. `source` names the data in errors.
    /// - Throws: `ToolsError.invalidNumPy`, `.unsupportedNumPy`.
    public static func archive(fromNpz bytes: [UInt8], source: String = "<memory>") throws(ToolsError) -> NumPyArchive {
        try NpzReader.decode(bytes, path: source)
    }
}
