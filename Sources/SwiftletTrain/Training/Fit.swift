import Foundation

extension Model {
    /// Trains on `x` (`[samples] + inputShape`) and `y` (`[samples] + …`, as the
    /// loss needs) with mini-batches, as Keras's `fit` does: optional
    /// validation split taken from the end, a seeded shuffle each epoch, one
    /// optimizer step per batch, early stopping, and `onEpoch` after each epoch.
    @discardableResult
    public func fit(x: Tensor, y: Tensor, loss: Loss, optimizer: any Optimizer,
                    options: TrainingOptions = TrainingOptions(),
                    onEpoch: ((EpochLog) -> Void)? = nil) throws -> History {
        try checkInput(x)
        guard y.batchSize == x.batchSize, !y.shape.isEmpty else {
            throw TrainError.shapeMismatch("x has \(x.batchSize) samples but y has shape \(y.shape)")
        }
        guard options.epochs >= 0, options.batchSize > 0 else {
            throw TrainError.invalidArgument("epochs must be ≥ 0 and batch size > 0")
        }
        guard options.validationSplit >= 0, options.validationSplit < 1 else {
            throw TrainError.invalidArgument("validation split must be in [0, 1), got \(options.validationSplit)")
        }
        let total = x.batchSize
        let trainingCount = Int(Float(total) * (1 - options.validationSplit))
        guard trainingCount > 0 else {
            throw TrainError.invalidArgument("no training samples left after a validation split of \(options.validationSplit)")
        }
        let trainX = trainingCount == total ? x : x.slicing(batch: 0..<trainingCount)
        let trainY = trainingCount == total ? y : y.slicing(batch: 0..<trainingCount)
        let validation = trainingCount < total
            ? (x.slicing(batch: trainingCount..<total), y.slicing(batch: trainingCount..<total)) : nil
        if let stopping = options.earlyStopping, stopping.monitor == .validationLoss, validation == nil {
            throw TrainError.invalidArgument("early stopping on the validation loss needs a validation split > 0")
        }

        var generator = SeededGenerator(seed: options.seed)
        var history = History()
        var best = Float.infinity
        var bestWeights: [Tensor]?
        var epochsWithoutImprovement = 0
        let parameters = self.parameters
        for epoch in 1...max(options.epochs, 1) where options.epochs > 0 {
            let order = options.shuffle ? generator.permutation(of: trainingCount) : Array(0..<trainingCount)
            var lossSum: Double = 0
            var start = 0
            while start < trainingCount {
                let end = min(start + options.batchSize, trainingCount)
                let indices = order[start..<end]
                let batchX = trainX.gathering(batchIndices: indices)
                let batchY = trainY.gathering(batchIndices: indices)
                for parameter in parameters { parameter.zeroGradient() }
                let prediction = forward(batchX, training: true)
                let (batchLoss, gradient) = try loss.evaluate(predictions: prediction, targets: batchY)
                backward(gradient)
                optimizer.update(parameters)
                lossSum += Double(batchLoss) * Double(end - start)
                start = end
            }
            var log = EpochLog(epoch: epoch, loss: Float(lossSum / Double(trainingCount)))
            if let (validationX, validationY) = validation {
                log.validationLoss = try loss.evaluate(predictions: predict(validationX), targets: validationY).loss
            }
            history.epochs.append(log)
            if options.printsProgress {
                FileHandle.standardError.write(Data((log.progressLine(epochs: options.epochs) + "\n").utf8))
            }
            onEpoch?(log)
            guard let stopping = options.earlyStopping else { continue }
            let monitored = stopping.monitor == .loss ? log.loss : log.validationLoss!
            if monitored < best - stopping.minDelta {
                best = monitored
                epochsWithoutImprovement = 0
                if stopping.restoresBestWeights { bestWeights = weights() }
            } else {
                epochsWithoutImprovement += 1
                if epochsWithoutImprovement >= stopping.patience {
                    history.stoppedEarlyAt = epoch
                    if let bestWeights { try setWeights(bestWeights) }
                    break
                }
            }
        }
        return history
    }

    /// The loss on `x` and `y` in inference mode.
    public func evaluate(x: Tensor, y: Tensor, loss: Loss) throws -> Float {
        try loss.evaluate(predictions: predict(x), targets: y).loss
    }
}
