import Foundation
import XCTest
import SwiftletTools

/// `swiftlet convert SAVED_MODEL_DIR` as a user runs it.
final class SavedModelConvertCLITests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/savedmodel")

    private func fixture(_ name: String, _ file: String) -> String {
        Self.root.appendingPathComponent(name).appendingPathComponent(file).path
    }

    func testConvertsOptimizesAndQuantizes() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let floatPath = folder.appendingPathComponent("float.tflite").path
        let result = try CLIRunner.run(["convert", fixture("keras_dscnn", "saved_model"), "-o", floatPath])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("SavedModel signature serving_default"), result.stdout)
        XCTAssertTrue(result.stdout.contains("DEPTHWISE_CONV_2D 4"), result.stdout)

        let serve = try CLIRunner.run(["convert", fixture("keras_dscnn", "saved_model"), "-o", floatPath, "--signature", "serve"])
        XCTAssertEqual(serve.status, 0, serve.stderr)
        XCTAssertTrue(serve.stdout.contains("SavedModel signature serve "), serve.stdout)

        // --optimize default: dynamic range without calibration data, int8 (float I/O) with it.
        let dynamic = try CLIRunner.run(["convert", fixture("keras_dscnn", "saved_model"), "-o", floatPath, "--optimize", "default"])
        XCTAssertEqual(dynamic.status, 0, dynamic.stderr)
        XCTAssertTrue(dynamic.stdout.contains("quantized dynamic-range"), dynamic.stdout)
        let full = try CLIRunner.run(["convert", fixture("keras_dscnn", "saved_model"), "-o", floatPath, "--optimize", "default",
                                      "--calibration", fixture("keras_dscnn", "calibration.npy")])
        XCTAssertEqual(full.status, 0, full.stderr)
        XCTAssertTrue(full.stdout.contains("quantized int8-float-io"), full.stdout)

        let int8 = try CLIRunner.run(["convert", fixture("keras_dscnn", "saved_model"), "-o", floatPath, "--quantize", "int8",
                                      "--calibration", fixture("keras_dscnn", "calibration.npy")])
        XCTAssertEqual(int8.status, 0, int8.stderr)
        let types = try CLIRunner.run(["inspect", floatPath, "--json"])
        XCTAssertTrue(types.stdout.contains("\"INT8\""), "the converted model is quantized")
    }

    func testErrorsLeaveNoOutput() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let output = folder.appendingPathComponent("never.tflite").path
        for (arguments, message) in [
            ([fixture("keras_dense", "saved_model"), "--signature", "nope"], "no signature 'nope'"),
            ([fixture("keras_dense", "saved_model"), "--optimize", "size"], "--optimize"),
            ([fixture("keras_dense", "saved_model"), "--optimize", "default", "--quantize", "int8"], "not both"),
            ([fixture("keras_dense", "tf_model.tflite"), "--signature", "serve"], "SavedModel folders"),
        ] {
            let result = try CLIRunner.run(["convert"] + arguments + ["-o", output])
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: output))
        }
    }
}
