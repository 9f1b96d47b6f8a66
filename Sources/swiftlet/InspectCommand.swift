import ArgumentParser
import Foundation
import SwiftletFormat
import SwiftletTools

/// `swiftlet inspect`: what a model holds and what it costs.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a .tflite model's tensors, operators, parameters, MACs and the arena it needs.",
        discussion: """
            Verifies MODEL (every offset and index), then prints per subgraph the tensors \
            (index, name, type, shape, bytes, quantization) and the operators in execution order \
            (name, version, inputs → outputs, MACs, options), with operator counts, parameter count, \
            weight bytes, total MACs, and the exact arena the micro interpreter needs (this host and a \
            32-bit MCU) or the operators it has no kernel for. --json prints the same as stable JSON \
            (see the README).
            """
    )

    @Argument(help: "The .tflite model to inspect.")
    var model: String

    @Flag(help: "Print JSON instead of tables.")
    var json = false

    func run() throws {
        let file = try ModelFile(path: model)
        let report = ModelReport(model: file.model)
        if json {
            print(try report.json())
        } else {
            print(report.text(fileName: URL(fileURLWithPath: model).lastPathComponent))
        }
    }
}
