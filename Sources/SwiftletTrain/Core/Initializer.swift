/// Weight initializers, as Keras defines them.
public enum Initializer: Sendable, Equatable {
    /// Keras's default kernel initializer: uniform on ±sqrt(6 / (fanIn + fanOut)).
    case glorotUniform
    /// All zeros (Keras's default bias initializer).
    case zeros
    /// All ones (BatchNormalization's gamma and moving variance).
    case ones

    /// A tensor of `shape` drawn from this initializer.
    ///
    /// Fans follow Keras: for a 2-D kernel `[in, out]` they are the two
    /// dimensions; for a convolution kernel `[..., in, out]` each is multiplied
    /// by the receptive field (the product of the leading dimensions).
    public func tensor(shape: [Int], generator: inout SeededGenerator) -> Tensor {
        switch self {
        case .zeros:
            return Tensor(zeros: shape)
        case .ones:
            return Tensor(repeating: 1, shape: shape)
        case .glorotUniform:
            let (fanIn, fanOut) = Initializer.fans(shape)
            let limit = (6 / Float(max(fanIn + fanOut, 1))).squareRoot()
            var values = [Float](repeating: 0, count: shape.reduce(1, *))
            for i in values.indices {
                values[i] = generator.nextFloat(in: -limit..<limit)
            }
            return Tensor(unchecked: shape, scalars: values)
        }
    }

    /// Keras's fan-in and fan-out of a weight shape.
    static func fans(_ shape: [Int]) -> (Int, Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        case 2: return (shape[0], shape[1])
        default:
            let receptiveField = shape.dropLast(2).reduce(1, *)
            return (shape[shape.count - 2] * receptiveField, shape[shape.count - 1] * receptiveField)
        }
    }
}
