import XCTest
import Foundation
import SwiftletFormat
import SwiftletTools
@testable import SwiftletConvert

/// `swiftlet convert MODEL.onnx --quantize int8`, checked against the real TFLM without Python:
/// every ONNX fixture with a `tflm_int8.npz` (written by `generate.sh onnx-check --write-reference`
/// from TFLM's run of the int8 model our converter made) is converted and quantized again here on
/// the same calibration samples, run on the Swiftlet interpreter, and must give TFLM's int8
/// outputs bit for bit. A model with GELU, which TFLM lacks, has a `tflm_litert_int8.npz` instead:
/// the model run in pieces, TFLM for every operator it has and LiteRT's reference GELU.
final class ONNXInt8FixtureTests: XCTestCase {
    static let referenceFiles = ["tflm_int8.npz", "tflm_litert_int8.npz"]

    /// The fixtures with an int8 reference, and the reference's file.
    static func references() throws -> [(name: String, file: String)] {
        try ONNXFixtureTests.fixtureNames().compactMap { name in
            referenceFiles.first {
                FileManager.default.fileExists(atPath: ONNXFixtureTests.fixtures.appendingPathComponent("\(name)/\($0)").path)
            }.map { (name, $0) }
        }
    }

    func testEveryFixtureHasAnInt8Reference() throws {
        let references = try Self.references()
        XCTAssertEqual(references.count, try ONNXFixtureTests.fixtureNames().count, "fixtures without an int8 reference")
        XCTAssertGreaterThanOrEqual(references.count, 20)
        XCTAssertGreaterThanOrEqual(references.filter { $0.file == "tflm_int8.npz" }.count, 18)
    }

    func testInt8ConversionsRunBitIdenticallyToTFLM() throws {
        for (name, file) in try Self.references() {
            do { try check(name, file: file) } catch { XCTFail("\(name): \(error)") }
        }
    }

    func check(_ name: String, file: String) throws {
        let folder = ONNXFixtureTests.fixtures.appendingPathComponent(name)
        let reference = try NumPyFile.readArchive(folder.appendingPathComponent(file).path)
        let imported = try ONNXImporter.convert(path: folder.appendingPathComponent("model.onnx").path)
        let floatFile = try ModelFile(bytes: try GraphWriter.serialize(imported.graph), path: name)
        let calibration = try XCTUnwrap(reference["calibration"], name)
        let data = try CalibrationData(arrays: [("calibration", calibration)], model: floatFile.model)
        let quantized = try Quantizer.quantize(file: floatFile, calibration: data, options: QuantizationOptions(mode: .int8))
        let runner = try ModelRunner(file: try ModelFile(bytes: quantized.bytes, path: "\(name) int8"))

        let input = try XCTUnwrap(reference["input"], name)
        let inputBytes = input.data
        let samples = input.shape[0]
        let sampleSize = inputBytes.count / samples
        let outputCount = runner.interpreter.outputCount
        for index in 0..<outputCount {
            let expected = try XCTUnwrap(reference["output_\(index)"], "\(name) output \(index)")
            let expectedBytes = expected.data
            let outputSize = expectedBytes.count / samples
            var mismatches = 0
            for sample in 0..<samples {
                let view = try runner.inputView(0)
                XCTAssertEqual(view.type, .int8, name)
                XCTAssertEqual(view.byteCount, sampleSize, "\(name): input size")
                let bytes = view.elements(as: UInt8.self)
                for i in 0..<min(sampleSize, bytes.count) { bytes[i] = inputBytes[sample * sampleSize + i] }
                try runner.invoke()
                let output = try runner.outputView(index)
                XCTAssertEqual(output.byteCount, outputSize, "\(name): output size")
                let got = output.elements(as: UInt8.self)
                for i in 0..<min(outputSize, output.byteCount) where got[i] != expectedBytes[sample * outputSize + i] { mismatches += 1 }
            }
            XCTAssertEqual(mismatches, 0, "\(name) output \(index): \(mismatches) int8 values differ from the reference's (\(file))")
        }
    }
}
