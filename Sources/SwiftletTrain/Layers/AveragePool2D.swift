/// Mean over each window of NHWC images, per channel. Strides default to the
/// pool size (Keras). With `.same` padding a window's mean counts only the
/// input pixels it covers, as TensorFlow and TFLite do.
public final class AveragePool2D: Layer {
    public var name: String
    public let kindName = "average_pooling2d"
    public let poolSize: (height: Int, width: Int)
    public let strides: (height: Int, width: Int)
    public let padding: Padding
    var geometry: WindowGeometry!
    private var channels = 0
    private var inputShape: [Int] = []

    /// An average pool; `strides` nil means the pool size.
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

    /// Calls `body(inputPixelOffset, outputOffset, 1 / windowPixelCount)` for every covered pixel of every window.
    private func forEachWindowPixel(batch: Int, _ body: (Int, Int, Float) -> Void) {
        let g = geometry!
        var o = 0
        for b in 0..<batch {
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    let y0 = max(oy * g.strideHeight - g.padTop, 0)
                    let y1 = min(oy * g.strideHeight - g.padTop + g.windowHeight, g.inputHeight)
                    let x0 = max(ox * g.strideWidth - g.padLeft, 0)
                    let x1 = min(ox * g.strideWidth - g.padLeft + g.windowWidth, g.inputWidth)
                    let scale = 1 / Float((y1 - y0) * (x1 - x0))
                    for iy in y0..<y1 {
                        for ix in x0..<x1 {
                            body(((b * g.inputHeight + iy) * g.inputWidth + ix) * channels, o, scale)
                        }
                    }
                    o += channels
                }
            }
        }
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let input = inputs[0]
        let g = geometry!
        let batch = input.batchSize
        let channels = self.channels
        var output = [Float](repeating: 0, count: batch * g.outputHeight * g.outputWidth * channels)
        input.scalars.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                forEachWindowPixel(batch: batch) { pixel, o, scale in
                    for c in 0..<channels { y[o + c] += x[pixel + c] * scale }
                }
            }
        }
        inputShape = input.shape
        return Tensor(unchecked: [batch, g.outputHeight, g.outputWidth, channels], scalars: output)
    }

    public func backward(_ outputGradient: Tensor) -> [Tensor] {
        let channels = self.channels
        var inputGradient = [Float](repeating: 0, count: inputShape.reduce(1, *))
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            inputGradient.withUnsafeMutableBufferPointer { dx in
                forEachWindowPixel(batch: inputShape[0]) { pixel, o, scale in
                    for c in 0..<channels { dx[pixel + c] += dy[o + c] * scale }
                }
            }
        }
        return [Tensor(unchecked: inputShape, scalars: inputGradient)]
    }
}
