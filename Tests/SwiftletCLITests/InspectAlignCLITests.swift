import Foundation
import XCTest

/// `swiftlet inspect` and `swiftlet align` on good and bad input.
final class InspectAlignCLITests: XCTestCase {
    private let model = CLIRunner.fixtureModel("sine_int8")

    func testInspectPrintsTablesAndJSON() throws {
        let text = try CLIRunner.run(["inspect", model])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("FULLY_CONNECTED ×3"), text.stdout)
        XCTAssertTrue(text.stdout.contains("INT8"))

        let json = try CLIRunner.run(["inspect", model, "--json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["schemaVersion"] as? Int, 3)
        XCTAssertEqual((object["operatorCounts"] as? [String: Int])?["FULLY_CONNECTED"], 3)
        XCTAssertNotNil(object["totalMACs"] as? Int)
    }

    func testAlignWritesAModelThatInspectsTheSame() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let output = folder.appendingPathComponent("aligned.tflite").path
        let result = try CLIRunner.run(["align", model, "-o", output])
        XCTAssertEqual(result.status, 0, result.stderr)
        let before = try CLIRunner.run(["inspect", model, "--json"]).stdout
        let after = try CLIRunner.run(["inspect", output, "--json"]).stdout
        // Only the file size may differ (alignment padding).
        func withoutSize(_ text: String) -> String {
            text.split(separator: "\n").filter { !$0.contains("\"fileBytes\"") }.joined(separator: "\n")
        }
        XCTAssertEqual(withoutSize(before), withoutSize(after))
    }

    func testBadInputGivesOneClearLineAndNoOutput() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let original = try Data(contentsOf: URL(fileURLWithPath: model))

        let truncated = folder.appendingPathComponent("truncated.tflite")
        try original.prefix(original.count / 2).write(to: truncated)
        let notAModel = folder.appendingPathComponent("notes.tflite")
        try Data("just some text, not a model".utf8).write(to: notAModel)
        var flipped = original
        flipped[0] ^= 0x40  // the root offset
        let corrupted = folder.appendingPathComponent("corrupted.tflite")
        try flipped.write(to: corrupted)

        let cases: [(path: String, expected: String)] = [
            (folder.appendingPathComponent("missing.tflite").path, "no such file"),
            (truncated.path, "not a valid .tflite model"),
            (notAModel.path, "not a .tflite model"),
            (corrupted.path, "not a valid .tflite model"),
        ]
        for (path, expected) in cases {
            for command in [["inspect", path], ["align", path, "-o", folder.appendingPathComponent("out.tflite").path]] {
                let result = try CLIRunner.run(command)
                XCTAssertNotEqual(result.status, 0, "\(command) should fail")
                XCTAssertTrue(result.stderr.contains(expected), "\(command): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains(path), "the message names the file: \(result.stderr)")
                XCTAssertTrue(result.stdout.isEmpty)
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out.tflite").path))
    }

    func testUnwritableOutputFolderLeavesNothing() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let output = folder.appendingPathComponent("no/such/folder/out.tflite").path
        let result = try CLIRunner.run(["align", model, "-o", output])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("cannot write"), result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }
}
