import ArgumentParser
import SwiftletTools

/// `swiftlet export-c`: a `.tflite` model as source code firmware can link.
struct ExportCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-c",
        abstract: "Write a .tflite model as C/C++ source firmware can link (like xxd -i).",
        discussion: """
            Writes NAME.cc, defining `alignas(16) const unsigned char NAME[]` (the model's \
            bytes, 12 a line) and `const unsigned int NAME_len`, and NAME.h declaring both. \
            The header works from C and C++ (C linkage); NAME.cc also compiles as C.

            With --swift, writes NAME.c, NAME.h, module.modulemap (module NAME_c) and \
            NAME.swift instead. NAME.swift gives Embedded Swift `NAME_bytes`, an \
            UnsafeRawBufferPointer over the C array (no copy, no filesystem), and \
            `NAME_count`. Compile NAME.c with your C compiler and NAME.swift with `-I DIR` \
            (or put NAME.h in a bridging header). The bytes stay in C because a Swift array \
            literal of a 300 KB model takes about a minute to compile; the C file takes under \
            a second. One module.modulemap names one model: export each --swift model into its \
            own folder.

            Files are written all or none: after an error nothing new is left in DIR.
            """
    )

    @Argument(help: ArgumentHelp("The .tflite model to export.", valueName: "model"))
    var model: String

    @Option(help: ArgumentHelp(
        "The array's name, a C identifier. Default: the model's file name with every character that is not a letter, digit or _ turned into _, as xxd -i does (person_detect.tflite -> person_detect_tflite); model_ goes in front of a leading digit.",
        valueName: "name"
    ))
    var name: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp(
        "The folder to write into; it must exist.",
        valueName: "dir"
    ))
    var output: String = "."

    @Flag(help: "Write the form for (Embedded) Swift: C files, a module map and a Swift accessor.")
    var swift = false

    func run() throws {
        let result = try ModelExport.run(
            modelPath: model, name: name, outputDirectory: output, form: swift ? .swift : .c
        )
        print("\(model) (\(result.byteCount) bytes) -> \(result.paths.joined(separator: ", "))")
    }
}
