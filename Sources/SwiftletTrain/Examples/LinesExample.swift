/// A small image classifier for `Datasets.lines` (8×8×1 images of horizontal,
/// vertical and diagonal lines): Conv2D(4, 3×3, same) → BatchNormalization →
/// ReLU → MaxPool2D → Flatten → Dense(3, softmax), Adam(0.01), sparse
/// categorical cross-entropy, 20 epochs of batches of 32, 20% for validation.
public enum LinesExample {
    /// The untrained model; `seed` fixes its initial weights.
    public static func makeModel(seed: UInt64 = 1) throws -> Sequential {
        try Sequential(inputShape: [8, 8, 1], [
            Conv2D(filters: 4, kernelSize: (3, 3), padding: .same),
            BatchNormalization(), ReLU(), MaxPool2D(), Flatten(),
            Dense(3, activation: .softmax),
        ], seed: seed, inputName: "image")
    }

    /// 20 epochs, batch 32, 20% held out, shuffled with `seed`.
    public static func trainingOptions(seed: UInt64 = 1) -> TrainingOptions {
        TrainingOptions(epochs: 20, batchSize: 32, shuffle: true, seed: seed, validationSplit: 0.2)
    }

    /// 600 generated images.
    public static func data(seed: UInt64 = 7) -> Datasets.Split {
        Datasets.lines(samples: 600, seed: seed)
    }
}
