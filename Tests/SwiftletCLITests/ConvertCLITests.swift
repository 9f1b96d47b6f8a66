import Foundation
import XCTest
import SwiftletTools

/// `swiftlet convert` as a user runs it.
final class ConvertCLITests: XCTestCase {
    static let keras = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/keras")

    private func fixture(_ name: String, _ file: String) -> String {
        Self.keras.appendingPathComponent(name).appendingPathComponent(file).path
    }

    func testConvertsKerasAndH5ToTheSameRunnableModel() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let fromKeras = folder.appendingPathComponent("a.tflite").path, fromH5 = folder.appendingPathComponent("b.tflite").path
        let first = try CLIRunner.run(["convert", fixture("conv_basic", "model.keras"), "-o", fromKeras])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("9 operators (AVERAGE_POOL_2D 1, CONV_2D 2, DEPTHWISE_CONV_2D 2"), first.stdout)
        let second = try CLIRunner.run(["convert", fixture("conv_basic", "model.h5"), "-o", fromH5])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: fromKeras)), try Data(contentsOf: URL(fileURLWithPath: fromH5)))

        let outputPath = folder.appendingPathComponent("out.npy").path
        let run = try CLIRunner.run(["run", fromKeras, "--input", fixture("conv_basic", "input.npy"), "--output", outputPath])
        XCTAssertEqual(run.status, 0, run.stderr)
        let ours = try NumPyFile.readArray(outputPath).floats()
        let tf = try NumPyFile.readArray(fixture("conv_basic", "tf_output.npy")).floats()
        XCTAssertEqual(ours.count, tf.count)
        for (a, b) in zip(ours, tf) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    func testBatchAndQuantizeOptions() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let batched = folder.appendingPathComponent("batch.tflite").path
        let result = try CLIRunner.run(["convert", fixture("seq_mlp", "model.keras"), "-o", batched, "--batch", "3"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let inspect = try CLIRunner.run(["inspect", batched, "--json"])
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        let subgraph = try XCTUnwrap((report["subgraphs"] as? [[String: Any]])?.first)
        let input = try XCTUnwrap((subgraph["inputs"] as? [Int])?.first)
        let tensor = try XCTUnwrap((subgraph["tensors"] as? [[String: Any]])?[input])
        XCTAssertEqual(tensor["shape"] as? [Int], [3, 16])

        let quantized = folder.appendingPathComponent("q.tflite").path
        let q = try CLIRunner.run(["convert", fixture("net_kws_dscnn", "model.keras"), "-o", quantized,
                                   "--quantize", "int8", "--calibration", fixture("net_kws_dscnn", "input.npy")])
        XCTAssertEqual(q.status, 0, q.stderr)
        XCTAssertTrue(q.stdout.contains("quantized int8"), q.stdout)
        let types = try CLIRunner.run(["inspect", quantized, "--json"])
        XCTAssertTrue(types.stdout.contains("\"INT8\""), "the converted model is quantized")
    }

    func testErrorsAreOneLineAndLeaveNoOutput() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let output = folder.appendingPathComponent("never.tflite").path
        for (arguments, expected) in [
            ([fixture("hdf5", "v0_many.h5")], "model_config"),
            ([fixture("hdf5", "expected.json")], "neither a .keras"),
            ([fixture("seq_mlp", "model.keras"), "--quantize", "int8"], "--calibration"),
            ([fixture("seq_mlp", "model.keras"), "--quantize", "int3"], "unknown --quantize mode"),
        ] {
            let result = try CLIRunner.run(["convert"] + arguments + ["-o", output])
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            XCTAssertTrue(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: output))
        }
    }
}
