import ArgumentParser

/// The `swiftlet` command-line tool: one subcommand per file, each thin over the libraries.
@main
struct Swiftlet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftlet",
        abstract: "TinyML in Swift: inspect, run, benchmark, align and export .tflite models for microcontrollers.",
        subcommands: [
            DemoCommand.self,
            TrainCommand.self,
            InspectCommand.self,
            RunCommand.self,
            BenchCommand.self,
            ExportCCommand.self,
            ResolverCommand.self,
            AlignCommand.self,
            ConvertCommand.self,
            QuantizeCommand.self,
        ]
    )
}
