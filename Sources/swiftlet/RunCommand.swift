import ArgumentParser
import Foundation
import SwiftletFormat
import SwiftletMicro
import SwiftletTools

/// `swiftlet run`: a model over NumPy data with the micro interpreter.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a .tflite model on .npy/.npz inputs with the micro interpreter.",
        discussion: """
            .npy feeds the model's single input; .npz holds one array per input, keyed by the input \
            tensor's name or input_<k>. An array shaped exactly like the input is one sample; one shaped \
            [N] + input shape (or [N] + input shape without its batch of 1, the usual data-set layout) is N \
            samples, one invoke each, and the outputs are stacked [N] + output shape. Outputs go to .npy \
            (single-output models) or .npz with keys output_<k> and the tensor names. Float data for an \
            integer input is refused unless --quantize-input applies the input's scale and zero point.
            """
    )

    @Argument(help: "The .tflite model.")
    var model: String

    @Option(help: "Input data (.npy or .npz).")
    var input: String

    @Option(help: "Where to write the outputs (.npy or .npz).")
    var output: String

    @Option(help: "Arena size in bytes (default: exactly what the model needs).")
    var arenaSize: Int?

    @Flag(help: "Quantize float input data with the input tensor's scale and zero point.")
    var quantizeInput = false

    @Flag(help: "Print the time each operator takes (summed over samples).")
    var profile = false

    func run() throws {
        let file = try ModelFile(path: model)
        let runner = try ModelRunner(file: file, arenaBytes: arenaSize)
        let interpreter = runner.interpreter
        let inputs = try loadInputs(runner)

        var layout: ModelRunner.SampleLayout?
        var prepared: [NumPyArray] = []
        for (index, (name, array)) in inputs.enumerated() {
            let sampleLayout = try runner.layout(of: array, input: index, name: name)
            if let layout, layout != sampleLayout {
                throw ToolsError.dataMismatch("\(name): \(sampleLayout.count) samples, but the other inputs have \(layout.count)")
            }
            layout = sampleLayout
            prepared.append(try runner.prepared(array, input: index, name: name, quantize: quantizeInput))
        }
        guard let layout else { throw ToolsError.dataMismatch("\(input): no arrays") }

        var operatorTimes = [Double](repeating: 0, count: interpreter.operatorCount)
        let started = Date()
        let outputs = try runner.run(inputs: prepared, samples: layout.count, stacked: layout.stacked,
                                     eachOperator: profile ? { operatorTimes[$0] += $1 } : nil)
        let elapsed = Date().timeIntervalSince(started)
        try writeOutputs(outputs, runner)
        print("ran \(layout.count) sample\(layout.count == 1 ? "" : "s") in \(String(format: "%.3f", elapsed * 1000)) ms; arena \(runner.interpreter.arenaUsedBytes) bytes; wrote \(output)")
        if profile {
            let total = operatorTimes.reduce(0, +)
            print("operator  name                       µs (all samples)    share")
            for (index, time) in operatorTimes.enumerated() {
                let name = interpreter.operatorCode(index).name.map { "\($0)" } ?? "?"
                print(String(format: "%8d  %-25@ %16.1f  %6.1f%%", index, name as NSString, time, total > 0 ? time / total * 100 : 0))
            }
            print(String(format: "   total  %-25@ %16.1f", "" as NSString, total))
        }
    }

    private func loadInputs(_ runner: ModelRunner) throws -> [(String, NumPyArray)] {
        let count = runner.interpreter.inputCount
        if input.hasSuffix(".npz") {
            let archive = try NumPyFile.readArchive(input)
            return try (0..<count).map { index in
                let view = try runner.inputView(index)
                let tensorName = view.tensor.name?.string ?? ""
                if let array = archive[tensorName] { return ("\(input)[\(tensorName)]", array) }
                if let array = archive["input_\(index)"] { return ("\(input)[input_\(index)]", array) }
                throw ToolsError.dataMismatch("\(input) has no array for input \(index): name it \"input_\(index)\" or \"\(tensorName)\" (it has \(archive.names.joined(separator: ", ")))")
            }
        }
        guard count == 1 else {
            throw ToolsError.dataMismatch("the model has \(count) inputs; give them in an .npz keyed input_0 … input_\(count - 1)")
        }
        return [(input, try NumPyFile.readArray(input))]
    }

    private func writeOutputs(_ outputs: [NumPyArray], _ runner: ModelRunner) throws {
        if output.hasSuffix(".npz") {
            var archive = NumPyArchive()
            for (index, array) in outputs.enumerated() {
                archive["output_\(index)"] = array
                if let name = try runner.outputView(index).tensor.name?.string, !name.isEmpty, archive[name] == nil {
                    archive[name] = array
                }
            }
            try NumPyFile.writeArchive(archive, to: output)
        } else {
            guard outputs.count == 1 else {
                throw ToolsError.invalidArgument("the model has \(outputs.count) outputs; write them to an .npz file")
            }
            try NumPyFile.write(outputs[0], to: output)
        }
    }
}
