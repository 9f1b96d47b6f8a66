import Foundation

/// Writes files so that a failure never leaves a half-written output behind:
/// the bytes go to a temporary file in the destination folder, which is then
/// renamed over the destination in one step.
public enum AtomicFileWriter {
    /// Writes `bytes` to `path` atomically.
    /// - Throws: `ToolsError.unwritable` naming the path and the reason.
    public static func write<Bytes: Collection>(_ bytes: Bytes, to path: String) throws(ToolsError) where Bytes.Element == UInt8 {
        let data = Data(bytes)
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .unwritable(path: path, reason: "folder \(folder.path) does not exist")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try data.write(to: temporary, options: [])
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .unwritable(path: path, reason: Self.reason(error))
        }
        if rename(temporary.path, url.path) != 0 {
            let message = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .unwritable(path: path, reason: message)
        }
    }

    /// Writes a UTF-8 string to `path` atomically.
    public static func write(text: String, to path: String) throws(ToolsError) {
        try write(Array(text.utf8), to: path)
    }

    private static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}

/// Reads whole files with errors that name the path.
public enum FileReader {
    /// Reads the file at `path` into memory.
    /// - Throws: `ToolsError.fileNotFound` or `ToolsError.unreadable`.
    public static func read(_ path: String) throws(ToolsError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileNotFound(path: path)
        }
        if isDirectory.boolValue { throw .unreadable(path: path, reason: "it is a folder, not a file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "permission denied or I/O error")
        }
        return [UInt8](data)
    }
}
