import Foundation
import SwiftletConvert
import SwiftletFormat
import SwiftletMicro
import SwiftletTools
import XCTest

/// `Quantizer` against TensorFlow's converter on every quantization fixture.
///
/// Given the ranges TF's calibrator recorded (tf_ranges.json), every tensor's type, scale, zero
/// point and quantized data, and the operator list, must equal TF's quantized model, and the
/// outputs on the Swiftlet interpreter must equal TFLM's on TF's model bit for bit. Swiftlet's own
/// calibration (TF's calibrator's optimized float arithmetic, `CalibrationKernels.tensorFlow`)
/// records exactly TF's ranges, so its models equal TF's too; with the reference kernels the ranges
/// are within a few float32 ulps.
final class QuantizeFixtureTests: XCTestCase {
    private func assertMatchesTensorFlow(_ mode: QuantizationMode, perTensor: Bool = false, ownCalibration: Bool = false,
                                         file: StaticString = #filePath, line: UInt = #line) throws {
        // From Swiftlet's own calibration the int8-only fixture is left out: TF's calibrator runs its
        // optimized float TRANSPOSE_CONV (another summation order, not emulated by
        // `CalibrationKernels.tensorFlow`), whose recorded range is 1 ulp from Swiftlet's.
        for network in ownCalibration ? QuantizeFixtures.networks : QuantizeFixtures.networks(mode, perTensor: perTensor) {
            let result = ownCalibration ? try QuantizeFixtures.quantize(network, mode: mode, perTensor: perTensor)
                : try QuantizeFixtures.quantizeWithTFRanges(network, mode: mode, perTensor: perTensor)
            let theirs = try ModelFile(path: QuantizeFixtures.path(network, QuantizeFixtures.fileName(mode, perTensor: perTensor) + ".tflite"))
            let ourFile = try ModelFile(bytes: result.bytes, path: "\(network) \(mode.rawValue)")
            var comparison = try withExtendedLifetime((theirs, ourFile)) {
                ModelComparison(ours: try ModelDefinition(reading: ourFile.model), theirs: try ModelDefinition(reading: theirs.model))
            }
            if mode == .float16 { comparison.unorderedOperators = [Int8(BuiltinOperator.dequantize.rawValue)] }
            if let difference = comparison.firstDifference() {
                XCTFail("\(network) \(mode.rawValue): first difference from TF: \(difference)", file: file, line: line)
            }
        }
    }

    func testInt8MatchesTensorFlow() throws { try assertMatchesTensorFlow(.int8) }
    func testInt8FloatIOMatchesTensorFlow() throws { try assertMatchesTensorFlow(.int8FloatIO) }
    func testInt16x8MatchesTensorFlow() throws { try assertMatchesTensorFlow(.int16x8) }
    func testDynamicRangeMatchesTensorFlow() throws { try assertMatchesTensorFlow(.dynamicRange) }
    func testFloat16MatchesTensorFlow() throws { try assertMatchesTensorFlow(.float16) }
    func testInt8PerTensorMatchesTensorFlow() throws { try assertMatchesTensorFlow(.int8, perTensor: true) }

    // From the calibration data alone (Swiftlet's own calibration, no TF ranges).
    func testInt8FromOwnCalibrationMatchesTensorFlow() throws { try assertMatchesTensorFlow(.int8, ownCalibration: true) }
    func testInt8FloatIOFromOwnCalibrationMatchesTensorFlow() throws { try assertMatchesTensorFlow(.int8FloatIO, ownCalibration: true) }
    func testInt16x8FromOwnCalibrationMatchesTensorFlow() throws { try assertMatchesTensorFlow(.int16x8, ownCalibration: true) }
    func testInt8PerTensorFromOwnCalibrationMatchesTensorFlow() throws {
        try assertMatchesTensorFlow(.int8, perTensor: true, ownCalibration: true)
    }

    /// Outputs of `model` on the Swiftlet interpreter for the fixture's test inputs of `mode`.
    private func outputs(_ bytes: [UInt8], network: String, mode: QuantizationMode, perTensor: Bool = false) throws -> NumPyArray {
        let name = QuantizeFixtures.fileName(mode, perTensor: perTensor)
        let model = try ModelFile(bytes: bytes, path: "\(network) \(name)")
        let runner = try ModelRunner(file: model)
        let inputFile = mode == .int8FloatIO ? "test_input.npy" : "test_input_\(name).npy"
        let input = try NumPyFile.readArray(QuantizeFixtures.path(network, inputFile))
        let layout = try runner.layout(of: input, input: 0, name: inputFile)
        return try runner.run(inputs: [try runner.prepared(input, input: 0, name: inputFile, quantize: false)],
                              samples: layout.count, stacked: layout.stacked)[0]
    }

    /// Our full-integer models on the Swiftlet interpreter give exactly TFLM's outputs of TF's models.
    /// (LiteRT's reference kernels for the int8-only fixtures: TFLM has no GELU.)
    private func assertOutputsEqualTFLM(_ mode: QuantizationMode, perTensor: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws {
        for network in QuantizeFixtures.networks(mode, perTensor: perTensor) {
            let result = try QuantizeFixtures.quantizeWithTFRanges(network, mode: mode, perTensor: perTensor)
            let ours = try outputs(result.bytes, network: network, mode: mode, perTensor: perTensor)
            let expected = try NumPyFile.readArray(QuantizeFixtures.referenceOutputs(network, mode, perTensor: perTensor))
            XCTAssertEqual(ours.dtype, expected.dtype, "\(network) \(mode.rawValue)", file: file, line: line)
            XCTAssertEqual(ours.data, expected.data, "\(network) \(mode.rawValue): outputs differ from TFLM's on TF's model", file: file, line: line)
        }
    }

    func testInt8OutputsEqualTFLM() throws { try assertOutputsEqualTFLM(.int8) }
    func testInt8FloatIOOutputsEqualTFLM() throws { try assertOutputsEqualTFLM(.int8FloatIO) }
    func testInt16x8OutputsEqualTFLM() throws { try assertOutputsEqualTFLM(.int16x8) }
    func testInt8PerTensorOutputsEqualTFLM() throws { try assertOutputsEqualTFLM(.int8, perTensor: true) }

    /// Swiftlet's own calibration records exactly TF's calibrator's ranges (float32 bits), for every
    /// tensor TF records (in-place ADD/MUL quirk included).
    func testOwnCalibrationReproducesTFRangesBitExactly() throws {
        var compared = 0
        for network in QuantizeFixtures.networks {
            let file = try ModelFile(path: QuantizeFixtures.path(network, "float.tflite"))
            let data = try CalibrationData(path: QuantizeFixtures.path(network, "calibration.npy"), model: file.model)
            let ours = try Calibrator.ranges(file: file, data: data).ranges
            for (tensor, theirs) in try QuantizeFixtures.tfRanges(network).sorted(by: { $0.key < $1.key }) {
                let range = try XCTUnwrap(ours[tensor], "\(network): tensor \(tensor) not calibrated")
                XCTAssertEqual(range.min.bitPattern, theirs.min.bitPattern, "\(network) tensor \(tensor) min \(range.min) vs TF \(theirs.min)")
                XCTAssertEqual(range.max.bitPattern, theirs.max.bitPattern, "\(network) tensor \(tensor) max \(range.max) vs TF \(theirs.max)")
                compared += 1
            }
        }
        XCTAssertEqual(compared, 55)
    }

    /// With the interpreter's reference kernels the ranges are TF's to within 2e-6 of the range's
    /// magnitude (a few float32 ulps), not all bit-equal: what the TF arithmetic above is for.
    func testReferenceKernelCalibrationWithinUlpsOfTFRanges() throws {
        var compared = 0, exact = 0
        for network in QuantizeFixtures.networks {
            let file = try ModelFile(path: QuantizeFixtures.path(network, "float.tflite"))
            let data = try CalibrationData(path: QuantizeFixtures.path(network, "calibration.npy"), model: file.model)
            let ours = try Calibrator.ranges(file: file, data: data, kernels: .reference).ranges
            for (tensor, theirs) in try QuantizeFixtures.tfRanges(network) {
                let range = try XCTUnwrap(ours[tensor], "\(network): tensor \(tensor) not calibrated")
                let magnitude = max(abs(theirs.min), abs(theirs.max), 1e-30)
                let tolerance = 2e-6 * magnitude
                XCTAssertLessThanOrEqual(abs(range.min - theirs.min), tolerance, "\(network) tensor \(tensor) min \(range.min) vs TF \(theirs.min)")
                XCTAssertLessThanOrEqual(abs(range.max - theirs.max), tolerance, "\(network) tensor \(tensor) max \(range.max) vs TF \(theirs.max)")
                compared += 1
                if range == theirs { exact += 1 }
            }
        }
        XCTAssertGreaterThan(compared, 50)
        XCTAssertLessThan(exact, compared, "the reference kernels now reproduce every range: the TF arithmetic is no longer needed")
    }

    /// End to end with Swiftlet's calibration: the int8 outputs on the Swiftlet interpreter equal TFLM's on TF's model.
    func testOwnCalibrationInt8OutputsEqualTFLM() throws {
        for network in QuantizeFixtures.networks(.int8) {
            let result = try QuantizeFixtures.quantize(network, mode: .int8)
            let ours = try outputs(result.bytes, network: network, mode: .int8)
            let expected = try NumPyFile.readArray(QuantizeFixtures.referenceOutputs(network, .int8))
            XCTAssertEqual(ours.data, expected.data, "\(network)")
        }
    }
}

/// The weight-only models Swiftlet writes run on the Swiftlet interpreter (hybrid FULLY_CONNECTED /
/// CONV_2D / DEPTHWISE_CONV_2D, float16 DEQUANTIZE), with outputs close to LiteRT's on TF's models.
final class QuantizeWeightOnlyRuntimeTests: XCTestCase {
    private func assertRunsLikeLiteRT(_ mode: QuantizationMode, file: StaticString = #filePath, line: UInt = #line) throws {
        let name = QuantizeFixtures.fileName(mode)
        for network in QuantizeFixtures.networks {
            let result = try QuantizeFixtures.quantize(network, mode: mode)
            let runner = try ModelRunner(file: try ModelFile(bytes: result.bytes, path: "\(network) \(name)"))
            let input = try NumPyFile.readArray(QuantizeFixtures.path(network, "test_input.npy"))
            let layout = try runner.layout(of: input, input: 0, name: "test_input.npy")
            let ours = try runner.run(inputs: [input], samples: layout.count, stacked: layout.stacked)[0].floats()
            let expected = try NumPyFile.readArray(QuantizeFixtures.path(network, "litert_output_\(name).npy")).floats()
            XCTAssertEqual(ours.count, expected.count, "\(network) \(name)", file: file, line: line)
            let scale = max(expected.map { abs($0) }.max() ?? 0, 1e-6)
            let worst = zip(ours, expected).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, 1e-4 * scale, "\(network) \(name): worst difference \(worst) from LiteRT", file: file, line: line)
        }
    }

    func testDynamicRangeModelsRunLikeLiteRT() throws { try assertRunsLikeLiteRT(.dynamicRange) }
    func testFloat16ModelsRunLikeLiteRT() throws { try assertRunsLikeLiteRT(.float16) }
}
