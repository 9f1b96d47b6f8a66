import ArgumentParser
import Foundation
import SwiftletTools
import SwiftletTrain

/// `swiftlet train --example NAME`: trains a built-in example model in Swift and writes its float `.tflite`.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a built-in example model in Swift and write it as a float32 .tflite.",
        discussion: """
            sine: the TFLM hello-world model (Dense 16 relu → Dense 16 relu → Dense 1, Adam, MSE, 500 epochs, \
            batch 64) on 600 generated noisy samples of sin(x), 200 for validation. lines: a small CNN \
            (Conv2D 4 3×3 → BatchNormalization → ReLU → MaxPool2D → Dense 3 softmax, Adam 0.01, sparse categorical \
            cross-entropy, 20 epochs) on 600 generated 8×8 images of horizontal, vertical and diagonal lines, \
            20% for validation. Prints one progress line per epoch (every 50 for sine) and the validation loss.
            """
    )

    enum Example: String, ExpressibleByArgument, CaseIterable {
        case sine, lines
    }

    @Option(help: "The example to train: \(Example.allCases.map(\.rawValue).joined(separator: ", ")).")
    var example: Example

    @Option(help: "Epochs (default: the example's own, 500 for sine, 20 for lines).")
    var epochs: Int?

    @Option(help: "Seed of the initial weights and the shuffling order.")
    var seed: UInt64 = 3

    @Option(name: .shortAndLong, help: "Where to write the float32 model (default: EXAMPLE_float.tflite).")
    var output: String?

    func run() throws {
        let model: Sequential
        var options: TrainingOptions
        let x: Tensor, y: Tensor, loss: Loss
        let optimizer: any Optimizer
        var linesPerEpoch = 1
        switch example {
        case .sine:
            model = try SineExample.makeModel(seed: seed)
            options = SineExample.trainingOptions(seed: seed)
            let data = SineExample.data()
            // The 600 training samples then the 200 validation samples: the split takes the last 25%.
            x = try Tensor(shape: [800, 1], scalars: data.train.x.scalars + data.validation.x.scalars)
            y = try Tensor(shape: [800, 1], scalars: data.train.y.scalars + data.validation.y.scalars)
            options.validationSplit = 0.25
            loss = .meanSquaredError
            optimizer = Adam()
            linesPerEpoch = 50
        case .lines:
            model = try LinesExample.makeModel(seed: seed)
            options = LinesExample.trainingOptions(seed: seed)
            let data = LinesExample.data()
            (x, y) = (data.x, data.y)
            loss = .sparseCategoricalCrossentropy
            optimizer = Adam(learningRate: 0.01)
        }
        if let epochs {
            guard epochs > 0 else { throw ValidationError("--epochs must be positive") }
            options.epochs = epochs
        }
        let total = options.epochs
        let start = Date()
        let history = try model.fit(x: x, y: y, loss: loss, optimizer: optimizer, options: options) { epoch in
            if epoch.epoch == 1 || epoch.epoch % linesPerEpoch == 0 || epoch.epoch == total {
                print(epoch.progressLine(epochs: total))
            }
        }
        let seconds = Date().timeIntervalSince(start)
        let path = output ?? "\(example.rawValue)_float.tflite"
        let bytes = try model.exportTFLite()
        try AtomicFileWriter.write(bytes, to: path)
        let validation = history.epochs.last?.validationLoss.map { "\($0)" } ?? "-"
        print("trained \(history.epochs.count) epochs in \(String(format: "%.2f", seconds)) s; validation loss \(validation)")
        print("wrote \(path) (\(bytes.count) bytes)")
    }
}
