import XCTest
import Foundation
import SwiftletFormat
import SwiftletMicro
import SwiftletTools
@testable import SwiftletConvert

final class GraphWriterTests: XCTestCase {
    /// Dense(relu) then softmax, computed by hand.
    func testFullyConnectedReluSoftmaxRunsOnTheInterpreter() throws {
        var graph = Graph()
        let x = graph.input("x", shape: [1, 4])
        let weights = try graph.constant("w", shape: [3, 4], floats: [1, 0, 0, 0,  0, 1, 1, 0,  -1, -1, 0, 2])
        let bias = try graph.constant("b", shape: [3], floats: [0.5, 1.5, 0.25])
        let hidden = try graph.fullyConnected(x, weights: weights, bias: bias, activation: .relu)
        graph.output(graph.softmax(hidden))
        let bytes = try GraphWriter.serialize(graph)

        // x·Wᵀ + b = [1.5, 2 − 1 + 1.5, −1 − 2 + 1 + 0.25] = [1.5, 2.5, −1.75]; relu → [1.5, 2.5, 0].
        let logits: [Float] = [1.5, 2.5, 0]
        let sum = logits.map { exp($0) }.reduce(0, +)
        let outputs = try runFloatModel(bytes, inputs: [[1, 2, -1, 0.5]])
        assertClose(outputs[0], logits.map { exp($0) / sum }, "softmax(relu(fc))")
    }

    /// CONV_2D with SAME padding and stride 2 (the odd padding pixel at the end), then a reshape.
    func testConvolutionSamePaddingAndReshapeRunOnTheInterpreter() throws {
        var graph = Graph()
        let x = graph.input("image", shape: [1, 3, 3, 1])
        let filter = try graph.constant("filter", shape: [1, 2, 2, 1], floats: [1, 1, 1, 1])
        let bias = try graph.constant("bias", shape: [1], floats: [-1])
        let y = try graph.conv2D(x, filter: filter, bias: bias,
                                 options: Conv2DParameters(padding: .same, strideHeight: 2, strideWidth: 2))
        XCTAssertEqual(graph[y].shape, [1, 2, 2, 1])
        graph.output(try graph.reshape(y, to: [1, -1]))
        let outputs = try runFloatModel(try GraphWriter.serialize(graph), inputs: [(1...9).map(Float.init)])
        // Windows: {1,2,4,5}, {3,6,pad}, {7,8,pad}, {9,pad} minus 1.
        XCTAssertEqual(outputs[0], [11, 8, 14, 8])
    }

    /// The file is laid out as TensorFlow's converter lays it out.
    func testLayoutFollowsTheConverter() throws {
        var graph = Graph()
        let x = graph.input("x", shape: [1, 2, 2, 3], signatureName: "args_0")
        let filter = try graph.constant("filter", shape: [4, 1, 1, 3], floats: (0..<12).map(Float.init))
        let bias = try graph.constant("bias", shape: [4], floats: [0, 0, 0, 0])
        let y = try graph.conv2D(x, filter: filter, bias: bias, options: Conv2DParameters(activation: .relu6))
        let flat = try graph.reshape(y, to: [1, 16])
        let unused = try graph.constant("unused", shape: [2], floats: [1, 2])
        _ = unused
        let weights = try graph.constant("w", shape: [2, 16], floats: [Float](repeating: 0.5, count: 32))
        graph.output(try graph.fullyConnected(flat, weights: weights))
        let bytes = try GraphWriter.serialize(graph)
        let file = try ModelFile(bytes: bytes)
        let model = try ModelDefinition(reading: file.model)

        XCTAssertEqual(model.buffers[0], [])
        let subgraph = model.subgraphs[0]
        XCTAssertEqual(subgraph.name, "main")
        XCTAssertFalse(subgraph.tensors.contains { $0.name == "unused" }, "unused constants are not written")
        // Inputs first, then constants, then activations; each tensor its own buffer.
        XCTAssertEqual(subgraph.tensors.map { $0.name ?? "" }.prefix(3), ["x", "filter", "bias"])
        XCTAssertEqual(subgraph.tensors[3].type, .int32, "the reshape's shape constant")
        XCTAssertEqual(subgraph.tensors[4].name, "w")
        for (index, tensor) in subgraph.tensors.enumerated() {
            XCTAssertEqual(tensor.buffer, UInt32(index + 1))
            XCTAssertTrue(tensor.hasRank)
            XCTAssertNotNil(tensor.quantization)
        }
        XCTAssertEqual(model.operatorCodes.map(\.builtinCode), [.conv2D, .reshape, .fullyConnected])
        XCTAssertEqual(model.operatorCodes.map(\.version), [1, 1, 1])
        // RESHAPE: the shape is an int32 input tensor, and there are no options.
        let reshape = subgraph.operators[1]
        XCTAssertNil(reshape.builtinOptions)
        XCTAssertEqual(reshape.inputs.count, 2)
        let shapeTensor = subgraph.tensors[Int(reshape.inputs[1])]
        XCTAssertEqual(shapeTensor.type, .int32)
        XCTAssertEqual(GraphTensor.values(of: model.buffers[Int(shapeTensor.buffer)], as: Int32.self), [1, 16])
        // No bias on the fully-connected operator: input −1.
        XCTAssertEqual(subgraph.operators[2].inputs.last, -1)
        // Options without their default fields: VALID (1), strides 1 (default 0) and RELU6 (3) stay,
        // dilations 1 (the default) go.
        XCTAssertEqual(subgraph.operators[0].builtinOptions?.fields, [0: .int(1), 1: .int(1), 2: .int(1), 3: .int(3)])

        XCTAssertEqual(model.metadata.map(\.name), ["min_runtime_version"])
        let runtime = model.buffers[Int(model.metadata[0].buffer)]
        XCTAssertEqual(runtime, Array("1.5.0".utf8) + [UInt8](repeating: 0, count: 11))
        XCTAssertEqual(model.signatureDefs.first?.signatureKey, "serving_default")
        XCTAssertEqual(model.signatureDefs.first?.inputs.map(\.name), ["args_0"])
        XCTAssertEqual(model.signatureDefs.first?.outputs.map(\.name), ["output_0"])
        XCTAssertEqual(model.signatureDefs.first?.outputs.first?.tensorIndex, UInt32(subgraph.outputs[0]))
    }

    func testVersionsFollowOptionsAndTheRuntimeVersionRises() throws {
        var graph = Graph()
        let x = graph.input("x", shape: [1, 2, 3])
        let weights = try graph.constant("w", shape: [5, 3], floats: [Float](repeating: 1, count: 15))
        let y = try graph.fullyConnected(x, weights: weights, keepNumDims: true)
        XCTAssertEqual(graph[y].shape, [1, 2, 5])
        graph.output(y)
        let model = try GraphWriter.modelDefinition(graph)
        XCTAssertEqual(model.operatorCodes[0].version, 5)
        XCTAssertEqual(model.buffers[Int(model.metadata[0].buffer)].prefix(5), ArraySlice(Array("2.0.0".utf8)))
    }

    func testBadGraphsAreClearErrors() throws {
        var graph = Graph()
        let x = graph.input("x", shape: [1, 4])
        let weights = try graph.constant("w", shape: [3, 5], floats: [Float](repeating: 0, count: 15))
        XCTAssertThrowsError(try graph.fullyConnected(x, weights: weights)) { error in
            XCTAssertTrue("\(error)".contains("does not match weights"), "\(error)")
        }
        XCTAssertThrowsError(try graph.constant("c", shape: [2, 2], floats: [1, 2, 3]))
        XCTAssertThrowsError(try graph.reshape(x, to: [3, -1]))
        XCTAssertThrowsError(try GraphWriter.serialize(graph)) { error in
            XCTAssertEqual(error as? ConvertError, .invalidGraph("the graph has no outputs"))
        }
        // An operator that reads a tensor nothing has written yet.
        var broken = Graph()
        let input = broken.input("x", shape: [1, 2])
        let dangling = broken.add(GraphTensor(name: "dangling", shape: [1, 2]))
        graph = broken
        graph.output(try graph.add(input, dangling))
        XCTAssertThrowsError(try GraphWriter.serialize(graph)) { error in
            XCTAssertTrue("\(error)".contains("before anything writes it"), "\(error)")
        }
    }
}
