import Foundation

/// Adam, Keras's update rule and defaults (learning rate 0.001, beta1 0.9,
/// beta2 0.999, epsilon 1e-7): at step t,
/// `m += (g − m)(1 − beta1)`, `v += (g² − v)(1 − beta2)`,
/// `value −= learningRate · sqrt(1 − beta2^t) / (1 − beta1^t) · m / (sqrt(v) + epsilon)`.
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    /// Steps taken so far.
    public private(set) var iterations = 0
    private var moments: [ObjectIdentifier: (m: [Float], v: [Float])] = [:]

    public init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public func update(_ parameters: [Parameter]) {
        iterations += 1
        let step = Float(iterations)
        let alpha = learningRate * (1 - pow(beta2, step)).squareRoot() / (1 - pow(beta1, step))
        let (beta1, beta2, epsilon) = (self.beta1, self.beta2, self.epsilon)
        for parameter in parameters where parameter.isTrainable {
            let id = ObjectIdentifier(parameter)
            let count = parameter.value.count
            var (m, v) = moments[id] ?? ([Float](repeating: 0, count: count), [Float](repeating: 0, count: count))
            moments[id] = nil
            m.withUnsafeMutableBufferPointer { m in
                v.withUnsafeMutableBufferPointer { v in
                    parameter.gradient.scalars.withUnsafeBufferPointer { g in
                        parameter.value.scalars.withUnsafeMutableBufferPointer { w in
                            for i in 0..<count {
                                m[i] += (g[i] - m[i]) * (1 - beta1)
                                v[i] += (g[i] * g[i] - v[i]) * (1 - beta2)
                                w[i] -= alpha * m[i] / (v[i].squareRoot() + epsilon)
                            }
                        }
                    }
                }
            }
            moments[id] = (m, v)
        }
    }

    private func pow(_ base: Float, _ exponent: Float) -> Float {
        Float(Foundation.pow(Double(base), Double(exponent)))
    }
}
