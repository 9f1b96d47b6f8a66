import XCTest
import Foundation
@testable import SwiftletConvert

/// Damaged Keras files are errors, never crashes or hangs.
final class KerasMalformedTests: XCTestCase {
    private func convert(_ bytes: [UInt8], suffix: String) -> Error? {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-malformed-\(UUID().uuidString).\(suffix)").path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try GraphWriter.serialize(try KerasImporter.importModel(path: path))
            return nil
        } catch {
            return error
        }
    }

    func testTruncatedAndCorruptedFilesAreConvertErrors() throws {
        for file in ["model.keras", "model.h5"] {
            let bytes = [UInt8](try Data(contentsOf: KerasFixture.root.appendingPathComponent("conv_basic").appendingPathComponent(file)))
            var cut = 0
            while cut < bytes.count {
                if let error = convert(Array(bytes[..<cut]), suffix: file) {
                    XCTAssertTrue(error is ConvertError, "\(file) cut at \(cut): \(error)")
                } else if cut < bytes.count / 2 {
                    XCTFail("\(file) cut at \(cut) of \(bytes.count) converted")
                }
                cut += max(1, cut / 5)
            }
            var state: UInt64 = 99
            for _ in 0..<(file.hasSuffix(".h5") ? 150 : 40) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                var corrupted = bytes
                corrupted[Int((state >> 33) % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: state >> 13) | 1
                if let error = convert(corrupted, suffix: file) {
                    XCTAssertTrue(error is ConvertError, "\(file): \(error)")
                }
            }
        }
    }

    func testBadConfigsNameTheProblem() throws {
        func importing(_ config: [String: Any]) -> String {
            var file = try! KerasModelFile(path: KerasFixture.root.appendingPathComponent("seq_mlp/model.keras").path)
            file.config = config
            do {
                _ = try KerasImporter.importModel(file)
                return "converted"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertTrue(importing(["class_name": "MyModel", "config": ["layers": []]]).contains("Sequential and Functional"))
        let lambda: [String: Any] = ["class_name": "Sequential", "config": ["layers": [
            ["class_name": "InputLayer", "config": ["name": "x", "batch_shape": [NSNull(), 4]]],
            ["class_name": "Lambda", "config": ["name": "custom"]],
        ]]]
        let message = importing(lambda)
        XCTAssertTrue(message.contains("Lambda") && message.contains("custom") && message.contains("Conv2D"), message)
        let dynamic: [String: Any] = ["class_name": "Sequential", "config": ["layers": [
            ["class_name": "InputLayer", "config": ["name": "x", "batch_shape": [NSNull(), NSNull(), 4]]],
        ]]]
        XCTAssertTrue(importing(dynamic).contains("static shapes"), importing(dynamic))
        let missingWeights: [String: Any] = ["class_name": "Sequential", "config": ["layers": [
            ["class_name": "InputLayer", "config": ["name": "x", "batch_shape": [NSNull(), 4]]],
            ["class_name": "Dense", "config": ["name": "nowhere", "units": 3]],
        ]]]
        XCTAssertTrue(importing(missingWeights).contains("needs 2 weight arrays"), importing(missingWeights))
    }
}
