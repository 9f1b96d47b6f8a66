import Foundation
import SwiftletConvert
import SwiftletFormat
import SwiftletTools
import XCTest

/// `swiftlet convert MODEL.keras --quantize int8` against TensorFlow's int8 conversion of the same
/// Keras model (Tests/Fixtures/keras_int8, by `bash Tools/fixtures/generate.sh keras-int8`): from the
/// calibration data alone, every tensor's type, shape, scale, zero point and quantized data, and the
/// operator list with versions, equal TF's.
final class KerasInt8FixtureTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    func testKerasInt8ConversionsMatchTensorFlow() throws {
        let index = try Data(contentsOf: Self.root.appendingPathComponent("keras_int8/index.json"))
        let names = try XCTUnwrap((try JSONSerialization.jsonObject(with: index) as? [String: Any])?["fixtures"] as? [String])
        XCTAssertFalse(names.isEmpty)
        for name in names {
            let folder = Self.root.appendingPathComponent("keras_int8").appendingPathComponent(name)
            let graph = try KerasImporter.importModel(path: Self.root.appendingPathComponent("keras/\(name)/model.keras").path)
            let floatFile = try ModelFile(bytes: try GraphWriter.serialize(graph), path: "\(name) float")
            let calibration = try CalibrationData(path: folder.appendingPathComponent("calibration.npy").path, model: floatFile.model)
            let result = try Quantizer.quantize(file: floatFile, calibration: calibration, options: QuantizationOptions(mode: .int8))
            let theirs = try ModelFile(path: folder.appendingPathComponent("tf_int8.tflite").path)
            let ours = try ModelFile(bytes: result.bytes, path: "\(name) int8")
            let comparison = try withExtendedLifetime((theirs, ours)) {
                ModelComparison(ours: try ModelDefinition(reading: ours.model), theirs: try ModelDefinition(reading: theirs.model))
            }
            if let difference = comparison.firstDifference() { XCTFail("\(name): first difference from TF: \(difference)") }
        }
    }
}
