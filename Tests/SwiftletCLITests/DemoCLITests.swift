import Foundation
import XCTest

/// `swiftlet demo`, the README's main command.
final class DemoCLITests: XCTestCase {
    func testDemoTrainsExportsAnalysesRunsAndPlotsTheSineModel() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let result = try CLIRunner.run(["demo", "--out", folder.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        for file in ["sine_float.tflite", "sine_int8.tflite", "sine_model_data.cc", "sine_model_data.h", "sine.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), file)
        }
        let lines = result.stdout.split(separator: "\n").map(String.init)
        // The loss curve is printed as training goes, and falls.
        let losses = lines.filter { $0.contains("epoch ") && $0.contains(" loss ") }
            .compactMap { Double($0.split(separator: " ").last.map(String.init) ?? "") }
        XCTAssertGreaterThanOrEqual(losses.count, 10)
        XCTAssertLessThan(try XCTUnwrap(losses.last), try XCTUnwrap(losses.first) / 4)
        // The error against sin(x) is measured, not printed from a constant: parse it and bound it.
        let line = try XCTUnwrap(lines.first { $0.contains("sine_float.tflite:") && $0.contains("MSE against sin(x)") })
        let mse = try XCTUnwrap(line.components(separatedBy: "MSE against sin(x): ").last?.split(separator: " ").first
            .flatMap { Double($0) })
        XCTAssertLessThan(mse, 0.03)
        XCTAssertGreaterThan(mse, 0)
        let int8Line = try XCTUnwrap(lines.first { $0.contains("sine_int8.tflite:") && $0.contains("MSE against sin(x)") })
        let int8MSE = try XCTUnwrap(int8Line.components(separatedBy: "MSE against sin(x): ").last?.split(separator: ";").first
            .flatMap { Double($0) })
        XCTAssertLessThan(int8MSE, 0.03)
        XCTAssertGreaterThan(int8MSE, 0)
        XCTAssertTrue(lines.contains { $0.contains("fits Arduino Nano 33 BLE Sense") }, result.stdout)
        XCTAssertTrue(lines.contains { $0.contains("arena: ") && $0.contains("bytes exactly") }, result.stdout)
        // The demo's model passes inspect too.
        let inspect = try CLIRunner.run(["inspect", folder.appendingPathComponent("sine_float.tflite").path, "--json"])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        XCTAssertTrue(inspect.stdout.contains("\"FULLY_CONNECTED\" : 3"), inspect.stdout)
        let int8Inspect = try CLIRunner.run(["inspect", folder.appendingPathComponent("sine_int8.tflite").path])
        XCTAssertEqual(int8Inspect.status, 0, int8Inspect.stderr)
        XCTAssertTrue(int8Inspect.stdout.contains("INT8"), int8Inspect.stdout)
        let svg = try String(contentsOf: folder.appendingPathComponent("sine.svg"), encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg") && svg.contains("<polyline") && svg.contains("sin(x)"))
    }
}
