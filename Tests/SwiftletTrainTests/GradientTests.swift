import XCTest
@testable import SwiftletTrain

/// Every layer's backward pass against finite differences, for inputs and parameters.
final class GradientTests: XCTestCase {
    func testDense() throws {
        try GradientCheck.check(Dense(5), inputShapes: [[4]], batch: 3)
        try GradientCheck.check(Dense(3, activation: .tanh), inputShapes: [[2, 4]])
        try GradientCheck.check(Dense(3, activation: .relu, useBias: false), inputShapes: [[6]], seed: 3)
    }

    func testConv2D() throws {
        try GradientCheck.check(Conv2D(filters: 3, kernelSize: (3, 3)), inputShapes: [[5, 5, 2]])
        try GradientCheck.check(Conv2D(filters: 2, kernelSize: (3, 2), strides: (2, 2), padding: .same,
                                       activation: .sigmoid), inputShapes: [[5, 6, 3]])
    }

    func testConv1D() throws {
        try GradientCheck.check(Conv1D(filters: 3, kernelSize: 3, padding: .same), inputShapes: [[7, 2]])
        try GradientCheck.check(Conv1D(filters: 2, kernelSize: 2, stride: 2, activation: .tanh), inputShapes: [[6, 3]])
    }

    func testDepthwiseConv2D() throws {
        try GradientCheck.check(DepthwiseConv2D(kernelSize: (3, 3)), inputShapes: [[5, 5, 2]])
        try GradientCheck.check(DepthwiseConv2D(kernelSize: (2, 3), strides: (2, 1), padding: .same,
                                                depthMultiplier: 2, activation: .tanh), inputShapes: [[5, 4, 3]])
    }

    func testPools() throws {
        try GradientCheck.check(MaxPool2D(), inputShapes: [[4, 6, 2]])
        try GradientCheck.check(MaxPool2D(poolSize: (3, 3), strides: (2, 2), padding: .same), inputShapes: [[5, 5, 2]])
        try GradientCheck.check(AveragePool2D(), inputShapes: [[4, 4, 3]])
        try GradientCheck.check(AveragePool2D(poolSize: (3, 3), strides: (2, 2), padding: .same), inputShapes: [[5, 4, 2]])
        try GradientCheck.check(GlobalAveragePool2D(), inputShapes: [[3, 4, 5]])
    }

    func testShapeLayers() throws {
        try GradientCheck.check(Flatten(), inputShapes: [[2, 3, 2]])
        try GradientCheck.check(Reshape([3, 4]), inputShapes: [[2, 6]])
        try GradientCheck.check(Dropout(rate: 0.5), inputShapes: [[7]])  // inference: identity
    }

    func testBatchNormalization() throws {
        try GradientCheck.check(BatchNormalization(), inputShapes: [[3, 4]], batch: 3, training: true)
        try GradientCheck.check(BatchNormalization(), inputShapes: [[2, 2, 3]], training: false)
    }

    func testActivations() throws {
        for layer: any Layer in [ReLU(), ReLU6(), LeakyReLU(alpha: 0.2), Sigmoid(), Tanh(), Softmax()] {
            // Inputs spread to ±8 so that ReLU6's upper kink is inside the range too.
            try GradientCheck.check(layer, inputShapes: [[3, 5]], seed: 11, kinks: [0, 6])
        }
        try GradientCheck.check(Dense(4, activation: .softmax), inputShapes: [[3]])
        try GradientCheck.check(Dense(4, activation: .relu6), inputShapes: [[3]])
    }

    func testMergeLayers() throws {
        try GradientCheck.check(Add(), inputShapes: [[2, 3], [2, 3], [2, 3]])
        try GradientCheck.check(Concatenate(), inputShapes: [[2, 3], [2, 1], [2, 2]])
    }

    func testDropoutBackwardUsesTheForwardMask() throws {
        let layer = Dropout(rate: 0.5)
        var generator = SeededGenerator(seed: 5)
        _ = try layer.build(inputShapes: [[1000]], generator: &generator)
        let ones = Tensor(repeating: 1, shape: [1, 1000])
        let output = layer.forward([ones], training: true)
        let dropped = output.scalars.filter { $0 == 0 }.count
        XCTAssertTrue(output.scalars.allSatisfy { $0 == 0 || $0 == 2 })
        XCTAssertEqual(Double(dropped), 500, accuracy: 60)
        XCTAssertEqual(layer.backward(ones)[0], output, "gradient is the same mask and scale")
        XCTAssertEqual(layer.forward([ones], training: false), ones, "identity at inference")
    }

    /// The model's backward (fan-out sums, merge layers) against finite differences of a whole functional graph.
    func testFunctionalModelGradient() throws {
        let input = Input(shape: [4])
        let a = Dense(3, activation: .tanh)(input)
        let b = Dense(3, activation: .sigmoid)(input)
        let merged = Concatenate()([Add()([a, b]), a])
        let model = try Model(input: input, output: Dense(2)(merged), seed: 9)
        var generator = SeededGenerator(seed: 2)
        var x = GradientCheck.random([3, 4], &generator)
        let weights = GradientCheck.random([3, 2], &generator)
        func objective() -> Double {
            zip(model.forward(x, training: false).scalars, weights.scalars).reduce(0) { $0 + Double($1.0 * $1.1) }
        }
        for parameter in model.parameters { parameter.zeroGradient() }
        _ = model.forward(x, training: false)
        let inputGradient = model.backward(weights)
        let step: Float = 1e-2
        for i in x.scalars.indices {
            let saved = x.scalars[i]
            x.scalars[i] = saved + step
            let plus = objective()
            x.scalars[i] = saved - step
            let minus = objective()
            x.scalars[i] = saved
            XCTAssertEqual(inputGradient.scalars[i], Float((plus - minus) / Double(2 * step)), accuracy: 2e-2)
        }
        for parameter in model.parameters {
            for i in parameter.value.scalars.indices {
                let saved = parameter.value.scalars[i]
                parameter.value.scalars[i] = saved + step
                let plus = objective()
                parameter.value.scalars[i] = saved - step
                let minus = objective()
                parameter.value.scalars[i] = saved
                XCTAssertEqual(parameter.gradient.scalars[i], Float((plus - minus) / Double(2 * step)), accuracy: 2e-2,
                               parameter.name)
            }
        }
    }
}
