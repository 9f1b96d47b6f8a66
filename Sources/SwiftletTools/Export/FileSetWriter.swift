import Foundation

/// Writes several files as a set: either all of them end up written, or none
/// of the new files is left behind.
///
/// Each file is first written in full, through ``AtomicFileWriter``, to a
/// hidden staging file next to its destination; only when every one is staged
/// are they renamed into place. A failure while staging removes what was
/// staged and leaves the destinations untouched. A rename can then fail only
/// if something changed the folder meanwhile; the files already renamed into
/// place are removed too, so no half set is left.
public enum FileSetWriter {
    /// One file to write.
    public struct File: Equatable, Sendable {
        /// Where the file goes.
        public var path: String
        /// Its contents.
        public var bytes: [UInt8]

        /// A file holding `bytes`.
        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
        }

        /// A file holding `text` as UTF-8.
        public init(path: String, text: String) {
            self.init(path: path, bytes: Array(text.utf8))
        }
    }

    /// Writes all `files`, or none.
    /// - Throws: `ToolsError.unwritable` naming the destination that failed.
    public static func write(_ files: [File]) throws(ToolsError) {
        var staged: [(staging: String, destination: String)] = []
        for file in files {
            let staging = stagingPath(for: file.path)
            do {
                try AtomicFileWriter.write(file.bytes, to: staging)
            } catch {
                remove(staged.map(\.staging))
                throw renamed(error, to: file.path)
            }
            staged.append((staging, file.path))
        }
        for (index, entry) in staged.enumerated() {
            if rename(entry.staging, entry.destination) != 0 {
                let reason = String(cString: strerror(errno))
                remove(staged[index...].map(\.staging))
                remove(staged[..<index].map(\.destination))
                throw .unwritable(path: entry.destination, reason: reason)
            }
        }
    }

    /// `.NAME.swiftlet-PID.staged` in the destination's folder: hidden, and
    /// in the same folder so the final rename is a single atomic step.
    static func stagingPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let hidden = ".\(url.lastPathComponent).swiftlet-\(ProcessInfo.processInfo.processIdentifier).staged"
        return url.deletingLastPathComponent().appendingPathComponent(hidden).path
    }

    /// The same error, naming the destination rather than the staging file.
    private static func renamed(_ error: ToolsError, to path: String) -> ToolsError {
        if case .unwritable(_, let reason) = error {
            return .unwritable(path: path, reason: reason)
        }
        return error
    }

    private static func remove(_ paths: [String]) {
        for path in paths { unlink(path) }
    }
}
