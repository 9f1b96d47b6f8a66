import Foundation
import XCTest

/// `swiftlet demo`, the README's main command.
final class DemoCLITests: XCTestCase {
    func testDemoBuildsRunsAndExportsTheSineModel() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let result = try CLIRunner.run(["demo", "--out", folder.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        for file in ["sine_float.tflite", "g_sine_model.cc", "g_sine_model.h"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), file)
        }
        // The error line is measured, not printed from a constant: parse it and bound it.
        let line = try XCTUnwrap(result.stdout.split(separator: "\n").first { $0.contains("mean squared error") })
        let mse = try XCTUnwrap(Double(line.split(separator: " ").last.map(String.init) ?? ""))
        XCTAssertLessThan(mse, 1e-3)
        XCTAssertGreaterThan(mse, 0)
        // The demo's model passes inspect too.
        let inspect = try CLIRunner.run(["inspect", folder.appendingPathComponent("sine_float.tflite").path, "--json"])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        XCTAssertTrue(inspect.stdout.contains("\"FULLY_CONNECTED\" : 2"), inspect.stdout)
    }
}
