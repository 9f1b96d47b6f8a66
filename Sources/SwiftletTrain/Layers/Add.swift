/// The element-wise sum of two or more inputs of the same shape (functional form).
public final class Add: Layer {
    public var name: String
    public let kindName = "add"
    private var inputCount = 0

    public init(name: String = "") { self.name = name }

    public func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [Int] {
        guard inputShapes.count >= 2, inputShapes.allSatisfy({ $0 == inputShapes[0] }) else {
            throw TrainError.shapeMismatch("add '\(name)' needs two or more inputs of one shape, got \(inputShapes)")
        }
        inputCount = inputShapes.count
        return inputShapes[0]
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        var output = inputs[0]
        for input in inputs.dropFirst() {
            for i in output.scalars.indices { output.scalars[i] += input.scalars[i] }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> [Tensor] {
        Array(repeating: outputGradient, count: inputCount)
    }
}
