/// The seed's sine model, as TFLM's hello-world `train.py` builds and trains it:
/// Dense(16, relu) → Dense(16, relu) → Dense(1), Adam with Keras's defaults,
/// mean squared error, 500 epochs, batches of 64, shuffled, on 600 of 1,000
/// noisy samples of sin(x) (200 for validation, 200 for testing).
public enum SineExample {
    /// The untrained model; `seed` fixes its initial weights.
    public static func makeModel(seed: UInt64 = 1) throws -> Sequential {
        try Sequential(inputShape: [1], [
            Dense(16, activation: .relu),
            Dense(16, activation: .relu),
            Dense(1),
        ], seed: seed, inputName: "x")
    }

    /// 500 epochs, batch 64, shuffled with `seed`.
    public static func trainingOptions(seed: UInt64 = 1) -> TrainingOptions {
        TrainingOptions(epochs: 500, batchSize: 64, shuffle: true, seed: seed)
    }

    /// The data, split 600 / 200 / 200 like the hello-world notebook.
    public struct Data: Sendable {
        public var train: Datasets.Split
        public var validation: Datasets.Split
        public var test: Datasets.Split
    }

    /// 1,000 generated samples (`Datasets.sine`) split 60/20/20.
    public static func data(seed: UInt64 = 1337) -> Data {
        let all = Datasets.sine(samples: 1000, noise: 0.1, seed: seed)
        func split(_ range: Range<Int>) -> Datasets.Split {
            Datasets.Split(x: all.x.slicing(batch: range), y: all.y.slicing(batch: range))
        }
        return Data(train: split(0..<600), validation: split(600..<800), test: split(800..<1000))
    }
}
