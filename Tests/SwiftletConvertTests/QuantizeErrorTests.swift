import SwiftletConvert
import SwiftletFormat
import SwiftletTools
import XCTest

/// Bad input to the quantizer: each a clear error or warning naming the tensor or operator.
final class QuantizeErrorTests: XCTestCase {
    private func floatModel(_ network: String = "sine") throws -> ModelFile {
        try ModelFile(path: QuantizeFixtures.path(network, "float.tflite"))
    }

    func testAlreadyQuantizedModelIsRefused() throws {
        let file = try ModelFile(path: QuantizeFixtures.path("sine", "int8.tflite"))
        let data = CalibrationData(samples: [[[0.5]]])
        XCTAssertThrowsError(try Quantizer.quantize(file: file, calibration: data, options: QuantizationOptions(mode: .int8))) { error in
            guard case ConvertError.alreadyQuantized(let tensor, let type) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(type, "INT8")
            XCTAssertFalse(tensor.isEmpty)
            XCTAssertTrue("\(error)".contains("float32 model"), "\(error)")
        }
        XCTAssertThrowsError(try Quantizer.quantize(file: file, calibration: nil, options: QuantizationOptions(mode: .float16)))
    }

    func testUnsupportedOperatorIsNamed() throws {
        let file = try floatModel()
        var definition = try withExtendedLifetime(file) { try ModelDefinition(reading: file.model) }
        definition.operatorCodes[0].builtinCode = .cumsum
        let bytes = try ModelWriter.serialize(definition)
        XCTAssertThrowsError(try Quantizer.quantize(model: bytes, calibration: CalibrationData(samples: [[[0.5]]]), options: QuantizationOptions(mode: .int8))) { error in
            guard case ConvertError.unsupportedOperator(let name, let node, let supported) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "CUMSUM")
            XCTAssertTrue(node.contains("operator 0"), node)
            XCTAssertTrue(supported.contains("BATCH_MATMUL") && supported.contains("GELU"), supported)
        }
    }

    /// The operators with int8 rules only (from TF's MLIR quantizer) are refused in 16x8 mode.
    func testInt8OnlyOperatorIsRefusedIn16x8() throws {
        let file = try floatModel()
        var definition = try withExtendedLifetime(file) { try ModelDefinition(reading: file.model) }
        definition.operatorCodes[0].builtinCode = .batchMatmul
        let bytes = try ModelWriter.serialize(definition)
        XCTAssertThrowsError(try Quantizer.quantize(model: bytes, calibration: CalibrationData(samples: [[[0.5]]]), options: QuantizationOptions(mode: .int16x8))) { error in
            XCTAssertTrue("\(error)".contains("BATCH_MATMUL") && "\(error)".contains("--quantize int8"), "\(error)")
        }
    }

    func testCalibrationShapeAndTypeAreChecked() throws {
        let file = try floatModel()
        XCTAssertThrowsError(try CalibrationData(arrays: [("calib.npy", try NumPyArray([Float](repeating: 0, count: 6), shape: [2, 3]))], model: file.model)) { error in
            XCTAssertTrue("\(error)".contains("shape [2, 3]") && "\(error)".contains("serving_default"), "\(error)")
        }
        XCTAssertThrowsError(try CalibrationData(arrays: [("calib.npy", try NumPyArray([Int32](repeating: 0, count: 4), shape: [4, 1]))], model: file.model)) { error in
            XCTAssertTrue("\(error)".contains("int32") || "\(error)".contains("float32"), "\(error)")
        }
        // Both layouts of swiftlet run are accepted: [N] + shape and [N] + shape without the batch of 1.
        XCTAssertEqual(try CalibrationData(arrays: [("a", try NumPyArray([Float]([1, 2, 3]), shape: [3, 1, 1]))], model: file.model).samples.count, 3)
        XCTAssertEqual(try CalibrationData(arrays: [("b", try NumPyArray([Float]([1, 2, 3]), shape: [3, 1]))], model: file.model).samples, [[[1]], [[2]], [[3]]])
    }

    func testNaNsAreSkippedWithAWarningNamingTheTensor() throws {
        let file = try floatModel()
        let data = CalibrationData(samples: [[[0.5]], [[Float.nan]], [[2.5]]])
        let result = try Quantizer.quantize(file: file, calibration: data, options: QuantizationOptions(mode: .int8))
        XCTAssertFalse(result.warnings.isEmpty)
        XCTAssertTrue(result.warnings[0].contains("serving_default_args_0:0") && result.warnings[0].contains("NaN"), "\(result.warnings)")
        let inputRange = try XCTUnwrap(result.ranges[0])
        XCTAssertEqual(inputRange, TensorRange(min: 0.5, max: 2.5))
    }

    func testFullIntegerModesNeedCalibration() throws {
        XCTAssertThrowsError(try Quantizer.quantize(file: try floatModel(), calibration: nil, options: QuantizationOptions(mode: .int16x8))) { error in
            XCTAssertTrue("\(error)".contains("calibration"), "\(error)")
        }
    }
}
