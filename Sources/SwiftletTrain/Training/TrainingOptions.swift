import Foundation

/// How `Model.fit` trains (Keras's `fit` arguments).
public struct TrainingOptions: Sendable {
    /// Passes over the training data.
    public var epochs: Int
    /// Samples per gradient step; the last batch of an epoch may be smaller.
    public var batchSize: Int
    /// Whether to visit the training samples in a new order each epoch.
    public var shuffle: Bool
    /// Seed of the shuffling order (the weights' seed is the model's).
    public var seed: UInt64
    /// Fraction of the samples, taken from the end before any shuffling as
    /// Keras does, held out to compute `validationLoss`. 0 for none.
    public var validationSplit: Float
    /// Stop when the monitored loss stops improving; nil trains every epoch.
    public var earlyStopping: EarlyStopping?
    /// Print one progress line per epoch to standard error.
    public var printsProgress: Bool

    public init(epochs: Int = 1, batchSize: Int = 32, shuffle: Bool = true, seed: UInt64 = 0,
                validationSplit: Float = 0, earlyStopping: EarlyStopping? = nil, printsProgress: Bool = false) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.validationSplit = validationSplit
        self.earlyStopping = earlyStopping
        self.printsProgress = printsProgress
    }
}

/// Keras's `EarlyStopping`: stop after `patience` epochs in which the monitored
/// loss did not fall below the best so far by more than `minDelta`.
public struct EarlyStopping: Sendable {
    /// Which loss to watch.
    public enum Monitor: Sendable { case loss, validationLoss }
    public var monitor: Monitor
    public var patience: Int
    public var minDelta: Float
    /// Put back the weights of the best epoch when training stops.
    public var restoresBestWeights: Bool

    public init(monitor: Monitor = .validationLoss, patience: Int = 0, minDelta: Float = 0,
                restoresBestWeights: Bool = false) {
        self.monitor = monitor
        self.patience = patience
        self.minDelta = minDelta
        self.restoresBestWeights = restoresBestWeights
    }
}

/// What one epoch reached.
public struct EpochLog: Sendable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean training loss over the epoch's samples (weights changing during the epoch, as Keras reports it).
    public var loss: Float
    /// Loss on the held-out samples after the epoch, when there are any.
    public var validationLoss: Float?

    /// `epoch  12/500 [=====     ] loss 0.0123 val_loss 0.0131`.
    public func progressLine(epochs: Int, barWidth: Int = 20) -> String {
        let filled = epochs > 0 ? barWidth * epoch / epochs : barWidth
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: barWidth - filled)
        let width = String(epochs).count
        let number = String(repeating: " ", count: max(width - String(epoch).count, 0)) + String(epoch)
        var line = "epoch \(number)/\(epochs) [\(bar)] loss \(formatLoss(loss))"
        if let validationLoss { line += " val_loss \(formatLoss(validationLoss))" }
        return line
    }
}

/// A loss with six significant digits, for progress lines.
func formatLoss(_ value: Float) -> String {
    String(format: "%.6g", Double(value))
}

/// The per-epoch record of a `fit`.
public struct History: Sendable {
    /// One entry per epoch run.
    public var epochs: [EpochLog] = []
    /// The epoch (1-based) at which early stopping ended training, if it did.
    public var stoppedEarlyAt: Int?
}
