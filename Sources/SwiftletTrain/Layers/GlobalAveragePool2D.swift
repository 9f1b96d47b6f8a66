/// The mean over height and width of NHWC images: `[h, w, c]` → `[c]`.
/// Exported as TFLite MEAN over axes 1 and 2, as TensorFlow's converter does.
public final class GlobalAveragePool2D: Layer {
    public var name: String
    public let kindName = "global_average_pooling2d"
    private var inputShape: [Int] = []

    public init(name: String = "") { self.name = name }

    public func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [Int] {
        let shape = try singleInput(inputShapes, rank: 3)
        return [shape[2]]
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let input = inputs[0]
        inputShape = input.shape
        let (batch, pixels, channels) = (input.shape[0], input.shape[1] * input.shape[2], input.shape[3])
        var output = [Float](repeating: 0, count: batch * channels)
        let scale = 1 / Float(pixels)
        for b in 0..<batch {
            for p in 0..<pixels {
                let base = (b * pixels + p) * channels
                for c in 0..<channels { output[b * channels + c] += input.scalars[base + c] * scale }
            }
        }
        return Tensor(unchecked: [batch, channels], scalars: output)
    }

    public func backward(_ outputGradient: Tensor) -> [Tensor] {
        let (batch, pixels, channels) = (inputShape[0], inputShape[1] * inputShape[2], inputShape[3])
        var inputGradient = [Float](repeating: 0, count: inputShape.reduce(1, *))
        let scale = 1 / Float(pixels)
        for b in 0..<batch {
            for p in 0..<pixels {
                let base = (b * pixels + p) * channels
                for c in 0..<channels { inputGradient[base + c] = outputGradient.scalars[b * channels + c] * scale }
            }
        }
        return [Tensor(unchecked: inputShape, scalars: inputGradient)]
    }
}
