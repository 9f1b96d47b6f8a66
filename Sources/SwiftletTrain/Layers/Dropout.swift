/// During training, zeroes each element with probability `rate` and scales the
/// others by 1 / (1 − rate) (inverted dropout, as Keras); the identity at
/// inference, and left out of exported models. Its mask comes from a seeded
/// generator, so training stays deterministic.
public final class Dropout: Layer {
    public var name: String
    public let kindName = "dropout"
    public let rate: Float
    private var generator = SeededGenerator(seed: 0)
    private var mask: [Float] = []

    public init(rate: Float, name: String = "") {
        self.rate = rate
        self.name = name
    }

    public func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [Int] {
        guard rate >= 0, rate < 1 else {
            throw TrainError.invalidArgument("dropout '\(name)': rate must be in [0, 1), got \(rate)")
        }
        self.generator = SeededGenerator(seed: generator.childSeed())
        return try singleInput(inputShapes)
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        guard training, rate > 0 else {
            mask = []
            return inputs[0]
        }
        let keep = 1 / (1 - rate)
        mask = (0..<inputs[0].count).map { _ in generator.nextUnitFloat() < rate ? 0 : keep }
        var output = inputs[0]
        for i in output.scalars.indices { output.scalars[i] *= mask[i] }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> [Tensor] {
        guard !mask.isEmpty else { return [outputGradient] }
        var gradient = outputGradient
        for i in gradient.scalars.indices { gradient.scalars[i] *= mask[i] }
        return [gradient]
    }
}
