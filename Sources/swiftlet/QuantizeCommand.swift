import ArgumentParser
import Foundation
import SwiftletConvert
import SwiftletFormat
import SwiftletTools

/// `swiftlet quantize`: post-training quantization of a float32 .tflite, as TF's converter does it.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize a float32 .tflite model after training (int8, int8-float-io, int16x8, dynamic-range, float16).",
        discussion: """
            The full-integer modes run the float model over the calibration samples on the Swiftlet \
            interpreter, record each tensor's global min/max and compute every scale, zero point and \
            quantized weight with TensorFlow's formulas. Calibration data follows `swiftlet run`'s layout: \
            [N] + input shape, or [N] + input shape without its batch of 1; an .npz is keyed by input \
            tensor name (or input_<k>, or x). --eval TEST.npz (arrays x and optionally integer labels y) \
            runs the float and the quantized model on x and reports output error, accuracy, sizes and \
            per-tensor SQNR naming the layers that lose most.
            """
    )

    @Argument(help: "The float32 .tflite model.")
    var model: String

    @Option(help: "Calibration samples (.npy or .npz); required for int8, int8-float-io and int16x8.")
    var calibration: String?

    @Option(name: [.short, .customLong("output")], help: "Where to write the quantized model.")
    var output: String

    @Option(help: "int8 | int8-float-io | int16x8 | dynamic-range | float16.")
    var mode: String = "int8"

    @Flag(help: "One scale per weight tensor instead of one per output channel.")
    var perTensor = false

    @Option(help: "Evaluate float against quantized on this .npz (x, optional labels y).")
    var eval: String?

    @Option(help: "Write the quantization and evaluation report as JSON here.")
    var report: String?

    func run() throws {
        guard let quantizationMode = QuantizationMode(rawValue: mode) else {
            throw ValidationError("unknown mode '\(mode)'; use one of \(QuantizationMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let eval, !eval.hasSuffix(".npz") {
            throw ValidationError("--eval takes an .npz holding x (and optionally labels y), not \(eval)")
        }
        let file = try ModelFile(path: model)
        var data: CalibrationData?
        if quantizationMode.needsCalibration {
            guard let calibration else { throw ValidationError("--mode \(mode) needs --calibration CALIB.npy|.npz") }
            data = try CalibrationData(path: calibration, model: file.model)
        }
        let started = Date()
        let progress = ProgressBar(label: "calibrating")
        let result = try Quantizer.quantize(file: file, calibration: data,
                                            options: QuantizationOptions(mode: quantizationMode, perTensor: perTensor),
                                            progress: { progress.update($0, of: $1) })
        progress.finish()
        let seconds = Date().timeIntervalSince(started)
        for warning in result.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        try AtomicFileWriter.write(result.bytes, to: output)
        print(String(format: "quantized %@ (%@): %d -> %d bytes in %.3f s; wrote %@", model, mode, file.byteCount, result.bytes.count, seconds, output))

        var evaluation: QuantizationReport?
        if let eval {
            let quantized = try ModelFile(bytes: result.bytes, path: output)
            let samples = try CalibrationData(path: eval, model: file.model)
            var labels: [Int]?
            if let y = try NumPyFile.readArchive(eval)["y"] { labels = y.asDoubles().map { Int($0) } }
            evaluation = try QuantizationReport.evaluate(float: file, quantized: quantized, data: samples, labels: labels)
            print(evaluation!.text)
        }
        if let report {
            let document = QuantizeReportDocument(model: model, output: output, mode: mode, perTensor: perTensor,
                                                  floatBytes: file.byteCount, quantizedBytes: result.bytes.count,
                                                  seconds: seconds, warnings: result.warnings, evaluation: evaluation,
                                                  worstTensors: evaluation?.worstTensors())
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFileWriter.write(Array(try encoder.encode(document)) + [10], to: report)
        }
    }
}

/// The JSON written by `--report`.
private struct QuantizeReportDocument: Codable {
    var model: String
    var output: String
    var mode: String
    var perTensor: Bool
    var floatBytes: Int
    var quantizedBytes: Int
    var seconds: Double
    var warnings: [String]
    var evaluation: QuantizationReport?
    var worstTensors: [QuantizationReport.TensorSQNR]?
}

/// A one-line progress bar over the calibration samples on stderr.
private final class ProgressBar: @unchecked Sendable {
    let label: String
    private var drawn = false

    init(label: String) { self.label = label }

    func update(_ done: Int, of total: Int) {
        let width = 30
        let filled = total > 0 ? done * width / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total) samples".utf8))
        drawn = true
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
