import XCTest
import SwiftletFormat
@testable import SwiftletConvert

final class GraphPassesTests: XCTestCase {
    /// conv → MUL(scale) → ADD(offset) → RELU6, as an imported Conv2D + BatchNormalization + ReLU6.
    private func convBatchNormGraph(depthwise: Bool) throws -> Graph {
        var graph = Graph()
        var random = SplitMix(seed: depthwise ? 7 : 3)
        let x = graph.input("x", shape: [1, 5, 5, 2])
        let y: TensorID
        if depthwise {
            let filter = try graph.constant("dw", shape: [1, 3, 3, 4], floats: (0..<36).map { _ in random.float() })
            y = try graph.depthwiseConv2D(x, filter: filter, bias: nil, options: DepthwiseConv2DParameters(padding: .same, depthMultiplier: 2))
        } else {
            let filter = try graph.constant("w", shape: [4, 3, 3, 2], floats: (0..<72).map { _ in random.float() })
            let bias = try graph.constant("b", shape: [4], floats: (0..<4).map { _ in random.float() })
            y = try graph.conv2D(x, filter: filter, bias: bias, options: Conv2DParameters(padding: .same))
        }
        let scale = try graph.constant("scale", shape: [4], floats: [0.5, 2, -1, 3])
        let offset = try graph.constant("offset", shape: [4], floats: [0.1, -0.2, 0.3, 1])
        let scaled = try graph.mul(y, scale)
        let shifted = try graph.add(scaled, offset)
        graph.output(graph.unary(.relu6, shifted))
        return graph
    }

    func testBatchNormalizationAndReluFoldIntoTheConvolution() throws {
        for depthwise in [false, true] {
            let original = try convBatchNormGraph(depthwise: depthwise)
            var optimized = original
            GraphPasses.optimize(&optimized)
            XCTAssertEqual(optimized.operators.count, 1)
            XCTAssertEqual(optimized.operators[0].fusedActivation, .relu6)
            XCTAssertEqual(optimized.operators[0].outputs, original.outputs)
            var random = SplitMix(seed: 11)
            let input = (0..<50).map { _ in random.float() * 4 }
            let expected = try runFloatModel(try GraphWriter.serialize(original), inputs: [input])
            let actual = try runFloatModel(try GraphWriter.serialize(optimized), inputs: [input])
            assertClose(actual[0], expected[0], "depthwise \(depthwise)")
            XCTAssertTrue(expected[0].contains { $0 > 0 && $0 < 6 }, "the test data reaches the activation's linear part")
        }
    }

    func testActivationIsNotFusedWhenTheProducerHasAnotherReader() throws {
        var graph = Graph()
        let x = graph.input("x", shape: [1, 4])
        let w = try graph.constant("w", shape: [4, 4], floats: [Float](repeating: 0.25, count: 16))
        let y = try graph.fullyConnected(x, weights: w)
        let relu = graph.unary(.relu, y)
        graph.output(try graph.add(relu, y))
        GraphPasses.optimize(&graph)
        XCTAssertEqual(graph.operators.map(\.code), [.fullyConnected, .relu, .add])
    }

    func testConstantReshapesFoldAndIdentitiesAndDeadOperatorsGo() throws {
        var graph = Graph()
        let x = graph.input("x", shape: [1, 6])
        let flatWeights = try graph.constant("w_flat", shape: [12], floats: (0..<12).map(Float.init))
        let w = try graph.reshape(flatWeights, to: [2, 6])
        let same = try graph.reshape(x, to: [1, 6])
        let y = try graph.fullyConnected(same, weights: w)
        _ = graph.unary(.tanh, y)  // nobody reads it
        let twice = try graph.reshape(try graph.reshape(y, to: [2, 1]), to: [1, 2])
        graph.output(twice)
        GraphPasses.optimize(&graph)
        XCTAssertEqual(graph.operators.map(\.code), [.fullyConnected])
        XCTAssertEqual(graph.operators[0].inputs[0], x)
        let weights = graph[graph.operators[0].inputs[1]!]
        XCTAssertEqual(weights.shape, [2, 6])
        XCTAssertEqual(weights.floats, (0..<12).map(Float.init))
        XCTAssertEqual(graph.operators[0].outputs, [twice], "the producer writes the graph output itself")
        let out = try runFloatModel(try GraphWriter.serialize(graph), inputs: [[1, 0, 0, 0, 0, 1]])
        XCTAssertEqual(out[0], [0 + 5, 6 + 11])
    }
}

/// A small deterministic generator for test data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [−1, 1).
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
}
