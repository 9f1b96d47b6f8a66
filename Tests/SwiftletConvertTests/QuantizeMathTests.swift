import SwiftletConvert
import XCTest

/// Edge cases of TF's quantization formulas (converter-facts §2).
final class QuantizeMathTests: XCTestCase {
    func testAllZeroActivationGetsTheWidenedRange() {
        let (scale, zeroPoint) = QuantizationMath.int8Activation(min: 0, max: 0)
        XCTAssertEqual(scale, 7.843137e-9, accuracy: 1e-15)
        XCTAssertEqual(zeroPoint, 0)
    }

    func testActivationRangeIsWidenedToIncludeZero() {
        let positive = QuantizationMath.int8Activation(min: 0.5, max: 2.55)
        XCTAssertEqual(positive.scale, 0.01)
        XCTAssertEqual(positive.zeroPoint, -128)
        let negative = QuantizationMath.int8Activation(min: -2.55, max: -1)
        XCTAssertEqual(negative.zeroPoint, 127)
    }

    func testInt16ActivationIsSymmetric() {
        // The sine fixture's input range, as TF's 16x8 model records it.
        XCTAssertEqual(QuantizationMath.int16Activation(min: 0, max: 6.2831855), 0.00019175345)
        XCTAssertEqual(QuantizationMath.int16Activation(min: -3, max: 1), 3 / 32767)
    }

    func testAllZeroWeightChannelGetsTheMinimumScaleAndZeroLevels() {
        let values: [Float] = [0, 0, 0, 0.5, -0.25, 0.125]  // shape [2, 3]: channel 0 all zero
        let absMax = QuantizationMath.channelAbsMax(values, shape: [2, 3], axis: 0, perChannel: true)
        XCTAssertEqual(absMax, [0, 0.5])
        let scales = absMax.map(QuantizationMath.int8WeightScale)
        XCTAssertEqual(scales[0], 3.9370081e-9, accuracy: 1e-16)
        XCTAssertEqual(scales[1], 1.0 / 254, accuracy: 1e-9)
        XCTAssertEqual(QuantizationMath.quantizeWeights(values, shape: [2, 3], axis: 0, scales: scales), [0, 0, 0, 127, -64, 32])
        // The old quantizer (16x8) gives an all-zero channel scale 0 and levels 0.
        XCTAssertEqual(QuantizationMath.legacyWeightScale(absMax: 0), 0)
        XCTAssertEqual(QuantizationMath.quantizeWeights(values, shape: [2, 3], axis: 0, scales: [0, 0.5 / 127]), [0, 0, 0, 127, -64, 32])
    }

    func testDepthwiseWeightsArePerChannelOnTheLastAxis() {
        let values: [Float] = [1, -2, 0.5, 4]  // shape [1, 1, 2, 2]: channels are the last axis
        XCTAssertEqual(QuantizationMath.channelAbsMax(values, shape: [1, 1, 2, 2], axis: 3, perChannel: true), [1, 4])
        XCTAssertEqual(QuantizationMath.channelAbsMax(values, shape: [1, 1, 2, 2], axis: 3, perChannel: false), [4])
    }

    func testBiasOverflowGuardRescalesTheChannel() {
        // A zero-weight channel with a bias of -0.0348 (seen in TF): the bias would need more than 2^30 levels.
        let inputScale: Float = 0.0078125
        let weightScales = [QuantizationMath.int8WeightScale(absMax: 0), QuantizationMath.int8WeightScale(absMax: 1)]
        let bias: [Float] = [-0.0348, 0.5]
        let guarded = QuantizationMath.guardBiasOverflow(bias: bias, inputScale: inputScale, weightScales: weightScales)
        XCTAssertGreaterThan(guarded[0], weightScales[0])
        XCTAssertEqual(guarded[0], 4.1487e-9, accuracy: 1e-12)
        XCTAssertEqual(guarded[1], weightScales[1], "a channel that fits keeps its scale")
        let levels = QuantizationMath.quantizeBias32(bias, scales: QuantizationMath.biasScales(inputScale: inputScale, weightScales: guarded))
        XCTAssertLessThanOrEqual(abs(Int64(levels[0]) + 1_073_741_824), 1)
        // Without the guard the level would pass 2^30.
        let unguarded = QuantizationMath.quantizeBias32(bias, scales: QuantizationMath.biasScales(inputScale: inputScale, weightScales: weightScales))
        XCTAssertGreaterThan(abs(Int64(unguarded[0])), 1_073_741_824)
    }

    func testBiasLevelsClampToInt32() {
        XCTAssertEqual(QuantizationMath.quantizeBias32([1e6, -1e6], scales: [1e-9]), [Int32.max, -Int32.max])
    }
}
