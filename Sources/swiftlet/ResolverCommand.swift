import ArgumentParser
import SwiftletTools

/// `swiftlet resolver`: Swift source registering exactly a model's kernels, with its arena size.
struct ResolverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolver",
        abstract: "Write Swift source that registers exactly the kernels a model uses, and its arena size.",
        discussion: """
            Verifies MODEL, collects the operators of all its subgraphs and writes Swift declaring \
            `NAME_resolver` (an OpResolver listing only those kernels, e.g. \
            `OpResolver([.conv2D, .softmax])`, so firmware links only them) and `NAME_arenaBytes` \
            (the tensor arena the model needs on a 32-bit target: what `swiftlet inspect` reports as \
            arena.target32Bytes). Compile it with the firmware: \
            `MicroInterpreter(model: ..., resolver: NAME_resolver, arena: ...)` over a static arena \
            of NAME_arenaBytes bytes.

            An operator Swiftlet has no kernel for (or a custom operator) is an error naming it; \
            nothing is written then. Without -o the source goes to standard output.
            """
    )

    @Argument(help: ArgumentHelp("The .tflite model.", valueName: "model"))
    var model: String

    @Option(help: ArgumentHelp(
        "The declarations' prefix, a C-style identifier. Default: derived from the model's file name as export-c does (person_detect.tflite -> person_detect_tflite).",
        valueName: "name"
    ))
    var name: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp(
        "The Swift file to write (replaced atomically). Default: standard output.",
        valueName: "file"
    ))
    var output: String?

    func run() throws {
        let result = try ResolverExporter.run(modelPath: model, name: name, outputPath: output)
        if let path = result.path {
            let needs = result.requirements
            print("\(model): \(needs.operatorNames.joined(separator: ", ")); arena \(needs.arenaTarget32Bytes) B (32-bit) -> \(path)")
        } else {
            print(result.source, terminator: "")
        }
    }
}
