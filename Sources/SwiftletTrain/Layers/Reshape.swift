/// Gives each sample a new shape with the same number of elements.
public final class Reshape: Layer {
    public var name: String
    public let kindName = "reshape"
    /// The per-sample output shape.
    public let targetShape: [Int]
    private var inputShape: [Int] = []

    public init(_ targetShape: [Int], name: String = "") {
        self.targetShape = targetShape
        self.name = name
    }

    public func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [Int] {
        let shape = try singleInput(inputShapes)
        guard targetShape.allSatisfy({ $0 > 0 }), targetShape.reduce(1, *) == shape.reduce(1, *) else {
            throw TrainError.shapeMismatch("reshape '\(name)': cannot reshape \(shape) to \(targetShape)")
        }
        return targetShape
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        inputShape = inputs[0].shape
        return Tensor(unchecked: [inputs[0].batchSize] + targetShape, scalars: inputs[0].scalars)
    }

    public func backward(_ outputGradient: Tensor) -> [Tensor] {
        [Tensor(unchecked: inputShape, scalars: outputGradient.scalars)]
    }
}
