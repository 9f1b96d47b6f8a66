import Foundation
import XCTest
import SwiftletTools

/// `swiftlet convert MODEL.onnx` as a user runs it.
final class ONNXConvertCLITests: XCTestCase {
    static let onnx = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/onnx")

    private func fixture(_ name: String, _ file: String) -> String {
        Self.onnx.appendingPathComponent(name).appendingPathComponent(file).path
    }

    func testConvertsReportsTransposesAndQuantizes() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let floatPath = folder.appendingPathComponent("float.tflite").path
        let result = try CLIRunner.run(["convert", fixture("mobilenet_block", "model.onnx"), "-o", floatPath])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("0 TRANSPOSE left; inputs NHWC"), result.stdout)
        XCTAssertTrue(result.stdout.contains("DEPTHWISE_CONV_2D 2"), result.stdout)

        let nchw = try CLIRunner.run(["convert", fixture("mobilenet_block", "model.onnx"), "-o", floatPath, "--keep-nchw-inputs"])
        XCTAssertEqual(nchw.status, 0, nchw.stderr)
        XCTAssertTrue(nchw.stdout.contains("1 TRANSPOSE left; inputs unchanged"), nchw.stdout)

        // Calibration samples in the converted model's NHWC layout.
        let image = try XCTUnwrap(try NumPyFile.readArchive(fixture("mobilenet_block", "inputs.npz"))["image"])
        let values = try image.floats()
        var nhwc = [Float](repeating: 0, count: values.count)
        for c in 0..<3 { for s in 0..<(24 * 24) { nhwc[s * 3 + c] = values[c * 24 * 24 + s] } }
        let calibration = folder.appendingPathComponent("calibration.npy").path
        try NumPyFile.write(try NumPyArray(nhwc, shape: [1, 24, 24, 3]), to: calibration)
        let quantized = folder.appendingPathComponent("int8.tflite").path
        let q = try CLIRunner.run(["convert", fixture("mobilenet_block", "model.onnx"), "-o", quantized,
                                   "--quantize", "int8", "--calibration", calibration])
        XCTAssertEqual(q.status, 0, q.stderr)
        XCTAssertTrue(q.stdout.contains("quantized int8"), q.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: quantized))
    }

    func testErrorsLeaveNoOutput() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let output = folder.appendingPathComponent("never.tflite").path
        let garbage = folder.appendingPathComponent("garbage.onnx")
        try Data((0..<40).map { UInt8(truncatingIfNeeded: $0 &* 29 &+ 3) }).write(to: garbage)
        let broken = try CLIRunner.run(["convert", garbage.path, "-o", output])
        XCTAssertNotEqual(broken.status, 0)
        XCTAssertTrue(broken.stderr.contains("garbage.onnx"), broken.stderr)
        let misplaced = try CLIRunner.run(["convert", fixture("mlp", "inputs.npz"), "-o", output, "--keep-nchw-inputs"])
        XCTAssertNotEqual(misplaced.status, 0)
        XCTAssertTrue(misplaced.stderr.contains("--keep-nchw-inputs"), misplaced.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }
}
