import Foundation
import XCTest
import SwiftletFormat
import SwiftletMicro

/// AVERAGE_POOL_2D, MAX_POOL_2D and MEAN: the golden fixtures bit for bit, and
/// the paths the fixtures do not reach (int16, fused activations, MEAN without
/// requantization, non-adjacent/negative/repeated axes), checked against a
/// plain element-by-element transcription of TFLM's reference arithmetic.
final class PoolingReduceKernelTests: XCTestCase {
    // MARK: - Fixtures

    /// AVERAGE_POOL_2D: 2x2 VALID and 3x3 stride-2 SAME (border windows with fewer taps), float32 and int8.
    func testAveragePoolFixtures() throws {
        try assertFixturesBitExact(prefix: "avg_pool_", count: 4, resolver: OpResolver([.averagePool2D]))
    }

    /// MAX_POOL_2D: 2x2 VALID and 3x3 stride-2 SAME, float32 and int8.
    func testMaxPoolFixtures() throws {
        try assertFixturesBitExact(prefix: "max_pool_", count: 4, resolver: OpResolver([.maxPool2D]))
    }

    /// MEAN over H,W with keep_dims and over the last axis (scalar axis tensor) without,
    /// float32 and int8 (requantized: the fixtures' input and output scales differ).
    func testMeanFixtures() throws {
        try assertFixturesBitExact(prefix: "mean_", count: 4, resolver: OpResolver([.mean]))
    }

    // MARK: - Pooling beyond the fixtures

    /// Rounding of the integer average: half away from zero, by the taps inside the image.
    func testInt8AverageRoundsHalfAwayFromZero() throws {
        var builder = KernelTestModel()
        let q = QuantizationDefinition(scale: [0.1], zeroPoint: [0])
        let x = builder.activation([1, 1, 4, 1], .int8, quantization: q)
        let y = builder.activation([1, 1, 2, 1], .int8, quantization: q)
        let options = poolOptions(.valid, filter: (1, 2), stride: (1, 2))
        let out = try builder.run(.averagePool2D, options, [x], y, input: bytes([Int8(1), 2, -1, -2]), resolver: OpResolver([.averagePool2D]))
        XCTAssertEqual(int8s(out), [2, -2])  // 1.5 → 2, −1.5 → −2
    }

    func testInt16AveragePoolSameWithRelu() throws {
        try checkPool(average: true, type: .int16, padding: .same, filter: (3, 2), stride: (2, 1), activation: .relu,
                      input: (1, 5, 4, 3), scale: 0.001, zeroPoint: 0)
    }

    func testInt8AveragePoolSameWithRelu6AndZeroPoint() throws {
        try checkPool(average: true, type: .int8, padding: .same, filter: (3, 3), stride: (2, 2), activation: .relu6,
                      input: (2, 6, 5, 2), scale: 0.05, zeroPoint: -20)
    }

    func testInt16MaxPoolValidWithReluN1To1() throws {
        try checkPool(average: false, type: .int16, padding: .valid, filter: (2, 3), stride: (1, 2), activation: .reluN1To1,
                      input: (1, 4, 7, 2), scale: 0.0001, zeroPoint: 0)
    }

    func testInt8MaxPoolSameWithRelu() throws {
        try checkPool(average: false, type: .int8, padding: .same, filter: (2, 2), stride: (2, 2), activation: .relu,
                      input: (1, 5, 5, 3), scale: 0.02, zeroPoint: 7)
    }

    func testFloatPoolsWithRelu6() throws {
        try checkPool(average: true, type: .float32, padding: .same, filter: (3, 3), stride: (1, 2), activation: .relu6,
                      input: (1, 4, 5, 2), scale: 0, zeroPoint: 0)
        try checkPool(average: false, type: .float32, padding: .same, filter: (3, 2), stride: (2, 2), activation: .reluN1To1,
                      input: (2, 5, 4, 3), scale: 0, zeroPoint: 0)
    }

    func testPoolRejectsDifferentQuantizationAndWrongShapes() throws {
        var builder = KernelTestModel()
        let x = builder.activation([1, 4, 4, 1], .int8, quantization: QuantizationDefinition(scale: [0.1], zeroPoint: [0]))
        let y = builder.activation([1, 2, 2, 1], .int8, quantization: QuantizationDefinition(scale: [0.2], zeroPoint: [0]))
        XCTAssertThrowsError(try builder.run(.averagePool2D, poolOptions(.valid, filter: (2, 2), stride: (2, 2)), [x], y,
                                             input: [UInt8](repeating: 0, count: 16), resolver: OpResolver([.averagePool2D])))
        var shapes = KernelTestModel()
        let a = shapes.activation([1, 4, 4, 1], .float32)
        let b = shapes.activation([1, 3, 3, 1], .float32)
        XCTAssertThrowsError(try shapes.run(.maxPool2D, poolOptions(.valid, filter: (2, 2), stride: (2, 2)), [a], b,
                                            input: [UInt8](repeating: 0, count: 64), resolver: OpResolver([.maxPool2D])))
    }

    // MARK: - MEAN beyond the fixtures

    /// Same scale and zero point in and out: still rescaled with 1/count folded into the
    /// multiplier and rounded, as the real TFLM does (types_mean_same_quant_int8), not truncated.
    func testInt8MeanWithoutRequantizationRounds() throws {
        var builder = KernelTestModel()
        let q = QuantizationDefinition(scale: [0.5], zeroPoint: [3])
        let x = builder.activation([2, 3], .int8, quantization: q)
        let axis = builder.constant([1], .int32, bytes([Int32(1)]))
        let y = builder.activation([2], .int8, quantization: q)
        let out = try builder.run(.mean, meanOptions(keepDims: false), [x, axis], y,
                                  input: bytes([Int8(-3), -2, 0, 5, 5, 7]), resolver: OpResolver([.mean]))
        XCTAssertEqual(int8s(out), [-2, 6])  // means −2.33 → q −1.67 → −2, 1.33 → q 5.67 → 6 (truncation gave −1, 5)
    }

    func testInt8MeanAcrossNonAdjacentAxesRequantized() throws {
        try checkMean(type: .int8, shape: [3, 4, 5, 2], axes: [0, -2, 2], keepDims: false,
                      input: (0.02, -5), output: (0.015, 9))
    }

    func testInt8MeanEveryAxisKeepDims() throws {
        try checkMean(type: .int8, shape: [2, 3, 4], axes: [2, 1, 0], keepDims: true, input: (0.05, 10), output: (0.01, -100))
    }

    func testInt16MeanRequantizedAndNot() throws {
        try checkMean(type: .int16, shape: [2, 7, 3], axes: [1], keepDims: true, input: (0.001, 0), output: (0.0004, 0))
        try checkMean(type: .int16, shape: [4, 3, 5], axes: [0, 2], keepDims: false, input: (0.001, 0), output: (0.001, 0))
    }

    func testFloatMeanAcrossOuterAndInnerAxes() throws {
        try checkMean(type: .float32, shape: [3, 2, 4, 5], axes: [0, 3], keepDims: false, input: (0, 0), output: (0, 0))
        try checkMean(type: .float32, shape: [2, 3, 3, 4], axes: [1, 2], keepDims: true, input: (0, 0), output: (0, 0))
    }

    func testMeanNeedsAConstantInt32AxisInRange() throws {
        var runtime = KernelTestModel()
        let x = runtime.activation([2, 3], .float32)
        let axis = runtime.activation([1], .int32)
        let y = runtime.activation([2], .float32)
        XCTAssertThrowsError(try runtime.run(.mean, meanOptions(keepDims: false), [x, axis], y, input: [UInt8](repeating: 0, count: 24),
                                             resolver: OpResolver([.mean])))
        var outOfRange = KernelTestModel()
        let a = outOfRange.activation([2, 3], .float32)
        let badAxis = outOfRange.constant([1], .int32, bytes([Int32(2)]))
        let b = outOfRange.activation([2], .float32)
        XCTAssertThrowsError(try outOfRange.run(.mean, meanOptions(keepDims: false), [a, badAxis], b,
                                                input: [UInt8](repeating: 0, count: 24), resolver: OpResolver([.mean])))
    }

    // MARK: - Helpers

    private func poolOptions(_ padding: Padding, filter: (Int, Int), stride: (Int, Int),
                             activation: ActivationFunction = .none) -> TableValue {
        var options = TableValue(.pool2DOptions)
        options["padding"] = .int(Int64(padding.rawValue))
        options["filter_height"] = .int(Int64(filter.0))
        options["filter_width"] = .int(Int64(filter.1))
        options["stride_h"] = .int(Int64(stride.0))
        options["stride_w"] = .int(Int64(stride.1))
        options["fused_activation_function"] = .int(Int64(activation.rawValue))
        return options
    }

    private func meanOptions(keepDims: Bool) -> TableValue {
        var options = TableValue(.reducerOptions)
        options["keep_dims"] = .bool(keepDims)
        return options
    }

    /// Runs one pool on pseudo-random data and compares with `referencePool`.
    private func checkPool(average: Bool, type: TensorType, padding: Padding, filter: (Int, Int), stride: (Int, Int),
                           activation: ActivationFunction, input shape: (Int, Int, Int, Int), scale: Float, zeroPoint: Int64,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        let (n, h, w, c) = shape
        let outH = padding == .same ? (h + stride.0 - 1) / stride.0 : (h - filter.0 + stride.0) / stride.0
        let outW = padding == .same ? (w + stride.1 - 1) / stride.1 : (w - filter.1 + stride.1) / stride.1
        let quantization = type == .float32 ? nil : QuantizationDefinition(scale: [scale], zeroPoint: [zeroPoint])
        var builder = KernelTestModel()
        let x = builder.activation([n, h, w, c].map(Int32.init), type, quantization: quantization)
        let y = builder.activation([n, outH, outW, c].map(Int32.init), type, quantization: quantization)
        let options = poolOptions(padding, filter: filter, stride: stride, activation: activation)
        let code: BuiltinOperator = average ? .averagePool2D : .maxPool2D
        let resolver = OpResolver([average ? .averagePool2D : .maxPool2D])
        let values = pseudoRandom(count: n * h * w * c, type: type)
        let out = try builder.run(code, options, [x], y, input: encode(values, type), resolver: resolver)

        // TFLM's padding: half the total, rounded down, before the first element.
        let padH = max((outH - 1) * stride.0 + filter.0 - h, 0) / 2
        let padW = max((outW - 1) * stride.1 + filter.1 - w, 0) / 2
        let (low, high) = clampRange(activation, type: type, scale: scale, zeroPoint: zeroPoint)
        var expected: [Double] = []
        for b in 0..<n {
            for oy in 0..<outH {
                for ox in 0..<outW {
                    for ch in 0..<c {
                        var taps: [Double] = []
                        for fy in 0..<filter.0 {
                            for fx in 0..<filter.1 {
                                let iy = oy * stride.0 - padH + fy, ix = ox * stride.1 - padW + fx
                                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                taps.append(values[((b * h + iy) * w + ix) * c + ch])
                            }
                        }
                        var value: Double
                        if !average {
                            value = taps.max()!
                        } else if type == .float32 {
                            var total: Float = 0
                            for tap in taps { total += Float(tap) }
                            value = Double(total / Float(taps.count))
                        } else {
                            let total = Int32(taps.reduce(0, +)), count = Int32(taps.count)
                            value = Double(total > 0 ? (total + count / 2) / count : (total - count / 2) / count)
                        }
                        expected.append(min(max(value, low), high))
                    }
                }
            }
        }
        XCTAssertEqual(decode(out, type), expected, file: file, line: line)
    }

    /// Runs one MEAN on pseudo-random data and compares with TFLM's arithmetic.
    private func checkMean(type: TensorType, shape: [Int], axes: [Int32], keepDims: Bool,
                           input: (scale: Float, zeroPoint: Int64), output: (scale: Float, zeroPoint: Int64),
                           file: StaticString = #filePath, line: UInt = #line) throws {
        let rank = shape.count
        let reduced = Set(axes.map { Int($0 < 0 ? Int($0) + rank : Int($0)) })
        let outputShape = keepDims ? shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
                                   : shape.enumerated().filter { !reduced.contains($0.offset) }.map { $0.element }
        let inQ = type == .float32 ? nil : QuantizationDefinition(scale: [input.scale], zeroPoint: [input.zeroPoint])
        let outQ = type == .float32 ? nil : QuantizationDefinition(scale: [output.scale], zeroPoint: [output.zeroPoint])
        var builder = KernelTestModel()
        let x = builder.activation(shape.map(Int32.init), type, quantization: inQ)
        let axis = builder.constant([Int32(axes.count)], .int32, bytes(axes))
        let y = builder.activation(outputShape.map(Int32.init), type, quantization: outQ)
        let count = shape.reduce(1, *)
        let values = pseudoRandom(count: count, type: type)
        let out = try builder.run(.mean, meanOptions(keepDims: keepDims), [x, axis], y, input: encode(values, type),
                                  resolver: OpResolver([.mean]))

        // Group the inputs by output, visiting the input in row-major order.
        let outputCount = outputShape.reduce(1, *)
        var groups = [[Double]](repeating: [], count: outputCount)
        var index = [Int](repeating: 0, count: rank)
        for flat in 0..<count {
            var outputIndex = 0
            for d in 0..<rank where !reduced.contains(d) { outputIndex = outputIndex * shape[d] + index[d] }
            groups[outputIndex].append(values[flat])
            var d = rank - 1
            while d >= 0 { index[d] += 1; if index[d] < shape[d] { break }; index[d] = 0; d -= 1 }
        }
        let typeRange: (Double, Double) = type == .int8 ? (-128, 127) : (-32768, 32767)
        let expected: [Double] = groups.map { group in
            let n = group.count
            if type == .float32 {
                var total: Float = 0
                for value in group { total += Float(value) }
                return Double(total / Float(n))
            }
            let sum = Int32(group.reduce(0, +))
            // Equal input and output parameters take the same rescaling path (TFLM's does; the
            // types_mean_same_quant_* fixtures from the real TFLM pin it).
            var (multiplier, shift) = QuantizedMath.quantizeMultiplier(Double(input.scale) / Double(output.scale))
            let extra = min(Int(log2(Double(n)).rounded(.down)), 32, 31 + shift)
            multiplier = Int32((Int64(multiplier) << Int64(extra)) / Int64(n))
            shift -= extra
            let centered = Int32(Int64(sum) - input.zeroPoint * Int64(n))
            let value = Double(QuantizedMath.multiplyByQuantizedMultiplier(centered, multiplier, shift)) + Double(output.zeroPoint)
            return min(max(value, typeRange.0), typeRange.1)
        }
        XCTAssertEqual(decode(out, type), expected, file: file, line: line)
    }

    private func clampRange(_ activation: ActivationFunction, type: TensorType, scale: Float, zeroPoint: Int64) -> (Double, Double) {
        if type == .float32 {
            switch activation {
            case .relu: return (0, .infinity)
            case .relu6: return (0, 6)
            case .reluN1To1: return (-1, 1)
            default: return (-.infinity, .infinity)
            }
        }
        let (qmin, qmax): (Int32, Int32) = type == .int8 ? (-128, 127) : (-32768, 32767)
        let range = QuantizedMath.activationRange(activation, scale: scale, zeroPoint: Int32(zeroPoint), qmin: qmin, qmax: qmax)
        return (Double(range.min), Double(range.max))
    }

    /// Deterministic values spanning the type's range (floats in [−8, 8)).
    private func pseudoRandom(count: Int, type: TensorType) -> [Double] {
        var state: UInt32 = 0x9E37_79B9
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            let unit = Double(state >> 8) / Double(1 << 24)
            switch type {
            case .int8: return (unit * 256).rounded(.down) - 128
            case .int16: return (unit * 65536).rounded(.down) - 32768
            default: return Double(Float(unit * 16 - 8))
            }
        }
    }

    private func encode(_ values: [Double], _ type: TensorType) -> [UInt8] {
        switch type {
        case .int8: return bytes(values.map { Int8($0) })
        case .int16: return bytes(values.map { Int16($0) })
        default: return bytes(values.map { Float($0) })
        }
    }

    private func decode(_ data: [UInt8], _ type: TensorType) -> [Double] {
        switch type {
        case .int8: return int8s(data).map(Double.init)
        case .int16: return int16s(data).map(Double.init)
        default: return floats(data).map(Double.init)
        }
    }
}
