import Foundation

/// What `swiftlet export-c` does: read a `.tflite` model, check it, and write
/// it out as C/C++ (or, with `swift`, C plus a Swift accessor) into a folder,
/// all files or none.
public enum ModelExport {
    /// The output forms.
    public enum Form: Sendable {
        /// `NAME.cc` and `NAME.h` (``CArrayExporter``).
        case c
        /// `NAME.c`, `NAME.h`, `module.modulemap` and `NAME.swift` (``SwiftArrayExporter``).
        case swift
    }

    /// What was exported.
    public struct Result: Equatable, Sendable {
        /// The array's C name.
        public var name: String
        /// How many bytes the model has.
        public var byteCount: Int
        /// The files written, in order.
        public var paths: [String]
    }

    /// Exports the model at `modelPath` into `outputDirectory`.
    /// - Parameters:
    ///   - modelPath: the `.tflite` file.
    ///   - name: the array's C name, or nil for ``CIdentifier/derived(fromPath:)``.
    ///   - outputDirectory: an existing folder.
    ///   - form: which files to write.
    /// - Throws: `ToolsError.invalidArgument` for a bad `name`, a folder in
    ///   the way of an output file, or another model's `module.modulemap`;
    ///   `fileNotFound`/`unreadable`/`invalidModel` for the model; and
    ///   `unwritable` for the output folder. Nothing is written then.
    @discardableResult
    public static func run(modelPath: String, name: String?, outputDirectory: String, form: Form) throws(ToolsError) -> Result {
        if let name { try CIdentifier.validate(name) }
        let bytes = try FileReader.read(modelPath)
        try checkModel(bytes, path: modelPath)
        let name = name ?? CIdentifier.derived(fromPath: modelPath)
        let origin = URL(fileURLWithPath: modelPath).lastPathComponent
        try checkFolder(outputDirectory)

        let files = files(bytes, name: name, origin: origin, form: form, in: outputDirectory)
        for file in files { try checkNotFolder(file.path) }
        if form == .swift { try checkModuleMap(files, in: outputDirectory) }
        try FileSetWriter.write(files)
        return Result(name: name, byteCount: bytes.count, paths: files.map(\.path))
    }

    /// The files for `form`, with their paths in `folder`.
    public static func files(_ bytes: [UInt8], name: String, origin: String, form: Form, in folder: String) -> [FileSetWriter.File] {
        func path(_ fileName: String) -> String { join(folder, fileName) }
        switch form {
        case .c:
            let output = CArrayExporter.export(bytes, name: name, origin: origin)
            return [
                .init(path: path("\(name).cc"), text: output.source),
                .init(path: path("\(name).h"), text: output.header),
            ]
        case .swift:
            let output = SwiftArrayExporter.export(bytes, name: name, origin: origin)
            return [
                .init(path: path("\(name).c"), text: output.cSource),
                .init(path: path("\(name).h"), text: output.header),
                .init(path: path(SwiftArrayExporter.moduleMapFileName), text: output.moduleMap),
                .init(path: path("\(name).swift"), text: output.swift),
            ]
        }
    }

    /// The check `export-c` makes before exporting: at least 8 bytes, with
    /// the FlatBuffers file identifier `TFL3` at bytes 4..<8.
    /// - Throws: `ToolsError.invalidModel`.
    public static func checkModel(_ bytes: [UInt8], path: String) throws(ToolsError) {
        guard bytes.count >= 8 else {
            throw .invalidModel(path: path, reason: "it is \(bytes.count) bytes long; a model has at least 8")
        }
        guard bytes[4..<8].elementsEqual("TFL3".utf8) else {
            throw .invalidModel(path: path, reason: "bytes 4..<8 are not the identifier \"TFL3\"")
        }
        guard bytes.count <= Int(UInt32.max) else {
            throw .invalidModel(path: path, reason: "it is \(bytes.count) bytes long; NAME_len holds at most \(UInt32.max)")
        }
        // The whole file is verified: firmware should never embed a model that cannot load.
        _ = try ModelFile(bytes: bytes, path: path)
    }

    private static func checkFolder(_ folder: String) throws(ToolsError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            throw .unwritable(path: folder, reason: "no such folder")
        }
        guard isDirectory.boolValue else {
            throw .unwritable(path: folder, reason: "it is a file, not a folder")
        }
    }

    private static func checkNotFolder(_ path: String) throws(ToolsError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .invalidArgument("\(path) is a folder, in the way of the file export-c writes there; move it, or choose another --name or -o")
        }
    }

    /// One folder holds one `module.modulemap`; refuse to replace one that
    /// describes something else (another model's module, or the user's own).
    private static func checkModuleMap(_ files: [FileSetWriter.File], in folder: String) throws(ToolsError) {
        let path = join(folder, SwiftArrayExporter.moduleMapFileName)
        guard let new = files.first(where: { $0.path == path }),
              let existing = FileManager.default.contents(atPath: path),
              [UInt8](existing) != new.bytes
        else { return }
        throw .invalidArgument("\(path) already exists and describes another module; export each --swift model into its own folder")
    }

    private static func join(_ folder: String, _ fileName: String) -> String {
        folder.hasSuffix("/") ? folder + fileName : "\(folder)/\(fileName)"
    }
}
