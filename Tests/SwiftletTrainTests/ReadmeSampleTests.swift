import SwiftletConvert
import SwiftletFormat
import SwiftletTools
import XCTest
import SwiftletTrain

/// The README's "Train a model in Swift" sample, verbatim between the markers, so it stays true.
final class ReadmeSampleTests: XCTestCase {
    func testReadmeSampleDefinesTrainsExportsAndQuantizes() throws {
        // README sample begins
        // 1. Define: the TFLM hello-world sine model (Keras's layers, initializers and defaults).
        let model = try Sequential(inputShape: [1], [
            Dense(16, activation: .relu),
            Dense(16, activation: .relu),
            Dense(1),
        ], seed: 3)

        // 2. Train on generated data: 1,000 noisy samples of sin(x), the last 20% held out.
        let data = Datasets.sine(samples: 1000)
        let history = try model.fit(
            x: data.x, y: data.y, loss: .meanSquaredError, optimizer: Adam(),
            options: TrainingOptions(epochs: 500, batchSize: 64, validationSplit: 0.2,
                                     earlyStopping: EarlyStopping(patience: 50, restoresBestWeights: true)),
            onEpoch: { epoch in if epoch.epoch % 100 == 0 { print(epoch.progressLine(epochs: 500)) } })

        // 3. Export a float32 .tflite through the converter's graph writer.
        let floatModel: [UInt8] = try model.exportTFLite()

        // 4. Quantize to int8 (int8 input and output), calibrated on the training inputs.
        let calibration = CalibrationData(samples: data.x.scalars.map { [[$0]] })
        let int8Model: [UInt8] = try Quantizer.quantize(model: floatModel, calibration: calibration,
                                                        options: QuantizationOptions(mode: .int8)).bytes
        // README sample ends

        XCTAssertLessThan(try XCTUnwrap(history.epochs.last?.validationLoss), 0.03)
        let file = try ModelFile(bytes: int8Model)
        let report = withExtendedLifetime(file) { ModelReport(model: file.model) }
        XCTAssertEqual(report.operatorCounts, ["FULLY_CONNECTED": 3])
        XCTAssertEqual(report.subgraphs[0].tensors[report.subgraphs[0].inputs[0]].type, "INT8")
        XCTAssertNotNil(report.arena)
        XCTAssertGreaterThan(floatModel.count, 1000)
    }
}
