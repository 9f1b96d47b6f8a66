import XCTest
@testable import SwiftletTrain

/// Building, naming, determinism, validation split and early stopping.
final class ModelTests: XCTestCase {
    private func sineModel(seed: UInt64) throws -> Sequential {
        try Sequential(inputShape: [1], [Dense(16, activation: .relu), Dense(16, activation: .relu), Dense(1)], seed: seed)
    }

    func testLayersGetKerasNamesAndShapes() throws {
        let model = try Sequential(inputShape: [8, 8, 1], [
            Conv2D(filters: 4, kernelSize: (3, 3), padding: .same, activation: .relu),
            MaxPool2D(), Conv2D(filters: 4, kernelSize: (3, 3)), Flatten(), Dense(3, activation: .softmax),
        ])
        XCTAssertEqual(model.nodes.map(\.layer.name), ["conv2d", "max_pooling2d", "conv2d_1", "flatten", "dense"])
        XCTAssertEqual(model.nodes.map(\.outputShape), [[8, 8, 4], [4, 4, 4], [2, 2, 4], [16], [3]])
        XCTAssertEqual(model.trainableParameterCount, (9 * 4 + 4) + (9 * 4 * 4 + 4) + (16 * 3 + 3))
        XCTAssertEqual(model.parameters.first?.name, "conv2d/kernel")
    }

    func testGlorotUniformLimitsAndZeroBias() throws {
        let model = try Sequential(inputShape: [100], [Dense(50)], seed: 3)
        let kernel = model.parameters[0].value.scalars
        let limit = (6.0 / 150.0).squareRoot()
        XCTAssertTrue(kernel.allSatisfy { abs(Double($0)) <= limit })
        XCTAssertGreaterThan(kernel.map { abs(Double($0)) }.max()!, 0.95 * limit, "spread over the whole range")
        XCTAssertEqual(Double(kernel.reduce(0, +)) / Double(kernel.count), 0, accuracy: 0.01)
        XCTAssertTrue(model.parameters[1].value.scalars.allSatisfy { $0 == 0 })
    }

    func testTrainingIsDeterministicForASeed() throws {
        let data = Datasets.sine(samples: 200)
        func run(seed: UInt64, shuffleSeed: UInt64) throws -> ([Tensor], History) {
            let model = try sineModel(seed: seed)
            let history = try model.fit(x: data.x, y: data.y, loss: .meanSquaredError, optimizer: Adam(),
                                        options: TrainingOptions(epochs: 5, batchSize: 16, seed: shuffleSeed))
            return (model.weights(), history)
        }
        let (a, historyA) = try run(seed: 1, shuffleSeed: 2)
        let (b, historyB) = try run(seed: 1, shuffleSeed: 2)
        XCTAssertEqual(a, b)
        XCTAssertEqual(historyA.epochs, historyB.epochs)
        XCTAssertNotEqual(try run(seed: 2, shuffleSeed: 2).0, a, "another weight seed")
        XCTAssertNotEqual(try run(seed: 1, shuffleSeed: 3).0, a, "another shuffle seed")
    }

    func testValidationSplitAndEarlyStopping() throws {
        let data = Datasets.sine(samples: 200)
        let model = try sineModel(seed: 1)
        var logged: [EpochLog] = []
        let history = try model.fit(
            x: data.x, y: data.y, loss: .meanSquaredError, optimizer: SGD(learningRate: 0.5),
            options: TrainingOptions(epochs: 50, batchSize: 200, validationSplit: 0.25,
                                     earlyStopping: EarlyStopping(patience: 2, restoresBestWeights: true)),
            onEpoch: { logged.append($0) })
        XCTAssertEqual(logged, history.epochs)
        XCTAssertTrue(history.epochs.allSatisfy { $0.validationLoss != nil })
        // A learning rate of 0.5 diverges or stalls fast: training stops well before 50 epochs.
        let stop = try XCTUnwrap(history.stoppedEarlyAt)
        XCTAssertLessThan(stop, 50)
        let best = history.epochs.compactMap(\.validationLoss).min()!
        let validation = data.x.slicing(batch: 150..<200)
        let restored = try model.evaluate(x: validation, y: data.y.slicing(batch: 150..<200), loss: .meanSquaredError)
        XCTAssertEqual(restored, best, accuracy: 1e-5 * max(1, best), "the best epoch's weights are back")
    }

    func testEpochLossIsTheSampleWeightedMeanOfBatchLosses() throws {
        // One weight, no bias, identity: loss for w is mean((w x − y)²); with lr 0 nothing changes.
        let model = try Sequential(inputShape: [1], [Dense(1, useBias: false)], seed: 0)
        try model.setWeights([Tensor(shape: [1, 1], scalars: [2])])
        let x = try Tensor(shape: [3, 1], scalars: [1, 2, 3])
        let y = try Tensor(shape: [3, 1], scalars: [0, 0, 0])
        let history = try model.fit(x: x, y: y, loss: .meanSquaredError, optimizer: SGD(learningRate: 0),
                                    options: TrainingOptions(epochs: 1, batchSize: 2, shuffle: false))
        XCTAssertEqual(history.epochs[0].loss, (4 + 16 + 36) / 3, accuracy: 1e-5)
        XCTAssertEqual(history.epochs[0].progressLine(epochs: 1), "epoch 1/1 [====================] loss 18.6667")
    }

    func testBadDefinitionsAreClearErrors() throws {
        XCTAssertThrowsError(try Sequential(inputShape: [4], [Conv2D(filters: 1, kernelSize: (3, 3))])) { error in
            XCTAssertTrue("\(error)".contains("rank 3"), "\(error)")
        }
        XCTAssertThrowsError(try Sequential(inputShape: [2, 2, 1], [MaxPool2D(poolSize: (3, 3))]))
        XCTAssertThrowsError(try Sequential(inputShape: [6], [Reshape([4])]))
        let shared = Dense(2)
        let x = Input(shape: [2])
        XCTAssertThrowsError(try Model(input: x, output: shared(shared(x))))
        let model = try sineModel(seed: 0)
        XCTAssertThrowsError(try model.predict(Tensor(zeros: [3, 2])))
        XCTAssertThrowsError(try model.fit(x: Tensor(zeros: [3, 1]), y: Tensor(zeros: [2, 1]),
                                           loss: .meanSquaredError, optimizer: Adam()))
    }

    func testConvolutionalClassifierLearnsTheLinesDataSet() throws {
        let data = Datasets.lines(samples: 150)
        let model = try Sequential(inputShape: [8, 8, 1], [
            Conv2D(filters: 4, kernelSize: (3, 3), padding: .same, activation: .relu),
            BatchNormalization(), MaxPool2D(), Flatten(), Dropout(rate: 0.1), Dense(3, activation: .softmax),
        ], seed: 4)
        let history = try model.fit(x: data.x, y: data.y, loss: .sparseCategoricalCrossentropy,
                                    optimizer: Adam(learningRate: 0.01),
                                    options: TrainingOptions(epochs: 20, batchSize: 30, seed: 1))
        XCTAssertLessThan(history.epochs.last!.loss, history.epochs.first!.loss * 0.5)
        let test = Datasets.lines(samples: 90, seed: 99)
        let probabilities = try model.predict(test.x)
        var correct = 0
        for s in 0..<90 {
            let row = probabilities.scalars[s * 3..<s * 3 + 3]
            if Float(row.firstIndex(of: row.max()!)! - s * 3) == test.y.scalars[s] { correct += 1 }
        }
        XCTAssertGreaterThan(correct, 60, "accuracy on fresh samples (chance: 30 of 90)")
    }
}
