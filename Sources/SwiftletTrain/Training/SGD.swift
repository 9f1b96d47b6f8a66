/// Stochastic gradient descent with optional momentum, Keras's rule:
/// `velocity = momentum · velocity − learningRate · gradient`, then
/// `value += velocity` (Nesterov: `value += momentum · velocity − learningRate · gradient`).
/// Keras's defaults: learning rate 0.01, momentum 0.
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    private var velocities: [ObjectIdentifier: [Float]] = [:]

    public init(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
    }

    public func update(_ parameters: [Parameter]) {
        for parameter in parameters where parameter.isTrainable {
            let count = parameter.value.count
            if momentum == 0 {
                for i in 0..<count { parameter.value.scalars[i] -= learningRate * parameter.gradient.scalars[i] }
                continue
            }
            let id = ObjectIdentifier(parameter)
            var velocity = velocities[id] ?? [Float](repeating: 0, count: count)
            velocities[id] = nil
            for i in 0..<count {
                let g = parameter.gradient.scalars[i]
                velocity[i] = momentum * velocity[i] - learningRate * g
                parameter.value.scalars[i] += nesterov ? momentum * velocity[i] - learningRate * g : velocity[i]
            }
            velocities[id] = velocity
        }
    }
}
