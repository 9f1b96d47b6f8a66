/// Joins inputs along the last dimension (functional form); the other dimensions must agree.
public final class Concatenate: Layer {
    public var name: String
    public let kindName = "concatenate"
    private var widths: [Int] = []
    private var inputShapes: [[Int]] = []

    public init(name: String = "") { self.name = name }

    public func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [Int] {
        guard inputShapes.count >= 2, let first = inputShapes.first, !first.isEmpty,
              inputShapes.allSatisfy({ $0.count == first.count && $0.dropLast() == first.dropLast() })
        else {
            throw TrainError.shapeMismatch(
                "concatenate '\(name)' needs two or more inputs equal in all but the last dimension, got \(inputShapes)")
        }
        widths = inputShapes.map { $0.last! }
        return Array(first.dropLast()) + [widths.reduce(0, +)]
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let total = widths.reduce(0, +)
        let rows = inputs[0].count / widths[0]
        inputShapes = inputs.map(\.shape)
        var output = [Float](repeating: 0, count: rows * total)
        var offset = 0
        for (input, width) in zip(inputs, widths) {
            for r in 0..<rows {
                for k in 0..<width { output[r * total + offset + k] = input.scalars[r * width + k] }
            }
            offset += width
        }
        return Tensor(unchecked: Array(inputs[0].shape.dropLast()) + [total], scalars: output)
    }

    public func backward(_ outputGradient: Tensor) -> [Tensor] {
        let total = widths.reduce(0, +)
        let rows = outputGradient.count / total
        var offset = 0
        var gradients: [Tensor] = []
        for (shape, width) in zip(inputShapes, widths) {
            var gradient = [Float](repeating: 0, count: rows * width)
            for r in 0..<rows {
                for k in 0..<width { gradient[r * width + k] = outputGradient.scalars[r * total + offset + k] }
            }
            gradients.append(Tensor(unchecked: shape, scalars: gradient))
            offset += width
        }
        return gradients
    }
}
