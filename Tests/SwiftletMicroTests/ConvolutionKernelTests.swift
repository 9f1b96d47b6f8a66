import XCTest
import SwiftletFormat
import SwiftletMicro

/// CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV: the golden fixtures bit for
/// bit, and the shapes the fixtures do not reach (batches, dilation with
/// strides, several groups, filters larger than the image, no bias, int16 with
/// int32 bias, odd transposed-conv strides) checked bit for bit against a plain
/// element-by-element transcription of TFLM's reference loops.
final class ConvolutionKernelTests: XCTestCase {
    private let resolver = OpResolver([.conv2D, .depthwiseConv2D, .transposeConv])

    // MARK: - Fixtures

    /// Every `conv2d_*` fixture: SAME/VALID, strides, dilation, grouped, rectangular, RELU/RELU6; float32, int8, int16x8.
    func testConv2DFixtures() throws { try assertFixturesBitExact(prefix: "conv2d_", count: 11, resolver: resolver) }

    /// Every `depthwise_*` fixture: depth multiplier 2, stride 2 VALID with RELU6; float32, int8, int16x8.
    func testDepthwiseConv2DFixtures() throws { try assertFixturesBitExact(prefix: "depthwise_", count: 5, resolver: resolver) }

    /// Every `transpose_conv_*` fixture: 3x3 stride 2 SAME upsampling; float32, int8.
    func testTransposeConvFixtures() throws { try assertFixturesBitExact(prefix: "transpose_conv_", count: 2, resolver: resolver) }

    /// Whole networks built on convolutions (conv → depthwise → pools → FC → softmax,
    /// DS-CNN keyword spotting, MobileNet v1 person detection, ResNet-8), with every
    /// other kernel Swiftlet has. Networks needing a kernel not yet written are skipped.
    func testConvolutionalNetworks() throws {
        let names = try FixtureRun.names().filter { $0.hasPrefix("convnet_") || $0.hasPrefix("net_") }
        let summary = try BitExact.check(names, resolver: OpResolver(OpResolver.allBuiltins.registrations + resolver.registrations))
        print("networks bit-exact: \(summary.exact.joined(separator: ", ")); skipped: \(summary.skipped.joined(separator: "; "))")
        print("arena (Swiftlet vs TFLM):\n  " + summary.arenaLines.joined(separator: "\n  "))
        XCTAssertEqual(summary.exact.count + summary.skipped.count, names.count)
    }

    /// Not even the first `invoke()` touches the heap: everything eval needs is
    /// computed in prepare, patches and accumulators live in arena scratch.
    func testInvokeAllocatesNothing() throws {
        let names = try FixtureRun.names().filter { $0.hasPrefix("conv2d_") || $0.hasPrefix("depthwise_") || $0.hasPrefix("transpose_conv_") }
        try assertInvokeAllocatesNothing(names, resolver: resolver)
    }

    // MARK: - Beyond the fixtures

    private static let convCases: [ConvCase] = [
        ConvCase(batches: 2, input: (7, 6, 4), outputDepth: 6, groups: 2, filter: (3, 2), stride: (2, 1), dilation: (1, 2),
                 padding: .same, bias: true, activation: .relu),
        ConvCase(batches: 1, input: (5, 9, 3), outputDepth: 2, groups: 1, filter: (1, 3), stride: (3, 2), dilation: (2, 1),
                 padding: .valid, bias: false, activation: .none),
        ConvCase(batches: 1, input: (4, 4, 2), outputDepth: 3, groups: 1, filter: (5, 5), stride: (1, 1), dilation: (1, 1),
                 padding: .same, bias: true, activation: .relu6),
        ConvCase(batches: 1, input: (6, 5, 6), outputDepth: 3, groups: 3, filter: (3, 3), stride: (2, 2), dilation: (2, 2),
                 padding: .same, bias: true, activation: .reluN1To1),
        ConvCase(batches: 1, input: (8, 8, 4), outputDepth: 5, groups: 1, filter: (3, 3), stride: (1, 1), dilation: (1, 1),
                 padding: .same, bias: false, activation: .none),
        ConvCase(batches: 1, input: (5, 5, 16), outputDepth: 9, groups: 1, filter: (1, 1), stride: (2, 2), dilation: (1, 1),
                 padding: .valid, bias: true, activation: .relu),
    ]

    func testConv2DFloatBeyondFixtures() throws {
        for item in Self.convCases { try checkConv(item, .float32) }
    }

    func testConv2DInt8BeyondFixtures() throws {
        for item in Self.convCases { try checkConv(item, .int8) }
    }

    func testConv2DInt16BeyondFixtures() throws {
        for item in Self.convCases {
            try checkConv(item, .int16, biasType: .int64)
            try checkConv(item, .int16, biasType: .int32)
        }
    }

    private static let depthwiseCases: [ConvCase] = [
        ConvCase(batches: 2, input: (7, 6, 3), outputDepth: 6, groups: 3, filter: (3, 2), stride: (2, 1), dilation: (1, 2),
                 padding: .same, bias: true, activation: .relu),
        ConvCase(batches: 1, input: (5, 9, 4), outputDepth: 4, groups: 4, filter: (2, 3), stride: (1, 3), dilation: (2, 1),
                 padding: .valid, bias: false, activation: .none),
        ConvCase(batches: 1, input: (3, 3, 2), outputDepth: 6, groups: 2, filter: (5, 5), stride: (1, 1), dilation: (1, 1),
                 padding: .same, bias: true, activation: .relu6),
    ]

    func testDepthwiseFloatBeyondFixtures() throws {
        for item in Self.depthwiseCases { try checkDepthwise(item, .float32) }
    }

    func testDepthwiseInt8BeyondFixtures() throws {
        for item in Self.depthwiseCases { try checkDepthwise(item, .int8) }
    }

    func testDepthwiseInt16BeyondFixtures() throws {
        for item in Self.depthwiseCases { try checkDepthwise(item, .int16, biasType: .int64) }
    }

    private static let transposeCases: [TransposeCase] = [
        TransposeCase(batches: 2, input: (3, 4, 3), output: (6, 8, 5), filter: (3, 3), stride: (2, 2), padding: .same, bias: true, activation: .none),
        TransposeCase(batches: 1, input: (4, 3, 2), output: (5, 7, 3), filter: (2, 3), stride: (1, 2), padding: .valid, bias: false, activation: .relu),
        TransposeCase(batches: 1, input: (3, 3, 2), output: (9, 9, 2), filter: (4, 4), stride: (3, 3), padding: .same, bias: true, activation: .relu6),
        TransposeCase(batches: 1, input: (2, 2, 1), output: (5, 5, 1), filter: (3, 3), stride: (2, 2), padding: .valid, bias: true, activation: .none),
    ]

    func testTransposeConvBeyondFixtures() throws {
        for item in Self.transposeCases {
            try checkTranspose(item, .float32)
            try checkTranspose(item, .int8)
            try checkTranspose(item, .int16, biasType: .int64)
        }
    }

    /// An int8 filter and bias fed as graph inputs (not constants): the per-channel
    /// `bias + inputOffset · Σ filter` is then computed in eval, with the same result.
    func testInt8FilterAndBiasAsGraphInputs() throws {
        var random = SplitMix64(seed: 5)
        let input = (0..<(5 * 6 * 3)).map { _ in Int8(truncatingIfNeeded: random.int32(-128, 127)) }
        let weights = (0..<(4 * 3 * 3 * 3)).map { _ in Int8(truncatingIfNeeded: random.int32(-127, 127)) }
        let biases = (0..<4).map { _ in random.int32(-3000, 3000) }
        let inputQuantization = QuantizationDefinition(scale: [0.02], zeroPoint: [-9])
        let filterQuantization = QuantizationDefinition(scale: [0.004, 0.006, 0.003, 0.009], zeroPoint: [0, 0, 0, 0])
        let outputQuantization = QuantizationDefinition(scale: [0.05], zeroPoint: [3])
        let options = convOptions(.same, stride: (1, 2), dilation: (1, 1), activation: .relu)
        var constant = KernelTestModel()
        let x = constant.activation([1, 5, 6, 3], .int8, quantization: inputQuantization)
        let filter = constant.constant([4, 3, 3, 3], .int8, bytes(weights), quantization: filterQuantization)
        let bias = constant.constant([4], .int32, bytes(biases))
        let y = constant.activation([1, 5, 3, 4], .int8, quantization: outputQuantization)
        let expected = try constant.run(.conv2D, options, [x, filter, bias], y, input: bytes(input), resolver: resolver)
        var fed = KernelTestModel()
        let fx = fed.activation([1, 5, 6, 3], .int8, quantization: inputQuantization)
        let ffilter = fed.activation([4, 3, 3, 3], .int8, quantization: filterQuantization)
        let fbias = fed.activation([4], .int32)
        let fy = fed.activation([1, 5, 3, 4], .int8, quantization: outputQuantization)
        let output = try fed.run(.conv2D, options, [fx, ffilter, fbias], fy,
                                 inputs: [(fx, bytes(input)), (ffilter, bytes(weights)), (fbias, bytes(biases))], resolver: resolver)
        XCTAssertEqual(output, expected)
        XCTAssertTrue(expected.contains { $0 != expected[0] })
    }

    /// Mismatched shapes and unsupported types are rejected in prepare.
    func testPrepareRejectsBadOperators() throws {
        // Output width that does not follow from SAME padding.
        var model = KernelTestModel()
        let x = model.activation([1, 4, 4, 2], .float32)
        let filter = model.constant([3, 3, 3, 2], .float32, bytes([Float](repeating: 0, count: 54)))
        let y = model.activation([1, 4, 5, 3], .float32)
        XCTAssertThrowsError(try model.run(.conv2D, convOptions(.same, stride: (1, 1), dilation: (1, 1), activation: .none),
                                           [x, filter], y, input: bytes([Float](repeating: 0, count: 32)), resolver: resolver))
        // A depthwise filter whose channels are not inputDepth · multiplier.
        var depthwise = KernelTestModel()
        let dx = depthwise.activation([1, 4, 4, 2], .float32)
        let dfilter = depthwise.constant([1, 3, 3, 5], .float32, bytes([Float](repeating: 0, count: 45)))
        let dy = depthwise.activation([1, 4, 4, 5], .float32)
        XCTAssertThrowsError(try depthwise.run(.depthwiseConv2D, depthwiseOptions(.same, stride: (1, 1), dilation: (1, 1), multiplier: 2, activation: .none),
                                               [dx, dfilter], dy, input: bytes([Float](repeating: 0, count: 32)), resolver: resolver))
        // Hybrid (float activations, int8 filter) runs (HybridKernelTests), but not with dilation,
        // which LiteRT's hybrid kernel ignores.
        var hybrid = KernelTestModel()
        let hx = hybrid.activation([1, 4, 4, 2], .float32)
        let hfilter = hybrid.constant([3, 3, 3, 2], .int8, [UInt8](repeating: 0, count: 54), quantization: QuantizationDefinition(scale: [0.1], zeroPoint: [0]))
        let hy = hybrid.activation([1, 4, 4, 3], .float32)
        XCTAssertThrowsError(try hybrid.run(.conv2D, convOptions(.same, stride: (1, 1), dilation: (2, 2), activation: .none),
                                            [hx, hfilter], hy, input: bytes([Float](repeating: 0, count: 32)), resolver: resolver))
    }

    // MARK: - Checks

    private func checkConv(_ item: ConvCase, _ type: TensorType, biasType: TensorType? = nil) throws {
        var random = SplitMix64(seed: 17)
        let (h, w, d) = item.input
        let groupDepth = d / item.groups
        let (outH, padTop) = windowed(item.padding, h, item.filter.0, item.stride.0, item.dilation.0)
        let (outW, padLeft) = windowed(item.padding, w, item.filter.1, item.stride.1, item.dilation.1)
        let o = item.outputDepth
        let filterCount = o * item.filter.0 * item.filter.1 * groupDepth
        let q = Quantized(type: type, channels: o, random: &random)
        var model = KernelTestModel()
        let x = model.activation([Int32(item.batches), Int32(h), Int32(w), Int32(d)], type, quantization: q.input)
        let filterShape = [Int32(o), Int32(item.filter.0), Int32(item.filter.1), Int32(groupDepth)]
        let y = model.activation([Int32(item.batches), Int32(outH), Int32(outW), Int32(o)], type, quantization: q.output)
        let inputCount = item.batches * h * w * d
        let options = convOptions(item.padding, stride: item.stride, dilation: item.dilation, activation: item.activation)
        let perGroup = o / item.groups
        let tap: (Int, Int, Int, Int, Int) -> (input: Int, filter: Int)? = { b, oy, ox, oc, k in
            // k enumerates (fy, fx, ic) in TFLM's order.
            let ic = k % groupDepth, fx = (k / groupDepth) % item.filter.1, fy = k / (groupDepth * item.filter.1)
            let iy = oy * item.stride.0 - padTop + fy * item.dilation.0
            let ix = ox * item.stride.1 - padLeft + fx * item.dilation.1
            guard iy >= 0, iy < h, ix >= 0, ix < w else { return nil }
            return (((b * h + iy) * w + ix) * d + (oc / perGroup) * groupDepth + ic, ((oc * item.filter.0 + fy) * item.filter.1 + fx) * groupDepth + ic)
        }
        let taps = item.filter.0 * item.filter.1 * groupDepth
        try runAndCompare(model: &model, op: .conv2D, options: options, x: x, filterShape: filterShape, filterCount: filterCount,
                          quantizedDimension: 0, y: y, outputShape: [item.batches, outH, outW, o], inputCount: inputCount,
                          bias: item.bias, biasType: biasType, activation: item.activation, q: q, type: type, random: &random,
                          taps: taps, tap: tap, "\(item) \(type.name.map { "\($0)" } ?? "")")
    }

    private func checkDepthwise(_ item: ConvCase, _ type: TensorType, biasType: TensorType? = nil) throws {
        var random = SplitMix64(seed: 29)
        let (h, w, d) = item.input
        let o = item.outputDepth, multiplier = o / d
        let (outH, padTop) = windowed(item.padding, h, item.filter.0, item.stride.0, item.dilation.0)
        let (outW, padLeft) = windowed(item.padding, w, item.filter.1, item.stride.1, item.dilation.1)
        let q = Quantized(type: type, channels: o, random: &random)
        var model = KernelTestModel()
        let x = model.activation([Int32(item.batches), Int32(h), Int32(w), Int32(d)], type, quantization: q.input)
        let filterShape = [1, Int32(item.filter.0), Int32(item.filter.1), Int32(o)]
        let y = model.activation([Int32(item.batches), Int32(outH), Int32(outW), Int32(o)], type, quantization: q.output)
        let options = depthwiseOptions(item.padding, stride: item.stride, dilation: item.dilation, multiplier: multiplier, activation: item.activation)
        let tap: (Int, Int, Int, Int, Int) -> (input: Int, filter: Int)? = { b, oy, ox, oc, k in
            let fx = k % item.filter.1, fy = k / item.filter.1
            let iy = oy * item.stride.0 - padTop + fy * item.dilation.0
            let ix = ox * item.stride.1 - padLeft + fx * item.dilation.1
            guard iy >= 0, iy < h, ix >= 0, ix < w else { return nil }
            return (((b * h + iy) * w + ix) * d + oc / multiplier, (fy * item.filter.1 + fx) * o + oc)
        }
        try runAndCompare(model: &model, op: .depthwiseConv2D, options: options, x: x, filterShape: filterShape,
                          filterCount: item.filter.0 * item.filter.1 * o, quantizedDimension: 3, y: y,
                          outputShape: [item.batches, outH, outW, o], inputCount: item.batches * h * w * d,
                          bias: item.bias, biasType: biasType, activation: item.activation, q: q, type: type, random: &random,
                          taps: item.filter.0 * item.filter.1, tap: tap, "\(item) \(type.name.map { "\($0)" } ?? "")")
    }

    private func checkTranspose(_ item: TransposeCase, _ type: TensorType, biasType: TensorType? = nil) throws {
        var random = SplitMix64(seed: 41)
        let (h, w, d) = item.input
        let (outH, outW, o) = item.output
        // Padding of the forward conv from the output back to the input.
        let padTop = windowed(item.padding, outH, item.filter.0, item.stride.0, 1).padding
        let padLeft = windowed(item.padding, outW, item.filter.1, item.stride.1, 1).padding
        let q = Quantized(type: type, channels: o, random: &random)
        var model = KernelTestModel()
        let shape = model.constant([4], .int32, bytes([Int32(item.batches), Int32(outH), Int32(outW), Int32(o)]))
        let x = model.activation([Int32(item.batches), Int32(h), Int32(w), Int32(d)], type, quantization: q.input)
        let filterShape = [Int32(o), Int32(item.filter.0), Int32(item.filter.1), Int32(d)]
        let y = model.activation([Int32(item.batches), Int32(outH), Int32(outW), Int32(o)], type, quantization: q.output)
        var options = TableValue(.transposeConvOptions)
        options["padding"] = .int(Int64(item.padding.rawValue))
        options["stride_h"] = .int(Int64(item.stride.0))
        options["stride_w"] = .int(Int64(item.stride.1))
        options["fused_activation_function"] = .int(Int64(item.activation.rawValue))
        // TFLM scatters input (iy, ix, ic) onto outputs; for one output the contributions arrive in that order.
        let tap: (Int, Int, Int, Int, Int) -> (input: Int, filter: Int)? = { b, oy, ox, oc, k in
            let ic = k % d, ix = (k / d) % w, iy = k / (d * w)
            let fy = oy + padTop - iy * item.stride.0, fx = ox + padLeft - ix * item.stride.1
            guard fy >= 0, fy < item.filter.0, fx >= 0, fx < item.filter.1 else { return nil }
            return (((b * h + iy) * w + ix) * d + ic, ((oc * item.filter.0 + fy) * item.filter.1 + fx) * d + ic)
        }
        try runAndCompare(model: &model, op: .transposeConv, options: options, x: x, filterShape: filterShape,
                          filterCount: o * item.filter.0 * item.filter.1 * d, quantizedDimension: 0, y: y,
                          outputShape: [item.batches, outH, outW, o], inputCount: item.batches * h * w * d,
                          bias: item.bias, biasType: biasType, activation: item.activation, q: q, type: type, random: &random,
                          taps: h * w * d, tap: tap, transposeShape: shape, "\(item) \(type.name.map { "\($0)" } ?? "")")
    }

    /// Builds the one-operator model, runs it, and compares with the reference
    /// sum `Σ_k input[tap(k).input] · filter[tap(k).filter]` over the taps in order.
    private func runAndCompare(model: inout KernelTestModel, op: BuiltinOperator, options: TableValue, x: Int32,
                               filterShape: [Int32], filterCount: Int, quantizedDimension: Int32, y: Int32,
                               outputShape: [Int], inputCount: Int, bias hasBias: Bool, biasType: TensorType?,
                               activation: ActivationFunction, q: Quantized, type: TensorType, random: inout SplitMix64,
                               taps: Int, tap: (Int, Int, Int, Int, Int) -> (input: Int, filter: Int)?,
                               transposeShape: Int32? = nil, _ label: String) throws {
        let channels = outputShape[3]
        let filter: Int32, biasTensor: Int32?
        let inputBytes: [UInt8]
        var expected: [UInt8] = []
        let outputCount = outputShape.reduce(1, *)
        func forEachOutput(_ body: (_ index: Int, _ b: Int, _ oy: Int, _ ox: Int, _ oc: Int) -> Void) {
            var index = 0
            for b in 0..<outputShape[0] { for oy in 0..<outputShape[1] { for ox in 0..<outputShape[2] { for oc in 0..<channels {
                body(index, b, oy, ox, oc); index += 1
            } } } }
        }
        if type == .float32 {
            let input = (0..<inputCount).map { _ in random.float(-1, 1) }
            let weights = (0..<filterCount).map { _ in random.float(-1, 1) }
            let biases = (0..<channels).map { _ in random.float(-0.5, 0.5) }
            filter = model.constant(filterShape, .float32, bytes(weights))
            biasTensor = hasBias ? model.constant([Int32(channels)], .float32, bytes(biases)) : nil
            inputBytes = bytes(input)
            let (low, high) = QuantizedMath.activationRange(activation)
            var result = [Float](repeating: 0, count: outputCount)
            forEachOutput { index, b, oy, ox, oc in
                var total: Float = 0
                for k in 0..<taps { if let t = tap(b, oy, ox, oc, k) { total += input[t.input] * weights[t.filter] } }
                total += hasBias ? biases[oc] : 0
                result[index] = min(max(total, low), high)
            }
            expected = bytes(result)
        } else {
            let weights = (0..<filterCount).map { _ in Int8(truncatingIfNeeded: random.int32(-127, 127)) }
            let filterQuantization = QuantizationDefinition(scale: q.filterScales, zeroPoint: [Int64](repeating: 0, count: channels),
                                                            quantizedDimension: quantizedDimension)
            filter = model.constant(filterShape, .int8, bytes(weights), quantization: filterQuantization)
            let (qmin, qmax): (Int32, Int32) = type == .int8 ? (-128, 127) : (-32768, 32767)
            let (low, high) = QuantizedMath.activationRange(activation, scale: q.outputScale, zeroPoint: q.outputZeroPoint, qmin: qmin, qmax: qmax)
            let input: [Int32] = (0..<inputCount).map { _ in type == .int8 ? random.int32(-128, 127) : random.int32(-32768, 32767) }
            // TFLM's int16 CONV_2D accumulates in int64 only with an int64 bias (no bias or an int32 bias:
            // int32 and the int32 rescale); depthwise and transposed conv always use int64.
            let wide = type == .int16 && (op != .conv2D || (hasBias && biasType == .int64))
            let biases: [Int64] = (0..<channels).map { _ in Int64(type == .int8 ? random.int32(-3000, 3000) : random.int32(-400_000, 400_000)) }
            if hasBias {
                biasTensor = wide ? model.constant([Int32(channels)], .int64, bytes(biases))
                                  : model.constant([Int32(channels)], .int32, bytes(biases.map { Int32($0) }))
            } else {
                biasTensor = nil
            }
            inputBytes = type == .int8 ? bytes(input.map { Int8($0) }) : bytes(input.map { Int16($0) })
            var out8: [Int8] = [], out16: [Int16] = []
            forEachOutput { _, b, oy, ox, oc in
                let real = Double(q.inputScale) * Double(q.filterScales[oc]) / Double(q.outputScale)
                let (multiplier, shift) = QuantizedMath.quantizeMultiplier(real)
                if type == .int8 {
                    var accumulator: Int32 = 0
                    for k in 0..<taps { if let t = tap(b, oy, ox, oc, k) { accumulator &+= Int32(weights[t.filter]) * (input[t.input] - q.inputZeroPoint) } }
                    if hasBias { accumulator &+= Int32(biases[oc]) }
                    let value = QuantizedMath.multiplyByQuantizedMultiplier(accumulator, multiplier, shift) + q.outputZeroPoint
                    out8.append(Int8(min(max(value, low), high)))
                } else {
                    var accumulator: Int64 = 0
                    for k in 0..<taps { if let t = tap(b, oy, ox, oc, k) { accumulator += Int64(weights[t.filter]) * Int64(input[t.input]) } }
                    if hasBias { accumulator += biases[oc] }
                    let value = wide ? QuantizedMath.multiplyByQuantizedMultiplier(accumulator, multiplier, shift)
                                     : QuantizedMath.multiplyByQuantizedMultiplier(Int32(accumulator), multiplier, shift)
                    out16.append(Int16(min(max(value, low), high)))
                }
            }
            expected = type == .int8 ? bytes(out8) : bytes(out16)
        }
        var operands: [Int32]
        if let transposeShape {
            operands = [transposeShape, filter, x]
            if let biasTensor { operands.append(biasTensor) }
        } else {
            operands = [x, filter]
            if let biasTensor { operands.append(biasTensor) }
        }
        let output = try model.run(op, options, operands, y, input: inputBytes, resolver: resolver)
        XCTAssertEqual(output.count, expected.count, label)
        if output != expected {
            let first = zip(output, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? -1
            XCTFail("\(label): differs from the reference at byte \(first) of \(expected.count)")
        }
    }
}

// MARK: - Test support

private struct ConvCase: CustomStringConvertible {
    var batches: Int
    var input: (Int, Int, Int)
    var outputDepth: Int
    /// Groups for CONV_2D; ignored by depthwise (its multiplier is outputDepth / inputDepth).
    var groups: Int
    var filter: (Int, Int)
    var stride: (Int, Int)
    var dilation: (Int, Int)
    var padding: Padding
    var bias: Bool
    var activation: ActivationFunction
    var description: String {
        "\(batches)x\(input) → \(outputDepth) groups \(groups) filter \(filter) stride \(stride) dilation \(dilation) \(padding.name) bias \(bias) \(activation.name)"
    }
}

private struct TransposeCase: CustomStringConvertible {
    var batches: Int
    var input: (Int, Int, Int)
    var output: (Int, Int, Int)
    var filter: (Int, Int)
    var stride: (Int, Int)
    var padding: Padding
    var bias: Bool
    var activation: ActivationFunction
    var description: String { "\(batches)x\(input) → \(output) filter \(filter) stride \(stride) \(padding.name) bias \(bias) \(activation.name)" }
}

/// Quantization parameters for one test operator.
private struct Quantized {
    var inputScale: Float = 0
    var inputZeroPoint: Int32 = 0
    var filterScales: [Float] = []
    var outputScale: Float = 0
    var outputZeroPoint: Int32 = 0
    var input: QuantizationDefinition?
    var output: QuantizationDefinition?

    init(type: TensorType, channels: Int, random: inout SplitMix64) {
        guard type != .float32 else { return }
        inputScale = type == .int8 ? 0.0213 : 0.000137
        inputZeroPoint = type == .int8 ? 5 : 0
        filterScales = (0..<channels).map { _ in random.float(0.002, 0.011) }
        outputScale = type == .int8 ? 0.061 : 0.00049
        outputZeroPoint = type == .int8 ? -7 : 0
        input = QuantizationDefinition(scale: [inputScale], zeroPoint: [Int64(inputZeroPoint)])
        output = QuantizationDefinition(scale: [outputScale], zeroPoint: [Int64(outputZeroPoint)])
    }
}

/// Output size and leading padding along one axis, as TFLM computes them.
private func windowed(_ padding: Padding, _ size: Int, _ filter: Int, _ stride: Int, _ dilation: Int) -> (output: Int, padding: Int) {
    let effective = (filter - 1) * dilation + 1
    let output = padding == .same ? (size + stride - 1) / stride : (size + stride - effective) / stride
    return (output, max((output - 1) * stride + effective - size, 0) / 2)
}

private func convOptions(_ padding: Padding, stride: (Int, Int), dilation: (Int, Int), activation: ActivationFunction) -> TableValue {
    var options = TableValue(.conv2DOptions)
    options["padding"] = .int(Int64(padding.rawValue))
    options["stride_h"] = .int(Int64(stride.0))
    options["stride_w"] = .int(Int64(stride.1))
    options["dilation_h_factor"] = .int(Int64(dilation.0))
    options["dilation_w_factor"] = .int(Int64(dilation.1))
    options["fused_activation_function"] = .int(Int64(activation.rawValue))
    return options
}

private func depthwiseOptions(_ padding: Padding, stride: (Int, Int), dilation: (Int, Int), multiplier: Int,
                              activation: ActivationFunction) -> TableValue {
    var options = TableValue(.depthwiseConv2DOptions)
    options["padding"] = .int(Int64(padding.rawValue))
    options["stride_h"] = .int(Int64(stride.0))
    options["stride_w"] = .int(Int64(stride.1))
    options["dilation_h_factor"] = .int(Int64(dilation.0))
    options["dilation_w_factor"] = .int(Int64(dilation.1))
    options["depth_multiplier"] = .int(Int64(multiplier))
    options["fused_activation_function"] = .int(Int64(activation.rawValue))
    return options
}
