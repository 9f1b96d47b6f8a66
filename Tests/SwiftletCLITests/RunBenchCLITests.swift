import Foundation
import XCTest
import SwiftletFormat
import SwiftletTools

/// `swiftlet run` and `swiftlet bench` on good and bad input.
final class RunBenchCLITests: XCTestCase {
    private let fixture = CLIRunner.fixtures.appendingPathComponent("sine_int8")
    private var model: String { fixture.appendingPathComponent("model.tflite").path }
    private var input: String { fixture.appendingPathComponent("input.npy").path }

    func testRunMatchesTFLMOnTheFixture() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let output = folder.appendingPathComponent("out.npy").path
        let result = try CLIRunner.run(["run", model, "--input", input, "--output", output])
        XCTAssertEqual(result.status, 0, result.stderr)
        let ours = try NumPyFile.readArray(output)
        let tflm = try NumPyFile.readArray(fixture.appendingPathComponent("tflm_output.npy").path)
        XCTAssertEqual(ours, tflm)
    }

    func testDataSetLayoutAndNPZAndProfile() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        // [N] + inputShape.dropFirst(): the model's input is [1, 1]; give [4, 1].
        let samples = try NumPyFile.readArray(input).reshaped([4, 1])
        let npz = folder.appendingPathComponent("in.npz").path
        try NumPyFile.writeArchive(["input_0": samples], to: npz)
        let output = folder.appendingPathComponent("out.npz").path
        let result = try CLIRunner.run(["run", model, "--input", npz, "--output", output, "--profile"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("FULLY_CONNECTED"), result.stdout)
        let archive = try NumPyFile.readArchive(output)
        let tflm = try NumPyFile.readArray(fixture.appendingPathComponent("tflm_output.npy").path)
        XCTAssertEqual(archive["output_0"]?.data, tflm.data)
        XCTAssertEqual(archive["output_0"]?.shape, [4, 1, 1])
        XCTAssertNotNil(archive["StatefulPartitionedCall_1:0"], "outputs are also keyed by tensor name: \(archive.names)")
    }

    func testFloatDataNeedsQuantizeInput() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let floats = folder.appendingPathComponent("x.npy").path
        try NumPyFile.write(try NumPyArray([Float(0.5), 1.5, 3.0], shape: [3, 1]), to: floats)
        let output = folder.appendingPathComponent("y.npy").path
        let refused = try CLIRunner.run(["run", model, "--input", floats, "--output", output])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("--quantize-input"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
        let accepted = try CLIRunner.run(["run", model, "--input", floats, "--output", output, "--quantize-input"])
        XCTAssertEqual(accepted.status, 0, accepted.stderr)
        XCTAssertEqual(try NumPyFile.readArray(output).shape, [3, 1, 1])
    }

    func testBadShapeSmallArenaAndUnsupportedOperator() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let wrong = folder.appendingPathComponent("wrong.npy").path
        try NumPyFile.write(try NumPyArray([Int8](repeating: 0, count: 6), shape: [2, 3]), to: wrong)
        let output = folder.appendingPathComponent("y.npy").path
        let shape = try CLIRunner.run(["run", model, "--input", wrong, "--output", output])
        XCTAssertNotEqual(shape.status, 0)
        XCTAssertTrue(shape.stderr.contains("does not fit input 0"), shape.stderr)

        let small = try CLIRunner.run(["run", model, "--input", input, "--output", output, "--arena-size", "64"])
        XCTAssertNotEqual(small.status, 0)
        XCTAssertTrue(small.stderr.contains("arena too small"), small.stderr)

        // The sine model with its FULLY_CONNECTED relabelled LSH_PROJECTION, an operator no kernel implements.
        let sine = try ModelFile(path: model)
        var definition = try ModelDefinition(reading: sine.model)
        for index in definition.operatorCodes.indices { definition.operatorCodes[index].builtinCode = BuiltinOperator(rawValue: 15) }
        let relabelled = folder.appendingPathComponent("lsh.tflite")
        try Data(try ModelWriter.serialize(definition)).write(to: relabelled)
        let unsupported = try CLIRunner.run(["run", relabelled.path, "--input", input, "--output", output])
        XCTAssertNotEqual(unsupported.status, 0)
        XCTAssertTrue(unsupported.stderr.contains("LSH_PROJECTION"), unsupported.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    func testBenchPrintsJSON() throws {
        let result = try CLIRunner.run(["bench", model, "--runs", "5", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertGreaterThan(object["medianMicroseconds"] as? Double ?? 0, 0)
        XCTAssertGreaterThan(object["minMicroseconds"] as? Double ?? 0, 0)
        XCTAssertGreaterThan(object["arenaBytes"] as? Int ?? 0, 0)
    }
}
