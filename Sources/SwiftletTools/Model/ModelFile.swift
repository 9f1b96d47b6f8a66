import Foundation
import SwiftletFormat

/// A `.tflite` file loaded into 16-byte-aligned memory that it owns, with the
/// verified `Model` view over it.
///
/// `model` reads the `ModelFile`'s memory in place: keep the `ModelFile` in a
/// variable for as long as you use `model` or anything read from it
/// (`ModelFile(path:).model` alone would outlive its bytes).
public final class ModelFile {
    /// Where the model came from (for messages).
    public let path: String
    /// The verified view.
    public let model: Model
    private let storage: UnsafeMutableRawBufferPointer

    /// Loads and verifies the model at `path`.
    /// - Throws: `ToolsError.fileNotFound`, `.unreadable` or `.invalidModel` with the verifier's reason.
    public convenience init(path: String) throws(ToolsError) {
        try self.init(bytes: try FileReader.read(path), path: path)
    }

    /// Verifies `bytes` (copied into aligned memory); `path` is only used in messages.
    public init(bytes: [UInt8], path: String = "<memory>") throws(ToolsError) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        storage.copyBytes(from: bytes)
        do {
            model = try Model(bytes: UnsafeRawBufferPointer(rebasing: storage[0..<bytes.count]))
        } catch {
            storage.deallocate()
            throw .invalidModel(path: path, reason: error.description)
        }
        self.storage = storage
        self.path = path
    }

    /// Size of the file in bytes.
    public var byteCount: Int { model.bytes.count }

    deinit { storage.deallocate() }
}
