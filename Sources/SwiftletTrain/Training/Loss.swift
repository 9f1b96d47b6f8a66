import Foundation

/// A training loss, averaged over the batch as Keras does.
public enum Loss: Sendable, Equatable {
    /// Mean of (prediction − target)² over every element.
    case meanSquaredError
    /// Mean of |prediction − target| over every element.
    case meanAbsoluteError
    /// −log(probability of the true class), averaged over samples. Predictions are
    /// probabilities over the last dimension (after a softmax), clipped to
    /// [1e-7, 1 − 1e-7] like Keras; targets are class indices stored as floats,
    /// shaped `[batch]` or `[batch, 1]` (or one index per prediction row).
    case sparseCategoricalCrossentropy

    /// Keras's epsilon for clipping probabilities.
    static let epsilon: Float = 1e-7

    /// The loss of a batch and its gradient with respect to the predictions.
    public func evaluate(predictions: Tensor, targets: Tensor) throws -> (loss: Float, gradient: Tensor) {
        var gradient = [Float](repeating: 0, count: predictions.count)
        var total: Double = 0
        switch self {
        case .meanSquaredError, .meanAbsoluteError:
            guard targets.count == predictions.count else {
                throw TrainError.shapeMismatch(
                    "\(self) needs one target per prediction: predictions \(predictions.shape), targets \(targets.shape)")
            }
            let scale = 1 / Float(max(predictions.count, 1))
            predictions.scalars.withUnsafeBufferPointer { p in
                targets.scalars.withUnsafeBufferPointer { t in
                    for i in 0..<p.count {
                        let difference = p[i] - t[i]
                        if self == .meanSquaredError {
                            total += Double(difference * difference)
                            gradient[i] = 2 * difference * scale
                        } else {
                            total += Double(abs(difference))
                            gradient[i] = (difference > 0 ? 1 : difference < 0 ? -1 : 0) * scale
                        }
                    }
                }
            }
            return (Float(total / Double(max(predictions.count, 1))), Tensor(unchecked: predictions.shape, scalars: gradient))
        case .sparseCategoricalCrossentropy:
            let classes = predictions.shape.last ?? 1
            let rows = predictions.count / max(classes, 1)
            guard targets.count == rows else {
                throw TrainError.shapeMismatch(
                    "sparse categorical cross-entropy needs one class index per row: predictions \(predictions.shape), targets \(targets.shape)")
            }
            for r in 0..<rows {
                let label = Int(targets.scalars[r])
                guard label >= 0, label < classes, Float(label) == targets.scalars[r] else {
                    throw TrainError.invalidArgument("class index \(targets.scalars[r]) is not an integer in 0..<\(classes)")
                }
                let probability = predictions.scalars[r * classes + label]
                let clipped = min(max(probability, Loss.epsilon), 1 - Loss.epsilon)
                total -= Double(Foundation.log(clipped))
                if clipped == probability {
                    gradient[r * classes + label] = -1 / (clipped * Float(rows))
                }
            }
            return (Float(total / Double(max(rows, 1))), Tensor(unchecked: predictions.shape, scalars: gradient))
        }
    }
}
