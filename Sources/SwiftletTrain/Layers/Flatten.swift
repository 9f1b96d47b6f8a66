/// Flattens each sample to one dimension (row-major, so NHWC order).
public final class Flatten: Layer {
    public var name: String
    public let kindName = "flatten"
    private var inputShape: [Int] = []

    public init(name: String = "") { self.name = name }

    public func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [Int] {
        [try singleInput(inputShapes).reduce(1, *)]
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        inputShape = inputs[0].shape
        return Tensor(unchecked: [inputs[0].batchSize, inputs[0].elementsPerSample], scalars: inputs[0].scalars)
    }

    public func backward(_ outputGradient: Tensor) -> [Tensor] {
        [Tensor(unchecked: inputShape, scalars: outputGradient.scalars)]
    }
}
