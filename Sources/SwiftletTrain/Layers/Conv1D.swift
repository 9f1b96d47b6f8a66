/// A 1-D convolution over `[steps, channels]` sequences, computed as a 2-D
/// convolution of height 1 (which is also how TFLite runs it). Its kernel is
/// kept as `[1, kernelSize, inputChannels, filters]`; Glorot fans equal
/// Keras's `[kernelSize, inputChannels, filters]`.
public final class Conv1D: Layer {
    public var name: String
    public let kindName = "conv1d"
    /// The 2-D convolution doing the work.
    public let convolution: Conv2D
    private var inputShape: [Int] = []

    /// A convolution with `filters` outputs and a window of `kernelSize` steps.
    public init(filters: Int, kernelSize: Int, stride: Int = 1, padding: Padding = .valid,
                activation: ActivationFunction = .linear, useBias: Bool = true, name: String = "") {
        convolution = Conv2D(filters: filters, kernelSize: (1, kernelSize), strides: (1, stride), padding: padding,
                             activation: activation, useBias: useBias)
        self.name = name
    }

    public var parameters: [Parameter] { convolution.parameters }

    public func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [Int] {
        inputShape = try singleInput(inputShapes, rank: 2)
        convolution.name = name
        let output = try convolution.build(inputShapes: [[1] + inputShape], generator: &generator)
        return [output[1], output[2]]
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        var image = inputs[0]
        image.shape = [image.batchSize, 1] + inputShape
        var output = convolution.forward([image], training: training)
        output.shape.remove(at: 1)
        return output
    }

    public func backward(_ outputGradient: Tensor) -> [Tensor] {
        var gradient = outputGradient
        gradient.shape.insert(1, at: 1)
        var inputGradient = convolution.backward(gradient)[0]
        inputGradient.shape.remove(at: 1)
        return [inputGradient]
    }
}
