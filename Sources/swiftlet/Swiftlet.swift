import ArgumentParser

/// The `swiftlet` command-line tool: one subcommand per file, each thin over the libraries.
@main
struct Swiftlet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftlet",
        abstract: "TinyML in Swift: inspect, convert, quantize, export and run .tflite models.",
        subcommands: [
            DemoCommand.self,
            InspectCommand.self,
            RunCommand.self,
            BenchCommand.self,
            ExportCCommand.self,
            AlignCommand.self,
        ]
    )
}
