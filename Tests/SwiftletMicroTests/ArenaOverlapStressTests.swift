import XCTest
import SwiftletFormat
import SwiftletMicro

/// Windowed operators may write their output over the part of a dying input that
/// no later output pixel reads. This differential test runs random shapes twice —
/// once where the input dies at the operator (overlap allowed) and once where it
/// is also a graph output (no overlap possible) — and requires identical bits.
final class ArenaOverlapStressTests: XCTestCase {
    private enum Kind: CaseIterable { case conv, depthwise, averagePool, maxPool }

    func testRandomWindowedOperatorsGiveTheSameBitsWithAndWithoutOverlap() throws {
        var random = SplitMix64(seed: 0x0E21_A9)
        func draw(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }
        let resolver = OpResolver([.relu, .conv2D, .depthwiseConv2D, .averagePool2D, .maxPool2D])
        var cases = 0, overlapped = 0
        for round in 0..<600 {
            let kind = Kind.allCases[round % Kind.allCases.count]
            let quantized = kind != .averagePool && kind != .maxPool && draw(0...1) == 1
            let batch = draw(1...2), height = draw(1...9), width = draw(1...9), channels = draw(1...5)
            let kernelHeight = draw(1...4), kernelWidth = draw(1...4)
            let strideHeight = draw(1...3), strideWidth = draw(1...3)
            let dilation = kind == .conv || kind == .depthwise ? draw(1...2) : 1
            let padding: Padding = draw(0...1) == 0 ? .same : .valid
            let outputHeight = WindowPadding.outputSize(padding, input: height, filter: kernelHeight, stride: strideHeight, dilation: dilation)
            let outputWidth = WindowPadding.outputSize(padding, input: width, filter: kernelWidth, stride: strideWidth, dilation: dilation)
            guard outputHeight > 0, outputWidth > 0 else { continue }
            let multiplier = kind == .depthwise ? draw(1...2) : 1
            let outputChannels = kind == .conv ? draw(1...6) : channels * multiplier
            let type: TensorType = quantized ? .int8 : .float32
            let activationQuantization = quantized ? QuantizationDefinition(scale: [0.05], zeroPoint: [-3]) : nil

            var model = KernelTestModel()
            let input = model.activation([batch, height, width, channels], type, quantization: activationQuantization)
            let relu = model.activation([batch, height, width, channels], type, quantization: activationQuantization)
            var operands = [relu]
            var options: TableValue
            let code: BuiltinOperator
            switch kind {
            case .conv, .depthwise:
                let filterShape = kind == .conv ? [outputChannels, kernelHeight, kernelWidth, channels]
                                                : [1, kernelHeight, kernelWidth, outputChannels]
                let count = filterShape.reduce(1, *)
                if quantized {
                    let weights = (0..<count).map { _ in UInt8(bitPattern: Int8(draw(-127...127))) }
                    let scales = [Float](repeating: 0.02, count: outputChannels)
                    operands.append(model.constant(filterShape, .int8, weights, quantization: QuantizationDefinition(
                        scale: scales, zeroPoint: [Int64](repeating: 0, count: outputChannels), quantizedDimension: kind == .conv ? 0 : 3)))
                    let bias = (0..<outputChannels).flatMap { _ in withUnsafeBytes(of: Int32(draw(-500...500)).littleEndian, Array.init) }
                    operands.append(model.constant([outputChannels], .int32, bias, quantization: QuantizationDefinition(
                        scale: [Float](repeating: 0.001, count: outputChannels), zeroPoint: [Int64](repeating: 0, count: outputChannels))))
                } else {
                    let weights = (0..<count).flatMap { _ in withUnsafeBytes(of: Float(draw(-100...100)) / 64, Array.init) }
                    operands.append(model.constant(filterShape, .float32, weights))
                    let bias = (0..<outputChannels).flatMap { _ in withUnsafeBytes(of: Float(draw(-50...50)) / 64, Array.init) }
                    operands.append(model.constant([outputChannels], .float32, bias))
                }
                code = kind == .conv ? .conv2D : .depthwiseConv2D
                options = TableValue(kind == .conv ? .conv2DOptions : .depthwiseConv2DOptions)
                options["dilation_w_factor"] = .int(Int64(dilation))
                options["dilation_h_factor"] = .int(Int64(dilation))
                if kind == .depthwise { options["depth_multiplier"] = .int(Int64(multiplier)) }
            case .averagePool, .maxPool:
                code = kind == .averagePool ? .averagePool2D : .maxPool2D
                options = TableValue(.pool2DOptions)
                options["filter_width"] = .int(Int64(kernelWidth))
                options["filter_height"] = .int(Int64(kernelHeight))
            }
            options["padding"] = .int(Int64(padding.rawValue))
            options["stride_w"] = .int(Int64(strideWidth))
            options["stride_h"] = .int(Int64(strideHeight))
            let output = model.activation([batch, outputHeight, outputWidth, outputChannels], type,
                                          quantization: quantized ? QuantizationDefinition(scale: [0.1], zeroPoint: [2]) : nil)
            let operators: [KernelTestModel.Operator] = [(.relu, nil, [input], relu), (code, options, operands, output)]
            let elementBytes = quantized ? 1 : 4
            let data: [UInt8] = quantized
                ? (0..<(batch * height * width * channels)).map { _ in UInt8(bitPattern: Int8(draw(-128...127))) }
                : (0..<(batch * height * width * channels)).flatMap { _ in withUnsafeBytes(of: Float(draw(-200...200)) / 50, Array.init) }
            XCTAssertEqual(data.count, batch * height * width * channels * elementBytes)

            // Kept alive: the RELU output is also a graph output, so nothing may overwrite it.
            let kept = try model.run(operators: operators, inputs: [(input, data)], outputs: [output, relu], resolver: resolver)
            // Dying: the RELU output is only read by the windowed operator.
            let dying = try model.run(operators: operators, inputs: [(input, data)], outputs: [output], resolver: resolver)
            XCTAssertEqual(dying.outputs[0], kept.outputs[0], "round \(round) \(kind) \(quantized ? "int8" : "float") "
                           + "in \(batch)x\(height)x\(width)x\(channels) k\(kernelHeight)x\(kernelWidth) s\(strideHeight)x\(strideWidth) d\(dilation) \(padding)")
            let inputStart = dying.pointers[Int(relu)]!, outputStart = dying.pointers[Int(output)]!
            let inputBytes = batch * height * width * channels * elementBytes
            let outputBytes = batch * outputHeight * outputWidth * outputChannels * elementBytes
            if outputStart < inputStart + inputBytes && inputStart < outputStart + outputBytes { overlapped += 1 }
            cases += 1
        }
        XCTAssertGreaterThan(cases, 400)
        XCTAssertGreaterThan(overlapped, 25, "the test must exercise overlapping placements")
    }
}
