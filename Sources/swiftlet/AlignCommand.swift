import ArgumentParser
import SwiftletFormat
import SwiftletTools

/// `swiftlet align`: rewrites a model with every tensor buffer 16-byte aligned.
struct AlignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Rewrite a .tflite model with its tensor data 16-byte aligned.",
        discussion: """
            Reads and verifies MODEL, then writes it back with Swiftlet's FlatBuffer writer: every \
            field is kept, and every constant buffer starts on a 16-byte boundary (TensorFlow's \
            converter only guarantees 4). Buffers larger than 2 GB in total are placed after the \
            FlatBuffer, as the schema allows. The output is written to a temporary file and renamed, \
            so a failure never leaves a partial file.
            """
    )

    @Argument(help: "The .tflite model to read.")
    var model: String

    @Option(name: [.short, .customLong("output")], help: "Where to write the aligned model.")
    var output: String

    @Flag(help: "Place constant buffers after the FlatBuffer (offset/size form) even for small models.")
    var outOfLineBuffers = false

    func run() throws {
        let file = try ModelFile(path: model)
        let definition: ModelDefinition
        let bytes: [UInt8]
        do {
            definition = try ModelDefinition(reading: file.model)
            bytes = try ModelWriter.serialize(definition, bufferPlacement: outOfLineBuffers ? .outOfLine : .automatic)
        } catch {
            throw ToolsError.invalidModel(path: model, reason: error.description)
        }
        try AtomicFileWriter.write(bytes, to: output)
        print("wrote \(output): \(bytes.count) bytes (input \(file.byteCount) bytes)")
    }
}
