import Foundation
import SwiftletConvert
import SwiftletFormat
import SwiftletTools
import XCTest

/// `swiftlet convert SAVED_MODEL_DIR --quantize int8` against TensorFlow's int8 conversion of the
/// same SavedModel (`int8.tflite` in each fixture folder with calibration data, written by
/// Tools/fixtures/generate_savedmodel.py).
///
/// Where a layer folds a Keras BatchNormalization, TF's weights are not reproducible bit for bit:
/// TF's converter folds the `Rsqrt` of `tf.nn.batch_normalization` by running TF's CPU kernel,
/// whose vectorized path (Eigen: the processor's approximate RSQRTPS refined by one Newton step)
/// is 1–2 ulp off the rounded 1/√x for some channels, and differs between processors (TF 2.21 on
/// an AMD EPYC folds keras_dense's first layer to weights 181 of 1024 of which differ from the
/// fixture's, made on another machine). Swiftlet computes 1/√x rounded; for those fixtures the
/// test asserts the operators, options, types, shapes and quantized dimensions exactly and the
/// scales (1e-5 relative), zero points and int8 data (±1) and int32 biases (1e-4) within tolerance,
/// and the first exact difference is printed.
final class SavedModelQuantizationTests: XCTestCase {
    static let root = KerasFixture.savedModelRoot

    /// The fixtures TF quantized (those with an `int8.tflite`).
    static func quantizedNames() throws -> [String] {
        try KerasFixture.names(root: root).filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/int8.tflite").path)
        }
    }

    static func folder(_ name: String) -> URL { root.appendingPathComponent(name) }

    /// A float model quantized by Swiftlet's quantizer on the fixture's calibration.npy, compared with TF's int8.tflite.
    static func compare(_ floatFile: ModelFile, _ name: String) throws -> ModelComparison {
        let calibration = try CalibrationData(path: folder(name).appendingPathComponent("calibration.npy").path, model: floatFile.model)
        let result = try Quantizer.quantize(file: floatFile, calibration: calibration, options: QuantizationOptions(mode: .int8))
        let theirs = try ModelFile(path: folder(name).appendingPathComponent("int8.tflite").path)
        let ours = try ModelFile(bytes: result.bytes, path: "\(name) int8")
        return try withExtendedLifetime((theirs, ours)) {
            ModelComparison(ours: try ModelDefinition(reading: ours.model), theirs: try ModelDefinition(reading: theirs.model))
        }
    }

    func testTheKerasNetsAndTheConvModuleHaveTFsInt8Models() throws {
        XCTAssertEqual(try Self.quantizedNames(), ["keras_dense", "keras_dscnn", "keras_resnet", "raw_conv_ops"])
    }

    /// The quantizer alone: TF's own float conversion (tf_model.tflite), quantized by Swiftlet on the
    /// calibration samples, equals TF's int8 model in every parameter.
    func testQuantizingTFsFloatModelGivesTFsInt8Model() throws {
        for name in try Self.quantizedNames() {
            let floatFile = try ModelFile(path: Self.folder(name).appendingPathComponent("tf_model.tflite").path)
            if let difference = try Self.compare(floatFile, name).firstDifference() { XCTFail("\(name): first difference from TF: \(difference)") }
        }
    }

    /// The whole path: the SavedModel imported, then quantized. Bit for bit where the import's float
    /// constants equal TF's; within the BatchNormalization-fold tolerance where they do not.
    func testImportedSavedModelQuantizesToTFsInt8Model() throws {
        for name in try Self.quantizedNames() {
            let imported = try SavedModelImporter.convert(path: Self.folder(name).appendingPathComponent("saved_model").path)
            let floatFile = try ModelFile(bytes: try GraphWriter.serialize(imported.graph), path: "\(name) float")
            var comparison = try Self.compare(floatFile, name)
            // The import lists outputs in the signature's (sorted) order, TF's converter in its own.
            comparison.outputsInAnyOrder = true
            let constants = try constantDifference(imported.graph, tfModelPath: Self.folder(name).appendingPathComponent("tf_model.tflite").path)
            XCTAssertTrue(constants.unpaired.isEmpty, "\(name): operators without a partner in TF's model: \(constants.unpaired)")
            if constants.inexact.isEmpty {
                if let difference = comparison.firstDifference() { XCTFail("\(name): first difference from TF: \(difference)") }
                continue
            }
            // Only folded BatchNormalization weights may differ (the first input of a layer after the Rsqrt fold, and its bias).
            XCTAssertLessThanOrEqual(constants.worst, 1e-6, "\(name): \(constants.where)")
            let exactDifference = comparison.firstDifference()
            comparison.tolerance = .init(scale: 1e-5, step: 1, int32Relative: 1e-4)
            var tolerated: [String] = []
            if let difference = comparison.firstDifference(tolerated: &tolerated) {
                XCTFail("\(name): first difference from TF beyond the BatchNormalization-fold tolerance: \(difference)")
            }
            print("\(name): float constants not bit-equal to TF's: \(constants.inexact.count) (\(constants.inexact.first ?? "")); "
                  + "int8 parameters within tolerance but not equal: \(tolerated.count); first exact difference: \(exactDifference ?? "none")")
        }
    }
}
