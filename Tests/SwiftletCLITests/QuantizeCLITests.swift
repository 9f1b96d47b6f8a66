import Foundation
import SwiftletTools
import XCTest

/// `swiftlet quantize` as a user runs it.
final class QuantizeCLITests: XCTestCase {
    private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/quantization")

    private func path(_ network: String, _ file: String) -> String {
        fixtures.appendingPathComponent(network).appendingPathComponent(file).path
    }

    func testQuantizeWritesTheModelAndTheEvaluationReport() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let output = folder.appendingPathComponent("convnet_int8.tflite").path
        let report = folder.appendingPathComponent("report.json").path
        // --eval wants an .npz holding x: a bare .npy is refused and nothing is written.
        let refused = try CLIRunner.run(["quantize", path("convnet", "float.tflite"), "--calibration", path("convnet", "calibration.npy"),
                                         "-o", output, "--eval", path("convnet", "test_input.npy"), "--report", report])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: report))

        let pack = try CLIRunner.run(["quantize", path("convnet", "float.tflite"), "--calibration", path("convnet", "calibration.npy"),
                                      "-o", output, "--report", report])
        XCTAssertEqual(pack.status, 0, pack.stderr)
        XCTAssertTrue(pack.stderr.contains("calibrating ["), pack.stderr)
        XCTAssertTrue(pack.stdout.contains("5644 ->"), pack.stdout)
        let written = try Data(contentsOf: URL(fileURLWithPath: output))
        XCTAssertEqual(Array(written[4..<8]), Array("TFL3".utf8))
        // The quantized model runs; its int8 input is fed from the float test inputs.
        let run = try CLIRunner.run(["run", output, "--input", path("convnet", "test_input.npy"), "--output",
                                     folder.appendingPathComponent("out.npy").path, "--quantize-input"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        XCTAssertEqual(json["mode"] as? String, "int8")
        XCTAssertEqual(json["quantizedBytes"] as? Int, written.count)
    }

    func testEvalReportsErrorsAccuracyAndWorstLayers() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        // Build x/y with `swiftlet run`'s own NumPy files: x = the calibration samples, y = the float model's argmax.
        let floatOut = folder.appendingPathComponent("float_out.npy").path
        let run = try CLIRunner.run(["run", path("convnet", "float.tflite"), "--input", path("convnet", "calibration.npy"), "--output", floatOut])
        XCTAssertEqual(run.status, 0, run.stderr)
        let archive = folder.appendingPathComponent("eval.npz").path
        try makeArchive(x: path("convnet", "calibration.npy"), probabilities: floatOut, to: archive)
        let output = folder.appendingPathComponent("q.tflite").path
        let report = folder.appendingPathComponent("r.json").path
        let result = try CLIRunner.run(["quantize", path("convnet", "float.tflite"), "--calibration", path("convnet", "calibration.npy"),
                                        "-o", output, "--eval", archive, "--report", report])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("accuracy: float 100.00%"), result.stdout)
        XCTAssertTrue(result.stdout.contains("SQNR"), result.stdout)
        XCTAssertTrue(result.stdout.contains("lowest per-tensor SQNR"), result.stdout)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        let evaluation = try XCTUnwrap(json["evaluation"] as? [String: Any])
        XCTAssertEqual(evaluation["floatAccuracy"] as? Double, 1.0)
        let quantizedAccuracy = try XCTUnwrap(evaluation["quantizedAccuracy"] as? Double)
        XCTAssertGreaterThan(quantizedAccuracy, 0.8)
        let outputs = try XCTUnwrap(evaluation["outputs"] as? [[String: Any]])
        let sqnr = try XCTUnwrap(outputs.first?["sqnrDB"] as? Double)
        XCTAssertGreaterThan(sqnr, 20)
        XCTAssertLessThan(sqnr, 80)
        let worst = try XCTUnwrap(json["worstTensors"] as? [[String: Any]])
        XCTAssertFalse(worst.isEmpty)
    }

    func testBadInputIsAClearError() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let output = folder.appendingPathComponent("x.tflite").path
        let quantized = try CLIRunner.run(["quantize", path("sine", "int8.tflite"), "--calibration", path("sine", "calibration.npy"), "-o", output])
        XCTAssertNotEqual(quantized.status, 0)
        XCTAssertTrue(quantized.stderr.contains("already quantized"), quantized.stderr)
        let wrongShape = try CLIRunner.run(["quantize", path("sine", "float.tflite"), "--calibration", path("convnet", "calibration.npy"), "-o", output])
        XCTAssertNotEqual(wrongShape.status, 0)
        XCTAssertTrue(wrongShape.stderr.contains("shape"), wrongShape.stderr)
        let noCalibration = try CLIRunner.run(["quantize", path("sine", "float.tflite"), "-o", output, "--mode", "int16x8"])
        XCTAssertNotEqual(noCalibration.status, 0)
        XCTAssertTrue(noCalibration.stderr.contains("--calibration"), noCalibration.stderr)
        let badMode = try CLIRunner.run(["quantize", path("sine", "float.tflite"), "-o", output, "--mode", "int4"])
        XCTAssertNotEqual(badMode.status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
        // Weight-only modes need no calibration.
        let float16 = try CLIRunner.run(["quantize", path("sine", "float.tflite"), "-o", output, "--mode", "float16"])
        XCTAssertEqual(float16.status, 0, float16.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output))
    }

    /// Writes eval.npz {x, y = argmax of the float outputs}.
    private func makeArchive(x: String, probabilities: String, to archive: String) throws {
        let probs = try NumPyFile.readArray(probabilities)
        let floats = try probs.floats()
        let classes = probs.shape.last ?? 1
        let labels: [Int64] = stride(from: 0, to: floats.count, by: classes).map { start in
            var best = start
            for i in start..<(start + classes) where floats[i] > floats[best] { best = i }
            return Int64(best - start)
        }
        let archiveValue: NumPyArchive = ["x": try NumPyFile.readArray(x), "y": try NumPyArray(labels)]
        try NumPyFile.writeArchive(archiveValue, to: archive)
    }
}
