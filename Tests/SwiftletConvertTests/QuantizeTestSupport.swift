import Foundation
import SwiftletConvert
import SwiftletFormat
import SwiftletTools
import XCTest

/// Shared helpers of the quantizer tests: fixture paths and a parameter-by-parameter comparison
/// of two models that reports the first difference.
enum QuantizeFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/quantization")

    static let networks = ["sine", "convnet", "kws_dscnn", "mobilenet_025", "mixed"]
    /// Fixtures TF quantized to int8 (plain and float I/O) only: the operators Swiftlet quantizes to
    /// int8 alone (PRELU, PADV2, GELU, BATCH_MATMUL, same-scale and fixed-output operators). TFLM has
    /// no GELU, so their int8 outputs are LiteRT's (reference kernels).
    static let int8OnlyNetworks = ["operators"]

    /// The fixtures TF quantized in `mode`.
    static func networks(_ mode: QuantizationMode, perTensor: Bool = false) -> [String] {
        (mode == .int8 || mode == .int8FloatIO) && !perTensor ? networks + int8OnlyNetworks : networks
    }

    /// The file of the reference outputs of TF's `mode` model: TFLM's, or LiteRT's for the int8-only fixtures.
    static func referenceOutputs(_ network: String, _ mode: QuantizationMode, perTensor: Bool = false) -> String {
        let reference = int8OnlyNetworks.contains(network) ? "litert_output_" : "tflm_output_"
        return path(network, reference + fileName(mode, perTensor: perTensor) + ".npy")
    }

    static func path(_ network: String, _ file: String) -> String {
        root.appendingPathComponent(network).appendingPathComponent(file).path
    }

    static func fileName(_ mode: QuantizationMode, perTensor: Bool = false) -> String {
        if perTensor { return fileName(mode) + "_per_tensor" }
        switch mode {
        case .int8: return "int8"
        case .int8FloatIO: return "int8_float_io"
        case .int16x8: return "int16x8"
        case .dynamicRange: return "dynamic_range"
        case .float16: return "float16"
        }
    }

    /// TF's calibrator's ranges on the fixture's float model (tf_ranges.json).
    static func tfRanges(_ network: String) throws -> [Int: TensorRange] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(network, "tf_ranges.json")))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: [Double]])
        var ranges: [Int: TensorRange] = [:]
        for (key, pair) in object { ranges[try XCTUnwrap(Int(key))] = TensorRange(min: Float(pair[0]), max: Float(pair[1])) }
        return ranges
    }

    /// Quantizes a fixture network's float model with TF's recorded ranges (the parameter math alone).
    static func quantizeWithTFRanges(_ network: String, mode: QuantizationMode, perTensor: Bool = false) throws -> Quantizer.Result {
        let file = try ModelFile(path: path(network, "float.tflite"))
        return try Quantizer.quantize(file: file, ranges: try tfRanges(network), options: QuantizationOptions(mode: mode, perTensor: perTensor))
    }

    /// Quantizes a fixture network's float model with its calibration data.
    static func quantize(_ network: String, mode: QuantizationMode, perTensor: Bool = false) throws -> Quantizer.Result {
        let file = try ModelFile(path: path(network, "float.tflite"))
        let calibration = mode.needsCalibration ? try CalibrationData(path: path(network, "calibration.npy"), model: file.model) : nil
        return try Quantizer.quantize(file: file, calibration: calibration, options: QuantizationOptions(mode: mode, perTensor: perTensor))
    }
}

/// Compares two models operator by operator: the operator list (codes and versions), then every
/// tensor each operator reads or writes (type, shape, scales, zero points, quantized dimension,
/// constant bytes), following QUANTIZE / DEQUANTIZE producers back to their sources.
struct ModelComparison {
    let ours: ModelDefinition
    let theirs: ModelDefinition
    /// Operators left out of the operator-list comparison (float16's DEQUANTIZEs come in another order).
    var unorderedOperators: Set<Int8> = []
    /// Deviations accepted in scales, zero points and quantized data (nil: bit for bit). Operators,
    /// options, types, shapes and quantized dimensions must still be equal.
    var tolerance: Tolerance? = nil
    /// Model outputs compared as a set (by the operator output each one is): a SavedModel's
    /// signature order versus the order TF's converter lists them in.
    var outputsInAnyOrder = false

    /// How far a tolerant comparison lets quantization parameters and data stray.
    struct Tolerance {
        /// Largest relative difference of a scale.
        var scale: Float
        /// Largest difference of a zero point or of an int8 value.
        var step: Int
        /// Largest difference of an int32 value, relative to its magnitude (at least 1).
        var int32Relative: Double
    }

    private func name(_ model: ModelDefinition, _ op: OperatorDefinition) -> String {
        let code = model.operatorCodes[Int(op.opcodeIndex)]
        return "\(code.builtinCode.name.map { "\($0)" } ?? "\(code.builtinCode.rawValue)") v\(code.version)"
    }

    private func listed(_ model: ModelDefinition) -> [OperatorDefinition] {
        model.subgraphs[0].operators.filter { !unorderedOperators.contains(Int8(truncatingIfNeeded: model.operatorCodes[Int($0.opcodeIndex)].builtinCode.rawValue)) }
    }

    func firstDifference() -> String? {
        var tolerated: [String] = []
        return firstDifference(tolerated: &tolerated)
    }

    /// The first difference beyond the tolerance; `tolerated` collects the differences within it.
    func firstDifference(tolerated: inout [String]) -> String? {
        let a = listed(ours), b = listed(theirs)
        let namesA = a.map { name(ours, $0) }, namesB = b.map { name(theirs, $0) }
        if namesA != namesB { return "operators differ:\n  ours:   \(namesA)\n  theirs: \(namesB)" }
        if ours.subgraphs[0].operators.count != theirs.subgraphs[0].operators.count {
            return "operator counts differ: \(ours.subgraphs[0].operators.count) vs \(theirs.subgraphs[0].operators.count)"
        }
        var seen: Set<[Int32]> = []
        for (i, (x, y)) in zip(a, b).enumerated() {
            if x.inputs.count != y.inputs.count || x.outputs.count != y.outputs.count {
                return "operator \(i) \(namesA[i]): input/output counts differ"
            }
            if x.builtinOptions != y.builtinOptions {
                return "operator \(i) \(namesA[i]): options differ: ours \(String(describing: x.builtinOptions?.fields)) theirs \(String(describing: y.builtinOptions?.fields))"
            }
            for (k, (p, q)) in zip(x.inputs, y.inputs).enumerated() {
                if let difference = compare(p, q, at: "operator \(i) \(namesA[i]) input \(k)", seen: &seen, tolerated: &tolerated) { return difference }
            }
            for (k, (p, q)) in zip(x.outputs, y.outputs).enumerated() {
                if let difference = compare(p, q, at: "operator \(i) \(namesA[i]) output \(k)", seen: &seen, tolerated: &tolerated) { return difference }
            }
        }
        for (k, (p, q)) in zip(ours.subgraphs[0].inputs, theirs.subgraphs[0].inputs).enumerated() {
            if let difference = compare(p, q, at: "model input \(k)", seen: &seen, tolerated: &tolerated) { return difference }
        }
        if outputsInAnyOrder {
            // The operator outputs were compared above; the model outputs must be the same ones.
            func positions(_ model: ModelDefinition, _ list: [OperatorDefinition]) -> [[Int]] {
                model.subgraphs[0].outputs.map { tensor in
                    for (i, op) in list.enumerated() { if let k = op.outputs.firstIndex(of: tensor) { return [i, k] } }
                    return [-1, Int(tensor)]
                }.sorted { $0.lexicographicallyPrecedes($1) }
            }
            let p = positions(ours, a), q = positions(theirs, b)
            return p == q ? nil : "model outputs differ (in any order): ours \(p), theirs \(q) (operator, output slot)"
        }
        for (k, (p, q)) in zip(ours.subgraphs[0].outputs, theirs.subgraphs[0].outputs).enumerated() {
            if let difference = compare(p, q, at: "model output \(k)", seen: &seen, tolerated: &tolerated) { return difference }
        }
        return nil
    }

    private func producer(_ model: ModelDefinition, _ tensor: Int32) -> OperatorDefinition? {
        model.subgraphs[0].operators.first { $0.outputs.contains(tensor) }
    }

    private func compare(_ p: Int32, _ q: Int32, at place: String, seen: inout Set<[Int32]>, tolerated: inout [String]) -> String? {
        if p < 0 || q < 0 { return p == q ? nil : "\(place): omitted in one model only (\(p) vs \(q))" }
        guard seen.insert([p, q]).inserted else { return nil }
        let s = ours.subgraphs[0].tensors[Int(p)], t = theirs.subgraphs[0].tensors[Int(q)]
        let label = "\(place) tensor '\(t.name ?? "")' (ours \(p), TF \(q))"
        if s.type != t.type { return "\(label): type \(s.type.name.map { "\($0)" } ?? "?") vs TF \(t.type.name.map { "\($0)" } ?? "?")" }
        if s.shape != t.shape { return "\(label): shape \(s.shape) vs TF \(t.shape)" }
        let sq = s.quantization ?? QuantizationDefinition(), tq = t.quantization ?? QuantizationDefinition()
        if sq.scale != tq.scale, let tolerance, sq.scale.count == tq.scale.count,
           zip(sq.scale, tq.scale).allSatisfy({ abs($0 - $1) <= tolerance.scale * abs($1) }) {
            tolerated.append("\(label): scales")
        } else if sq.scale != tq.scale {
            let first = zip(sq.scale, tq.scale).enumerated().first { $0.element.0 != $0.element.1 }
            return "\(label): scales differ (\(sq.scale.count) vs \(tq.scale.count) values; first at \(first.map { "\($0.offset): \($0.element.0) vs TF \($0.element.1)" } ?? "count"))"
        }
        if sq.zeroPoint != tq.zeroPoint, let tolerance, sq.zeroPoint.count == tq.zeroPoint.count,
           zip(sq.zeroPoint, tq.zeroPoint).allSatisfy({ abs($0 - $1) <= Int64(tolerance.step) }) {
            tolerated.append("\(label): zero points")
        } else if sq.zeroPoint != tq.zeroPoint { return "\(label): zero points \(sq.zeroPoint.prefix(8)) vs TF \(tq.zeroPoint.prefix(8))" }
        if !sq.scale.isEmpty, sq.quantizedDimension != tq.quantizedDimension {
            return "\(label): quantized dimension \(sq.quantizedDimension) vs TF \(tq.quantizedDimension)"
        }
        let da = ours.buffers[Int(s.buffer)], db = theirs.buffers[Int(t.buffer)]
        if da != db, let tolerance, da.count == db.count, Self.within(tolerance, da, db, type: s.type) {
            tolerated.append("\(label): data")
        } else if da != db {
            let first = zip(da, db).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            return "\(label): data differ (\(da.count) vs \(db.count) bytes; first differing byte \(first.map(String.init) ?? "-"))"
        }
        if let a = producer(ours, p), let b = producer(theirs, q) {
            let codeA = ours.operatorCodes[Int(a.opcodeIndex)].builtinCode, codeB = theirs.operatorCodes[Int(b.opcodeIndex)].builtinCode
            if codeA != codeB { return "\(label): produced by \(codeA.name.map { "\($0)" } ?? "?") vs TF \(codeB.name.map { "\($0)" } ?? "?")" }
            if codeA == .quantize || codeA == .dequantize {
                return compare(a.inputs[0], b.inputs[0], at: "\(place) ← \(codeA.name.map { "\($0)" } ?? "")", seen: &seen, tolerated: &tolerated)
            }
        }
        return nil
    }

    /// Whether int8 or int32 data differ by at most the tolerance, element by element.
    private static func within(_ tolerance: Tolerance, _ a: [UInt8], _ b: [UInt8], type: TensorType) -> Bool {
        switch type {
        case .int8:
            return zip(a, b).allSatisfy { abs(Int(Int8(bitPattern: $0)) - Int(Int8(bitPattern: $1))) <= tolerance.step }
        case .int32:
            guard a.count % 4 == 0 else { return false }
            return stride(from: 0, to: a.count, by: 4).allSatisfy { i in
                func value(_ bytes: [UInt8]) -> Int64 {
                    Int64(Int32(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24))
                }
                let x = value(a), y = value(b)
                return Double(abs(x - y)) <= max(1, tolerance.int32Relative * Double(abs(y)))
            }
        default:
            return false
        }
    }
}
