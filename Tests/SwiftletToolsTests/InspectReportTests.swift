import Foundation
import XCTest
import SwiftletFormat
@testable import SwiftletTools

/// `inspect`'s report against what the fixture generator recorded from TensorFlow
/// (operators, tensors, quantization) and computed independently (MACs).
final class InspectReportTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/models")

    func testReportsMatchEveryFixtureManifest() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).sorted()
        var checked = 0
        for name in names {
            let folder = Self.fixtures.appendingPathComponent(name)
            let manifestURL = folder.appendingPathComponent("manifest.json")
            guard FileManager.default.fileExists(atPath: manifestURL.path) else { continue }
            let manifest = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any])
            let file = try ModelFile(path: folder.appendingPathComponent("model.tflite").path)
            let report = ModelReport(model: file.model)
            let main = report.subgraphs[0]

            XCTAssertEqual(report.fileBytes, manifest["file_bytes"] as? Int, name)
            XCTAssertEqual(report.subgraphs.count, manifest["num_subgraphs"] as? Int, name)
            XCTAssertEqual(main.operators.map(\.op), manifest["operators"] as? [String], name)
            XCTAssertEqual(report.metadata.map(\.name), manifest["metadata_names"] as? [String], name)

            let tensors = try XCTUnwrap(manifest["tensors"] as? [[String: Any]], name)
            XCTAssertEqual(main.tensors.count, tensors.count, name)
            for (ours, theirs) in zip(main.tensors, tensors) {
                XCTAssertEqual(ours.type, theirs["type"] as? String, "\(name) tensor \(ours.index)")
                XCTAssertEqual(ours.shape, theirs["shape"] as? [Int], "\(name) tensor \(ours.index)")
                XCTAssertEqual(ours.name, theirs["name"] as? String, "\(name) tensor \(ours.index)")
                let scales = (theirs["scales"] as? [Double])?.map(Float.init) ?? []
                XCTAssertEqual(ours.quantization?.scale ?? [], scales, "\(name) tensor \(ours.index) scales")
                let zeroPoints = (theirs["zero_points"] as? [Int])?.map(Int64.init) ?? []
                XCTAssertEqual(ours.quantization?.zeroPoint ?? [], zeroPoints, "\(name) tensor \(ours.index) zero points")
                if !scales.isEmpty {
                    XCTAssertEqual(ours.quantization?.quantizedDimension, theirs["quantized_dimension"] as? Int, "\(name) tensor \(ours.index)")
                }
            }

            let macs = try XCTUnwrap(manifest["macs"] as? [String: Any], name)
            let perOperator = try XCTUnwrap(macs["per_operator"] as? [[String: Any]], name)
            XCTAssertEqual(main.operators.map(\.macs), perOperator.map { $0["macs"] as? Int ?? -1 }, "\(name) MACs per operator")
            XCTAssertEqual(report.totalMACs, macs["total"] as? Int, "\(name) total MACs")

            let inputs = try XCTUnwrap(manifest["inputs"] as? [[String: Any]])
            XCTAssertEqual(main.inputs, inputs.map { $0["tensor_index"] as? Int ?? -1 }, name)
            let outputs = try XCTUnwrap(manifest["outputs"] as? [[String: Any]])
            XCTAssertEqual(main.outputs, outputs.map { $0["tensor_index"] as? Int ?? -1 }, name)
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 10, "fixtures missing: run Tools/fixtures/generate.sh")
    }

    func testJSONIsStableAndDecodable() throws {
        let file = try ModelFile(path: Self.fixtures.appendingPathComponent("convnet_int8/model.tflite").path)
        let report = ModelReport(model: file.model)
        let json = try report.json()
        XCTAssertEqual(json, try ModelReport(model: file.model).json(), "same model, same JSON")
        // Decoding and encoding again gives the same text (the schema round-trips).
        let decoded = try JSONDecoder().decode(ModelReport.self, from: Data(json.utf8))
        XCTAssertEqual(try decoded.json(), json)
        let conv = try XCTUnwrap(report.subgraphs[0].operators.first { $0.op == "CONV_2D" })
        XCTAssertEqual(conv.options["padding"], .int(0))
        XCTAssertEqual(conv.options["fused_activation_function"], .int(1))
        XCTAssertGreaterThan(report.parameterCount, 0)
        XCTAssertGreaterThan(report.weightBytes, 0)
    }

    func testTextReportNamesOperatorsAndActivations() throws {
        let file = try ModelFile(path: Self.fixtures.appendingPathComponent("convnet_int8/model.tflite").path)
        let text = ModelReport(model: file.model).text(fileName: "convnet_int8.tflite")
        XCTAssertTrue(text.contains("CONV_2D"), text)
        XCTAssertTrue(text.contains("activation=RELU"), text)
        XCTAssertTrue(text.contains("padding=SAME"), text)
        XCTAssertTrue(text.contains("per-axis 0"), "per-channel filter shown: \(text)")
    }

    private func report(_ name: String) throws -> ModelReport {
        let file = try ModelFile(path: Self.fixtures.appendingPathComponent("\(name)/model.tflite").path)
        return withExtendedLifetime(file) { ModelReport(model: file.model) }
    }

    /// A model both run: every operator/type is listed for both, and the text says so.
    func testSupportOfAModelBothRun() throws {
        let report = try report("convnet_int8")
        XCTAssertTrue(report.swiftletRunsModel)
        XCTAssertTrue(report.tflmRunsModel)
        let conv = try XCTUnwrap(report.operatorSupport.first { $0.op == "CONV_2D" })
        XCTAssertEqual(conv.type, "INT8")
        XCTAssertTrue(conv.swiftlet && conv.tflm)
        XCTAssertEqual(report.operatorSupport.reduce(0) { $0 + $1.count }, report.subgraphs[0].operators.count)
        XCTAssertTrue(report.text(fileName: "m").contains("Swiftlet and TFLM both run this model"))
    }

    /// Models TFLM cannot run but Swiftlet can (TILE, int8 EXP, an int32 NEG) are called out, naming the operator.
    func testSupportSaysWhenOnlySwiftletRunsTheModel() throws {
        for (name, op, type) in [("tile_float", "TILE", "FLOAT32"), ("unary_exp_int8", "EXP", "INT8"),
                                 ("unary_neg_int32_float", "NEG", "INT32")] {
            let report = try report(name)
            XCTAssertTrue(report.swiftletRunsModel, name)
            XCTAssertFalse(report.tflmRunsModel, name)
            let entry = try XCTUnwrap(report.operatorSupport.first { $0.op == op }, name)
            XCTAssertEqual(entry.type, type, name)
            XCTAssertTrue(entry.swiftlet, name)
            XCTAssertFalse(entry.tflm, name)
            let text = report.text(fileName: name)
            XCTAssertTrue(text.contains("Swiftlet runs this model; TFLM cannot (no TFLM kernel for \(op) \(type))"), text)
        }
    }

    /// Conversions and the int8 LSTM are labelled by their types; the JSON carries the support list.
    func testSupportLabelsAndJSON() throws {
        let quantize = try report("quantize_dequantize_fc_int8_floatio")
        XCTAssertEqual(Set(quantize.operatorSupport.map(\.type)), ["FLOAT32→INT8", "INT8", "INT8→FLOAT32"])
        let lstm = try report("unidirectional_lstm_int16x8")
        XCTAssertEqual(lstm.operatorSupport.map(\.type), ["INT16"])
        XCTAssertTrue(lstm.tflmRunsModel && lstm.swiftletRunsModel)
        let json = try lstm.json()
        XCTAssertTrue(json.contains("\"operatorSupport\""), json)
        XCTAssertTrue(json.contains("\"tflmRunsModel\" : true") || json.contains("\"tflmRunsModel\":true"), json)
    }
}
