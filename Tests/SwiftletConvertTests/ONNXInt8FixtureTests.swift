import XCTest
import Foundation
import SwiftletFormat
import SwiftletTools
@testable import SwiftletConvert

/// `swiftlet convert MODEL.onnx --quantize int8`, checked against the real TFLM without Python:
/// every ONNX fixture with a `tflm_int8.npz` (written by `generate.sh onnx-check --write-reference`
/// from TFLM's run of the int8 model our converter made) is converted and quantized again here on
/// the same calibration samples, run on the Swiftlet interpreter, and must give TFLM's int8
/// outputs bit for bit.
final class ONNXInt8FixtureTests: XCTestCase {
    static func referenceNames() throws -> [String] {
        try ONNXFixtureTests.fixtureNames().filter {
            FileManager.default.fileExists(atPath: ONNXFixtureTests.fixtures.appendingPathComponent("\($0)/tflm_int8.npz").path)
        }
    }

    func testMostFixturesHaveTFLMReferences() throws {
        XCTAssertGreaterThanOrEqual(try Self.referenceNames().count, 12)
    }

    func testInt8ConversionsRunBitIdenticallyToTFLM() throws {
        for name in try Self.referenceNames() {
            do { try check(name) } catch { XCTFail("\(name): \(error)") }
        }
    }

    func check(_ name: String) throws {
        let folder = ONNXFixtureTests.fixtures.appendingPathComponent(name)
        let reference = try NumPyFile.readArchive(folder.appendingPathComponent("tflm_int8.npz").path)
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
            XCTAssertEqual(mismatches, 0, "\(name) output \(index): \(mismatches) int8 values differ from TFLM's")
        }
    }
}
