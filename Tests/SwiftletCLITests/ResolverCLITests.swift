import Foundation
import XCTest
import SwiftletFormat

/// `swiftlet resolver`, run as a user would run the built binary.
final class ResolverCLITests: XCTestCase {
    func testWritesTheResolverAndPrintsASummary() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let model = CLIRunner.fixtureModel("net_person_mobilenet_v1_025_int8")
        let output = folder.appendingPathComponent("g_person_resolver.swift").path
        let run = try CLIRunner.run(["resolver", model, "--name", "g_person", "-o", output])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "\(model): AVERAGE_POOL_2D, CONV_2D, DEPTHWISE_CONV_2D, RESHAPE, SOFTMAX; arena 58432 B (32-bit) -> \(output)\n")
        let source = try String(contentsOfFile: output, encoding: .utf8)
        XCTAssertTrue(source.contains("OpResolver([.averagePool2D, .conv2D, .depthwiseConv2D, .reshape, .softmax])"), source)

        // The arena constant is inspect's target32Bytes.
        let inspect = try CLIRunner.run(["inspect", "--json", model])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        let target32 = try XCTUnwrap((json["arena"] as? [String: Any])?["target32Bytes"] as? Int)
        XCTAssertTrue(source.contains("public let g_person_arenaBytes = \(target32)\n"), source)
    }

    func testWithoutOutputPrintsTheSource() throws {
        let run = try CLIRunner.run(["resolver", CLIRunner.fixtureModel("sine_int8")])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("public var model_tflite_resolver: OpResolver {\n    OpResolver([.fullyConnected])\n}"), run.stdout)
    }

    func testUnsupportedOperatorIsOneClearError() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        var model = ModelDefinition()
        model.operatorCodes = [OperatorCodeDefinition(builtinCode: .custom, customCode: "MyOp")]
        var subgraph = SubGraphDefinition()
        subgraph.tensors = [TensorDefinition(shape: [4], type: .float32, name: "x"),
                            TensorDefinition(shape: [4], type: .float32, name: "y")]
        subgraph.inputs = [0]
        subgraph.outputs = [1]
        subgraph.operators = [OperatorDefinition(opcodeIndex: 0, inputs: [0], outputs: [1])]
        model.subgraphs = [subgraph]
        let bad = folder.appendingPathComponent("custom.tflite").path
        try Data(try ModelWriter.serialize(model)).write(to: URL(fileURLWithPath: bad))
        let output = folder.appendingPathComponent("out.swift").path
        let run = try CLIRunner.run(["resolver", bad, "-o", output])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.hasPrefix("Error: \(bad): Swiftlet has no kernel for custom operator MyOp;"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))

        // A file that is not a model: the verifier's error, no output.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: CLIRunner.fixtureModel("sine_int8"))))
        bytes[4] = UInt8(ascii: "X")
        try Data(bytes).write(to: URL(fileURLWithPath: bad))
        let second = try CLIRunner.run(["resolver", bad, "-o", output])
        XCTAssertNotEqual(second.status, 0)
        XCTAssertTrue(second.stderr.hasPrefix("Error: \(bad): not a valid .tflite model"), second.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }
}
