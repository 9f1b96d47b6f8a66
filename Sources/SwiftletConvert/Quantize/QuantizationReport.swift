import Foundation
import SwiftletFormat
import SwiftletTools

/// Accuracy of a quantized model against its float original, both run on the Swiftlet interpreter
/// over the same test samples: output error, accuracy with labels, sizes, and the per-tensor SQNR
/// between float and quantized activations (matched by tensor name) that names the layers losing most.
public struct QuantizationReport: Codable, Equatable {
    /// Error of one model output.
    public struct OutputError: Codable, Equatable {
        public var output: Int
        public var maxAbsError: Double
        public var rmse: Double
        /// Signal-to-quantization-noise ratio in dB; nil when the outputs are identical.
        public var sqnrDB: Double?
    }

    /// SQNR of one activation present in both models.
    public struct TensorSQNR: Codable, Equatable {
        public var name: String
        public var sqnrDB: Double?
        public var rmse: Double
    }

    public var samples: Int
    public var floatBytes: Int
    public var quantizedBytes: Int
    public var outputs: [OutputError]
    /// Top-1 accuracy of output 0 against the labels, when given.
    public var floatAccuracy: Double?
    public var quantizedAccuracy: Double?
    /// Every matched activation in the float model's execution order.
    public var tensors: [TensorSQNR]

    /// The `count` activations with the lowest SQNR, worst first.
    public func worstTensors(_ count: Int = 5) -> [TensorSQNR] {
        Array(tensors.filter { $0.sqnrDB != nil }.sorted { $0.sqnrDB! < $1.sqnrDB! }.prefix(count))
    }

    /// Runs both models over `data` (real-valued samples; integer inputs are quantized with their
    /// parameters) and compares them. `labels` (one class per sample) add accuracy of output 0.
    public static func evaluate(float floatFile: ModelFile, quantized quantizedFile: ModelFile, data: CalibrationData,
                                labels: [Int]? = nil) throws(ConvertError) -> QuantizationReport {
        let floatTracer = try ActivationTracer(file: floatFile)
        let quantizedTracer = try ActivationTracer(file: quantizedFile)
        guard floatTracer.outputCount == quantizedTracer.outputCount else {
            throw .invalidInput("the float model has \(floatTracer.outputCount) outputs, the quantized one \(quantizedTracer.outputCount)")
        }
        if let labels, labels.count != data.samples.count {
            throw .invalidInput("\(labels.count) labels for \(data.samples.count) samples")
        }
        let floatTensors = floatFile.model.subgraphs[0].tensors
        var names: [String] = []
        var byName: [String: Int] = [:]
        for index in 0..<floatTensors.count {
            let name = floatTensors[index].name?.string ?? ""
            if !name.isEmpty, byName[name] == nil { byName[name] = names.count; names.append(name) }
        }
        let quantizedTensors = quantizedFile.model.subgraphs[0].tensors
        var signal = [Double](repeating: 0, count: names.count), noise = signal, counts = [Int](repeating: 0, count: names.count)
        var order: [Int] = []
        var outputSignal = [Double](repeating: 0, count: floatTracer.outputCount), outputNoise = outputSignal
        var outputMax = outputSignal, outputCount = [Int](repeating: 0, count: floatTracer.outputCount)
        var floatCorrect = 0, quantizedCorrect = 0

        for (sampleIndex, sample) in data.samples.enumerated() {
            var floatValues: [Int: [Float]] = [:]
            try floatTracer.run(sample: sample) { tensor, values in
                if let slot = byName[floatTensors[tensor].name?.string ?? ""] { floatValues[slot] = values }
            }
            try quantizedTracer.run(sample: sample) { tensor, values in
                guard let slot = byName[quantizedTensors[tensor].name?.string ?? ""], let reference = floatValues[slot],
                      reference.count == values.count else { return }
                if counts[slot] == 0 { order.append(slot) }
                for (a, b) in zip(reference, values) {
                    signal[slot] += Double(a) * Double(a)
                    noise[slot] += (Double(a) - Double(b)) * (Double(a) - Double(b))
                }
                counts[slot] += values.count
            }
            for output in 0..<floatTracer.outputCount {
                let a = try floatTracer.outputValues(output), b = try quantizedTracer.outputValues(output)
                guard a.count == b.count else { throw .invalidInput("output \(output) sizes differ: \(a.count) vs \(b.count)") }
                for (x, y) in zip(a, b) {
                    let difference = Double(x) - Double(y)
                    outputSignal[output] += Double(x) * Double(x)
                    outputNoise[output] += difference * difference
                    outputMax[output] = Swift.max(outputMax[output], abs(difference))
                }
                outputCount[output] += a.count
                if output == 0, let labels {
                    if argmax(a) == labels[sampleIndex] { floatCorrect += 1 }
                    if argmax(b) == labels[sampleIndex] { quantizedCorrect += 1 }
                }
            }
        }
        let outputs = (0..<outputSignal.count).map { i in
            OutputError(output: i, maxAbsError: outputMax[i], rmse: (outputNoise[i] / Double(Swift.max(outputCount[i], 1))).squareRoot(),
                        sqnrDB: sqnr(signal: outputSignal[i], noise: outputNoise[i]))
        }
        let tensors = order.map { slot in
            TensorSQNR(name: names[slot], sqnrDB: sqnr(signal: signal[slot], noise: noise[slot]),
                       rmse: (noise[slot] / Double(Swift.max(counts[slot], 1))).squareRoot())
        }
        let total = Double(Swift.max(data.samples.count, 1))
        return QuantizationReport(samples: data.samples.count, floatBytes: floatFile.byteCount, quantizedBytes: quantizedFile.byteCount,
                                  outputs: outputs,
                                  floatAccuracy: labels == nil ? nil : Double(floatCorrect) / total,
                                  quantizedAccuracy: labels == nil ? nil : Double(quantizedCorrect) / total,
                                  tensors: tensors)
    }

    static func sqnr(signal: Double, noise: Double) -> Double? {
        guard noise > 0 else { return nil }
        return 10 * log10(Swift.max(signal, 1e-300) / noise)
    }

    static func argmax(_ values: [Float]) -> Int {
        var best = 0
        for (i, value) in values.enumerated() where value > values[best] { best = i }
        return best
    }

    /// A human-readable summary.
    public var text: String {
        func db(_ value: Double?) -> String { value.map { String(format: "%.1f dB", $0) } ?? "exact" }
        var lines: [String] = []
        lines.append("evaluated \(samples) sample\(samples == 1 ? "" : "s")")
        lines.append(String(format: "size: %d -> %d bytes (%.1f%%)", floatBytes, quantizedBytes, Double(quantizedBytes) / Double(Swift.max(floatBytes, 1)) * 100))
        for output in outputs {
            lines.append(String(format: "output %d: max abs error %.6g, RMSE %.6g, SQNR %@", output.output, output.maxAbsError, output.rmse, db(output.sqnrDB)))
        }
        if let floatAccuracy, let quantizedAccuracy {
            lines.append(String(format: "accuracy: float %.2f%%, quantized %.2f%%", floatAccuracy * 100, quantizedAccuracy * 100))
        }
        let worst = worstTensors()
        if !worst.isEmpty {
            lines.append("lowest per-tensor SQNR (float vs quantized activations):")
            for tensor in worst {
                // TF joins the names of fused ops with ';': the first one names the layer.
                let layer = tensor.name.split(separator: ";").first.map(String.init) ?? tensor.name
                lines.append("  \(db(tensor.sqnrDB).padding(toLength: 9, withPad: " ", startingAt: 0)) \(layer)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The report as JSON (sorted keys), with the worst tensors listed separately.
    public func json() throws(ConvertError) -> String {
        struct Document: Codable {
            var report: QuantizationReport
            var worstTensors: [TensorSQNR]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            return String(decoding: try encoder.encode(Document(report: self, worstTensors: worstTensors())), as: UTF8.self)
        } catch {
            throw .invalidInput("cannot encode the report: \(error)")
        }
    }
}
