import Foundation

/// An element-wise (or, for softmax, per-row) activation. Layers that can fuse
/// one (Dense, convolutions) take it as an argument; the activation layers
/// (`ReLU`, `Sigmoid`, …) apply one on their own.
public enum ActivationFunction: Sendable, Equatable {
    case linear
    case relu
    case relu6
    /// `x` for positive `x`, `alpha * x` otherwise (Keras's LeakyReLU layer default alpha is 0.3).
    case leakyReLU(alpha: Float)
    case sigmoid
    case tanh
    /// Softmax over the last dimension.
    case softmax

    /// Applies the activation in place to `values`, rows of `rowLength` (the last dimension).
    func apply(_ values: inout [Float], rowLength: Int) {
        values.withUnsafeMutableBufferPointer { buffer in
            let count = buffer.count
            switch self {
            case .linear:
                return
            case .relu:
                for i in 0..<count { buffer[i] = max(buffer[i], 0) }
            case .relu6:
                for i in 0..<count { buffer[i] = min(max(buffer[i], 0), 6) }
            case .leakyReLU(let alpha):
                for i in 0..<count where buffer[i] < 0 { buffer[i] *= alpha }
            case .sigmoid:
                for i in 0..<count { buffer[i] = 1 / (1 + Foundation.exp(-buffer[i])) }
            case .tanh:
                for i in 0..<count { buffer[i] = Foundation.tanh(buffer[i]) }
            case .softmax:
                guard rowLength > 0 else { return }
                var start = 0
                while start < count {
                    let row = UnsafeMutableBufferPointer(rebasing: buffer[start..<start + rowLength])
                    var largest = -Float.infinity
                    for value in row { largest = max(largest, value) }
                    var sum: Float = 0
                    for i in 0..<rowLength {
                        row[i] = Foundation.exp(row[i] - largest)
                        sum += row[i]
                    }
                    let scale = 1 / sum
                    for i in 0..<rowLength { row[i] *= scale }
                    start += rowLength
                }
            }
        }
    }

    /// Turns the gradient with respect to the activation's output into the
    /// gradient with respect to its input, in place, from the output `output`.
    func backward(_ gradient: inout [Float], output: [Float], rowLength: Int) {
        if case .linear = self { return }
        gradient.withUnsafeMutableBufferPointer { g in
            output.withUnsafeBufferPointer { y in
                let count = g.count
                switch self {
                case .linear:
                    return
                case .relu:
                    for i in 0..<count where y[i] <= 0 { g[i] = 0 }
                case .relu6:
                    for i in 0..<count where y[i] <= 0 || y[i] >= 6 { g[i] = 0 }
                case .leakyReLU(let alpha):
                    for i in 0..<count where y[i] <= 0 { g[i] *= alpha }
                case .sigmoid:
                    for i in 0..<count { g[i] *= y[i] * (1 - y[i]) }
                case .tanh:
                    for i in 0..<count { g[i] *= 1 - y[i] * y[i] }
                case .softmax:
                    guard rowLength > 0 else { return }
                    var start = 0
                    while start < count {
                        var dot: Float = 0
                        for i in start..<start + rowLength { dot += g[i] * y[i] }
                        for i in start..<start + rowLength { g[i] = y[i] * (g[i] - dot) }
                        start += rowLength
                    }
                }
            }
        }
    }
}
