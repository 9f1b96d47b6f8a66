/// Maximum over each window of NHWC images, per channel. Strides default to
/// the pool size (Keras). The gradient goes to the first maximum of each window.
public final class MaxPool2D: Layer {
    public var name: String
    public let kindName = "max_pooling2d"
    public let poolSize: (height: Int, width: Int)
    public let strides: (height: Int, width: Int)
    public let padding: Padding
    var geometry: WindowGeometry!
    private var channels = 0
    private var inputShape: [Int] = []
    /// For each output element, the input index it came from.
    private var argmax: [Int] = []

    /// A max pool; `strides` nil means the pool size.
    public init(poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid, name: String = "") {
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
        self.name = name
    }

    public func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [Int] {
        let shape = try singleInput(inputShapes, rank: 3)
        geometry = try WindowGeometry(input: (shape[0], shape[1]), window: poolSize, strides: strides,
                                      padding: padding, layer: "\(kindName) '\(name)'")
        channels = shape[2]
        return [geometry.outputHeight, geometry.outputWidth, channels]
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let input = inputs[0]
        let g = geometry!
        let batch = input.batchSize
        let outputCount = batch * g.outputHeight * g.outputWidth * channels
        var output = [Float](repeating: -.infinity, count: outputCount)
        argmax = [Int](repeating: 0, count: outputCount)
        input.scalars.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                argmax.withUnsafeMutableBufferPointer { source in
                    var o = 0
                    for b in 0..<batch {
                        for oy in 0..<g.outputHeight {
                            for ox in 0..<g.outputWidth {
                                for ky in 0..<g.windowHeight {
                                    let iy = oy * g.strideHeight - g.padTop + ky
                                    if iy < 0 || iy >= g.inputHeight { continue }
                                    for kx in 0..<g.windowWidth {
                                        let ix = ox * g.strideWidth - g.padLeft + kx
                                        if ix < 0 || ix >= g.inputWidth { continue }
                                        let pixel = ((b * g.inputHeight + iy) * g.inputWidth + ix) * channels
                                        for c in 0..<channels where x[pixel + c] > y[o + c] {
                                            y[o + c] = x[pixel + c]
                                            source[o + c] = pixel + c
                                        }
                                    }
                                }
                                o += channels
                            }
                        }
                    }
                }
            }
        }
        inputShape = input.shape
        return Tensor(unchecked: [batch, g.outputHeight, g.outputWidth, channels], scalars: output)
    }

    public func backward(_ outputGradient: Tensor) -> [Tensor] {
        var inputGradient = [Float](repeating: 0, count: inputShape.reduce(1, *))
        for (o, index) in argmax.enumerated() {
            inputGradient[index] += outputGradient.scalars[o]
        }
        return [Tensor(unchecked: inputShape, scalars: inputGradient)]
    }
}
