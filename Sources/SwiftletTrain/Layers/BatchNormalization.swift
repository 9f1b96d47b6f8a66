/// Normalizes the last dimension (the channels): in training with the batch's
/// mean and (biased) variance, updating the moving statistics as
/// `moving = moving · momentum + batch · (1 − momentum)`; at inference with the
/// moving statistics. `gamma · x̂ + beta`, Keras's defaults (momentum 0.99,
/// epsilon 1e-3). Exported as MUL and ADD by per-channel constants.
public final class BatchNormalization: Layer {
    public var name: String
    public let kindName = "batch_normalization"
    public let momentum: Float
    public let epsilon: Float
    public private(set) var gamma: Parameter!
    public private(set) var beta: Parameter!
    public private(set) var movingMean: Parameter!
    public private(set) var movingVariance: Parameter!
    private var channels = 0
    /// x̂ of the latest training batch.
    private var normalized: [Float] = []
    private var lastInput: [Float] = []
    private var inverseDeviation: [Float] = []
    private var inputShape: [Int] = []
    private var trainedLast = false

    public init(momentum: Float = 0.99, epsilon: Float = 1e-3, name: String = "") {
        self.momentum = momentum
        self.epsilon = epsilon
        self.name = name
    }

    public var parameters: [Parameter] { [gamma, beta, movingMean, movingVariance].compactMap { $0 } }

    public func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [Int] {
        let shape = try singleInput(inputShapes)
        guard let last = shape.last, last > 0 else {
            throw TrainError.shapeMismatch("batch_normalization '\(name)' needs a channel dimension, got \(shape)")
        }
        channels = last
        gamma = Parameter(name: "\(name)/gamma", value: Tensor(repeating: 1, shape: [last]))
        beta = Parameter(name: "\(name)/beta", value: Tensor(zeros: [last]))
        movingMean = Parameter(name: "\(name)/moving_mean", value: Tensor(zeros: [last]), isTrainable: false)
        movingVariance = Parameter(name: "\(name)/moving_variance", value: Tensor(repeating: 1, shape: [last]),
                                   isTrainable: false)
        return shape
    }

    /// Per-channel (scale, shift) that inference applies: `x · scale + shift`.
    public func inferenceScaleAndShift() -> (scale: [Float], shift: [Float]) {
        var scale = [Float](repeating: 0, count: channels)
        var shift = [Float](repeating: 0, count: channels)
        for c in 0..<channels {
            scale[c] = gamma.value.scalars[c] / (movingVariance.value.scalars[c] + epsilon).squareRoot()
            shift[c] = beta.value.scalars[c] - movingMean.value.scalars[c] * scale[c]
        }
        return (scale, shift)
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        var output = inputs[0]
        inputShape = output.shape
        trainedLast = training
        let rows = output.count / channels
        if !training {
            lastInput = output.scalars
            let (scale, shift) = inferenceScaleAndShift()
            for r in 0..<rows {
                for c in 0..<channels { output.scalars[r * channels + c] = output.scalars[r * channels + c] * scale[c] + shift[c] }
            }
            return output
        }
        var mean = [Float](repeating: 0, count: channels)
        var variance = [Float](repeating: 0, count: channels)
        for r in 0..<rows { for c in 0..<channels { mean[c] += output.scalars[r * channels + c] } }
        for c in 0..<channels { mean[c] /= Float(rows) }
        for r in 0..<rows {
            for c in 0..<channels {
                let d = output.scalars[r * channels + c] - mean[c]
                variance[c] += d * d
            }
        }
        for c in 0..<channels { variance[c] /= Float(rows) }
        inverseDeviation = variance.map { 1 / ($0 + epsilon).squareRoot() }
        normalized = output.scalars
        for r in 0..<rows {
            for c in 0..<channels {
                let i = r * channels + c
                normalized[i] = (output.scalars[i] - mean[c]) * inverseDeviation[c]
                output.scalars[i] = normalized[i] * gamma.value.scalars[c] + beta.value.scalars[c]
            }
        }
        for c in 0..<channels {
            movingMean.value.scalars[c] = movingMean.value.scalars[c] * momentum + mean[c] * (1 - momentum)
            movingVariance.value.scalars[c] = movingVariance.value.scalars[c] * momentum + variance[c] * (1 - momentum)
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> [Tensor] {
        let rows = outputGradient.count / channels
        let dy = outputGradient.scalars
        var inputGradient = [Float](repeating: 0, count: dy.count)
        if !trainedLast {
            // y = gamma · (x − mean) / deviation + beta with the moving statistics as constants.
            let (scale, _) = inferenceScaleAndShift()
            for i in 0..<dy.count {
                let c = i % channels
                let deviation = (movingVariance.value.scalars[c] + epsilon).squareRoot()
                inputGradient[i] = dy[i] * scale[c]
                beta.gradient.scalars[c] += dy[i]
                gamma.gradient.scalars[c] += dy[i] * (lastInput[i] - movingMean.value.scalars[c]) / deviation
            }
            return [Tensor(unchecked: inputShape, scalars: inputGradient)]
        }
        var sumGradient = [Float](repeating: 0, count: channels)
        var sumGradientNormalized = [Float](repeating: 0, count: channels)
        for r in 0..<rows {
            for c in 0..<channels {
                let i = r * channels + c
                sumGradient[c] += dy[i]
                sumGradientNormalized[c] += dy[i] * normalized[i]
            }
        }
        for c in 0..<channels {
            beta.gradient.scalars[c] += sumGradient[c]
            gamma.gradient.scalars[c] += sumGradientNormalized[c]
        }
        let n = Float(rows)
        for r in 0..<rows {
            for c in 0..<channels {
                let i = r * channels + c
                let g = gamma.value.scalars[c]
                inputGradient[i] = g * inverseDeviation[c] / n
                    * (n * dy[i] - sumGradient[c] - normalized[i] * sumGradientNormalized[c])
            }
        }
        return [Tensor(unchecked: inputShape, scalars: inputGradient)]
    }
}
