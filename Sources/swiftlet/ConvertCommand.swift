import ArgumentParser
import Foundation
import SwiftletConvert
import SwiftletFormat
import SwiftletTools

/// `swiftlet convert`: a Keras model (.keras or legacy .h5), an ONNX model or a TensorFlow
/// SavedModel folder to a .tflite, without TensorFlow; optionally quantized in the same run.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a Keras (.keras, .h5), ONNX (.onnx) or TensorFlow SavedModel (folder) model to .tflite, optionally quantized, without TensorFlow.",
        discussion: """
            Reads the model's config and weights (pure-Swift zip and HDF5 readers), translates every \
            layer to TFLite operators as TensorFlow's converter does, folds BatchNormalization into the \
            preceding convolution or dense layer, fuses ReLU/ReLU6 into the producer and drops Dropout, \
            then writes a float32 model laid out as TF's converter writes it. The batch dimension is \
            fixed (1 unless --batch). --quantize runs the post-training quantizer on the result with the \
            --calibration samples (`swiftlet run`'s layout: [N] + input shape, or [N] + input shape \
            without its batch of 1; .npz keyed by input name, input_<k> or x); --eval TEST.npz (x and \
            optional integer labels y) compares the float and quantized models. An unsupported layer \
            is an error naming the layer, its class and the supported classes. An .onnx model (opsets \
            11-21) is converted to NHWC by permuting weights and axes; its 4-D inputs become NHWC unless \
            --keep-nchw-inputs, and the TRANSPOSE operators left are reported. A SavedModel folder \
            (saved_model.pb + variables/) is converted from its --signature (default serving_default): \
            calls are inlined, variables frozen, shape arithmetic folded with the batch fixed to 1. \
            --optimize default is TF's Optimize.DEFAULT: dynamic-range without --calibration, full int8 \
            (float input and output) with it.
            """
    )

    @Argument(help: "The model: a .keras archive, a legacy .h5 file, an .onnx file or a SavedModel folder.")
    var model: String

    @Option(name: [.short, .customLong("output")], help: "Where to write the .tflite model.")
    var output: String

    @Option(help: "The static batch size of the converted model.")
    var batch: Int = 1

    @Option(help: "Quantize: int8 | int8-float-io | int16x8 | dynamic-range | float16.")
    var quantize: String?

    @Option(help: "Calibration samples (.npy or .npz) for --quantize int8, int8-float-io and int16x8.")
    var calibration: String?

    @Option(help: "With --quantize: evaluate float against quantized on this .npz (x, optional labels y).")
    var eval: String?

    @Flag(help: "ONNX: keep 4-D inputs NCHW (one TRANSPOSE after each) instead of NHWC.")
    var keepNchwInputs = false

    @Option(help: "SavedModel: the signature to convert.")
    var signature: String?

    @Option(help: "default: TF's Optimize.DEFAULT (dynamic-range without --calibration, int8-float-io with it).")
    var optimize: String?

    /// The quantization mode asked for, by --quantize or --optimize.
    var mode: String? {
        if let quantize { return quantize }
        guard optimize != nil else { return nil }
        return calibration == nil ? QuantizationMode.dynamicRange.rawValue : QuantizationMode.int8FloatIO.rawValue
    }

    func validate() throws {
        if keepNchwInputs && !model.lowercased().hasSuffix(".onnx") {
            throw ValidationError("--keep-nchw-inputs applies to .onnx models")
        }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        if signature != nil && !SavedModelImporter.isSavedModel(path: model) {
            throw ValidationError("--signature applies to SavedModel folders")
        }
        if let optimize {
            guard optimize == "default" else { throw ValidationError("unknown --optimize '\(optimize)'; the one value is default") }
            guard quantize == nil else { throw ValidationError("give --optimize default or --quantize, not both") }
        }
        if let quantize = mode {
            guard let mode = QuantizationMode(rawValue: quantize) else {
                throw ValidationError("unknown --quantize mode '\(quantize)'; use one of \(QuantizationMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if mode.needsCalibration && calibration == nil {
                throw ValidationError("--quantize \(quantize) needs --calibration CALIB.npy|.npz")
            }
        } else if calibration != nil || eval != nil {
            throw ValidationError("--calibration and --eval go with --quantize or --optimize")
        }
        if let eval, !eval.hasSuffix(".npz") {
            throw ValidationError("--eval takes an .npz holding x (and optionally labels y), not \(eval)")
        }
    }

    func run() throws {
        let started = Date()
        let graph: Graph
        if model.lowercased().hasSuffix(".onnx") {
            let imported = try ONNXImporter.convert(path: model, options: ONNXImportOptions(keepNCHWInputs: keepNchwInputs))
            graph = imported.graph
            print("ONNX opset \(imported.opset): \(imported.transposeCount) TRANSPOSE left; inputs "
                  + imported.inputLayouts.map { $0 == .channelsLast ? "NHWC" : "unchanged" }.joined(separator: ", "))
        } else if SavedModelImporter.isSavedModel(path: model) {
            guard batch == 1 else { throw ValidationError("a SavedModel is converted with batch 1") }
            let imported = try SavedModelImporter.convert(path: model, signature: signature ?? SavedModelImporter.defaultSignature)
            graph = imported.graph
            print("SavedModel signature \(imported.signature) (of \(imported.signatures.joined(separator: ", ")))")
        } else {
            graph = try KerasImporter.importModel(path: model, batchSize: batch)
        }
        let floatBytes = try GraphWriter.serialize(graph)
        let converted = Date().timeIntervalSince(started)
        var counts: [String: Int] = [:]
        for op in graph.operators { counts[op.code.name.map { "\($0)" } ?? "\(op.code.rawValue)", default: 0] += 1 }
        let summary = counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")

        guard let quantize = self.mode, let mode = QuantizationMode(rawValue: quantize) else {
            try AtomicFileWriter.write(floatBytes, to: output)
            print(String(format: "converted %@ in %.3f s: %d operators (%@), %d bytes; wrote %@",
                         model, converted, graph.operators.count, summary, floatBytes.count, output))
            return
        }
        let floatFile = try ModelFile(bytes: floatBytes, path: "\(model) (converted)")
        let data = try calibration.map { path throws -> CalibrationData in try CalibrationData(path: path, model: floatFile.model) }
        let result = try Quantizer.quantize(file: floatFile, calibration: data, options: QuantizationOptions(mode: mode))
        for warning in result.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        try AtomicFileWriter.write(result.bytes, to: output)
        print(String(format: "converted %@ in %.3f s: %d operators (%@); quantized %@: %d -> %d bytes in %.3f s; wrote %@",
                     model, converted, graph.operators.count, summary, quantize, floatBytes.count, result.bytes.count,
                     Date().timeIntervalSince(started) - converted, output))
        if let eval {
            let quantizedFile = try ModelFile(bytes: result.bytes, path: output)
            let samples = try CalibrationData(path: eval, model: floatFile.model)
            var labels: [Int]?
            if let y = try NumPyFile.readArchive(eval)["y"] { labels = y.asDoubles().map { Int($0) } }
            print(try QuantizationReport.evaluate(float: floatFile, quantized: quantizedFile, data: samples, labels: labels).text)
        }
    }
}
