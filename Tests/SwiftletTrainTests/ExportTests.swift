import SwiftletConvert
import SwiftletFormat
import SwiftletTools
import XCTest
@testable import SwiftletTrain

/// Exported float `.tflite` models run on the micro interpreter and give the
/// Swift forward pass's outputs (within 1e-5 relative).
final class ExportTests: XCTestCase {
    /// Exports `model`, runs `samples` random inputs through the interpreter, compares with `predict`.
    private func assertExportMatches(_ model: SwiftletTrain.Model, samples: Int = 3, seed: UInt64 = 5,
                                     expectedOperators: [String]? = nil,
                                     file: StaticString = #filePath, line: UInt = #line) throws {
        let bytes = try model.exportTFLite()
        let modelFile = try ModelFile(bytes: bytes)
        if let expectedOperators {
            let report = ModelReport(model: modelFile.model)
            XCTAssertEqual(report.subgraphs[0].operators.map(\.op), expectedOperators, file: file, line: line)
        }
        var generator = SeededGenerator(seed: seed)
        let shape = [samples] + model.inputShape
        let x = try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() })
        let expected = try model.predict(x)
        let runner = try ModelRunner(file: modelFile)
        let outputs = try runner.run(inputs: [NumPyArray(x.scalars, shape: shape)], samples: samples, stacked: true)
        let actual = try outputs[0].floats()
        XCTAssertEqual(actual.count, expected.count, file: file, line: line)
        for (a, e) in zip(actual, expected.scalars) {
            XCTAssertLessThanOrEqual(abs(a - e), 1e-5 * max(1, abs(e)), "interpreter \(a), Swift \(e)", file: file, line: line)
        }
    }

    func testSineModelIsTwoFusedReluFullyConnectedAndOneLinear() throws {
        let model = try SineExample.makeModel(seed: 3)
        try assertExportMatches(model, samples: 8,
                                expectedOperators: ["FULLY_CONNECTED", "FULLY_CONNECTED", "FULLY_CONNECTED"])
        let graph = try model.exportGraph()
        let activations = graph.operators.map { $0.options.fusedActivation }
        XCTAssertEqual(activations, [.relu, .relu, SwiftletFormat.ActivationFunction.none])
    }

    func testConvolutionalModel() throws {
        let model = try Sequential(inputShape: [8, 8, 2], [
            Conv2D(filters: 4, kernelSize: (3, 3), strides: (2, 2), padding: .same),
            BatchNormalization(), ReLU(),  // folded into the convolution, ReLU fused, as TF's converter does
            DepthwiseConv2D(kernelSize: (3, 3), padding: .same, depthMultiplier: 2, activation: .relu6),
            MaxPool2D(), AveragePool2D(poolSize: (2, 2), strides: (1, 1), padding: .same),
            Conv2D(filters: 3, kernelSize: (1, 1), activation: .tanh),
            Dropout(rate: 0.3), Flatten(), Dense(5, activation: .sigmoid), Dense(3), Softmax(),
        ], seed: 2)
        // Non-trivial BatchNormalization statistics: a few training steps.
        let data = Datasets.lines(samples: 32, size: 8)
        var x2 = [Float]()
        for v in data.x.scalars { x2 += [v, 1 - v] }
        try model.fit(x: Tensor(shape: [32, 8, 8, 2], scalars: x2), y: Tensor(shape: [32], scalars: data.y.scalars),
                      loss: .sparseCategoricalCrossentropy, optimizer: Adam(learningRate: 0.01),
                      options: TrainingOptions(epochs: 2, batchSize: 8))
        try assertExportMatches(model, expectedOperators: [
            // The Flatten's RESHAPE is folded into the FULLY_CONNECTED that reads it, as TF's converter does.
            "CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "AVERAGE_POOL_2D", "CONV_2D", "TANH",
            "FULLY_CONNECTED", "LOGISTIC", "FULLY_CONNECTED", "SOFTMAX",
        ])
    }

    func testConv1DGlobalPoolAndStandaloneActivations() throws {
        let model = try Sequential(inputShape: [10, 3], [
            Conv1D(filters: 4, kernelSize: 3, padding: .same, activation: .relu),
            LeakyReLU(alpha: 0.2), Reshape([10, 1, 4]), GlobalAveragePool2D(), ReLU6(), Dense(2, activation: .softmax),
        ], seed: 8)
        try assertExportMatches(model)
    }

    func testFunctionalModelWithAddAndConcatenate() throws {
        let input = Input(shape: [6])
        let a = Dense(4, activation: .relu)(input)
        let b = Dense(4)(input)
        let c = Tanh()(Add()([a, b]))
        let output = Dense(2)(Concatenate()([c, Sigmoid()(b)]))
        try assertExportMatches(try SwiftletTrain.Model(input: input, output: output, seed: 4), samples: 4)
    }
}
