import Foundation
import XCTest

/// `swiftlet train --example NAME`.
final class TrainCLITests: XCTestCase {
    func testTrainsTheLinesExampleAndWritesAModelInspectReads() throws {
        let folder = try CLIRunner.temporaryFolder(for: self)
        let path = folder.appendingPathComponent("lines.tflite").path
        let result = try CLIRunner.run(["train", "--example", "lines", "--epochs", "3", "-o", path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").filter { $0.hasPrefix("epoch ") }.count, 3, result.stdout)
        XCTAssertTrue(result.stdout.contains("wrote \(path)"), result.stdout)
        let inspect = try CLIRunner.run(["inspect", path])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        // BatchNormalization folded into the convolution and its ReLU fused, as TF's converter does.
        XCTAssertTrue(inspect.stdout.contains("CONV_2D ×1, FULLY_CONNECTED ×1, MAX_POOL_2D ×1, SOFTMAX ×1"), inspect.stdout)
    }

    func testUnknownExampleIsAnError() throws {
        let result = try CLIRunner.run(["train", "--example", "mnist"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("sine") && result.stderr.contains("lines"), result.stderr)
    }
}
