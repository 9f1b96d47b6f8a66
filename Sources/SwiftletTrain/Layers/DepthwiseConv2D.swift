/// A depthwise 2-D convolution over NHWC images: each input channel is
/// convolved with its own `depthMultiplier` filters. Kernel `[kh, kw,
/// inputChannels, depthMultiplier]` (Keras's layout); output channel
/// `c * depthMultiplier + m`.
public final class DepthwiseConv2D: Layer {
    public var name: String
    public let kindName = "depthwise_conv2d"
    public let kernelSize: (height: Int, width: Int)
    public let strides: (height: Int, width: Int)
    public let padding: Padding
    public let depthMultiplier: Int
    public let activation: ActivationFunction
    public let useBias: Bool
    /// `[kh, kw, inputChannels, depthMultiplier]`.
    public private(set) var kernel: Parameter!
    /// `[inputChannels * depthMultiplier]`, nil without bias.
    public private(set) var bias: Parameter?
    var geometry: WindowGeometry!
    private var inputChannels = 0
    private var lastInput = Tensor(zeros: [0])
    private var lastOutput = Tensor(zeros: [0])

    /// A depthwise convolution.
    public init(kernelSize: (Int, Int), strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                depthMultiplier: Int = 1, activation: ActivationFunction = .linear, useBias: Bool = true,
                name: String = "") {
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.depthMultiplier = depthMultiplier
        self.activation = activation
        self.useBias = useBias
        self.name = name
    }

    public var parameters: [Parameter] { [kernel].compactMap { $0 } + (bias.map { [$0] } ?? []) }

    public func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [Int] {
        let shape = try singleInput(inputShapes, rank: 3)
        guard depthMultiplier > 0, shape[2] > 0 else {
            throw TrainError.shapeMismatch("\(kindName) '\(name)': depth multiplier and channels must be positive")
        }
        geometry = try WindowGeometry(input: (shape[0], shape[1]), window: kernelSize, strides: strides,
                                      padding: padding, layer: "\(kindName) '\(name)'")
        inputChannels = shape[2]
        kernel = Parameter(name: "\(name)/depthwise_kernel", value: Initializer.glorotUniform.tensor(
            shape: [kernelSize.height, kernelSize.width, inputChannels, depthMultiplier], generator: &generator))
        bias = useBias ? Parameter(name: "\(name)/bias", value: Tensor(zeros: [inputChannels * depthMultiplier])) : nil
        return [geometry.outputHeight, geometry.outputWidth, inputChannels * depthMultiplier]
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let input = inputs[0]
        let g = geometry!
        let batch = input.batchSize
        let cin = inputChannels
        let cout = cin * depthMultiplier
        var output = [Float](repeating: 0, count: batch * g.outputHeight * g.outputWidth * cout)
        input.scalars.withUnsafeBufferPointer { x in
            kernel.value.scalars.withUnsafeBufferPointer { w in
                output.withUnsafeMutableBufferPointer { y in
                    var out = y.baseAddress!
                    for b in 0..<batch {
                        let image = x.baseAddress! + b * g.inputHeight * g.inputWidth * cin
                        for oy in 0..<g.outputHeight {
                            for ox in 0..<g.outputWidth {
                                if let bias {
                                    bias.value.scalars.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: cout) }
                                }
                                for ky in 0..<g.windowHeight {
                                    let iy = oy * g.strideHeight - g.padTop + ky
                                    if iy < 0 || iy >= g.inputHeight { continue }
                                    for kx in 0..<g.windowWidth {
                                        let ix = ox * g.strideWidth - g.padLeft + kx
                                        if ix < 0 || ix >= g.inputWidth { continue }
                                        let pixel = image + (iy * g.inputWidth + ix) * cin
                                        let tap = w.baseAddress! + (ky * g.windowWidth + kx) * cout
                                        for c in 0..<cout { out[c] += pixel[c / depthMultiplier] * tap[c] }
                                    }
                                }
                                out += cout
                            }
                        }
                    }
                }
            }
        }
        activation.apply(&output, rowLength: cout)
        let result = Tensor(unchecked: [batch, g.outputHeight, g.outputWidth, cout], scalars: output)
        lastInput = input
        lastOutput = result
        return result
    }

    public func backward(_ outputGradient: Tensor) -> [Tensor] {
        let cout = inputChannels * depthMultiplier
        var gradient = outputGradient.scalars
        activation.backward(&gradient, output: lastOutput.scalars, rowLength: cout)
        let g = geometry!
        let batch = lastInput.batchSize
        let cin = inputChannels
        var inputGradient = [Float](repeating: 0, count: lastInput.count)
        gradient.withUnsafeBufferPointer { dy in
            lastInput.scalars.withUnsafeBufferPointer { x in
                kernel.value.scalars.withUnsafeBufferPointer { w in
                    kernel.gradient.scalars.withUnsafeMutableBufferPointer { dw in
                        inputGradient.withUnsafeMutableBufferPointer { dx in
                            var outGradient = dy.baseAddress!
                            for b in 0..<batch {
                                let imageOffset = b * g.inputHeight * g.inputWidth * cin
                                for oy in 0..<g.outputHeight {
                                    for ox in 0..<g.outputWidth {
                                        for ky in 0..<g.windowHeight {
                                            let iy = oy * g.strideHeight - g.padTop + ky
                                            if iy < 0 || iy >= g.inputHeight { continue }
                                            for kx in 0..<g.windowWidth {
                                                let ix = ox * g.strideWidth - g.padLeft + kx
                                                if ix < 0 || ix >= g.inputWidth { continue }
                                                let pixelOffset = imageOffset + (iy * g.inputWidth + ix) * cin
                                                let tapOffset = (ky * g.windowWidth + kx) * cout
                                                for c in 0..<cout {
                                                    let inputIndex = pixelOffset + c / depthMultiplier
                                                    dw[tapOffset + c] += x[inputIndex] * outGradient[c]
                                                    dx[inputIndex] += w[tapOffset + c] * outGradient[c]
                                                }
                                            }
                                        }
                                        outGradient += cout
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if let bias {
                bias.gradient.scalars.withUnsafeMutableBufferPointer { db in
                    for i in 0..<dy.count { db[i % cout] += dy[i] }
                }
            }
        }
        return [Tensor(unchecked: lastInput.shape, scalars: inputGradient)]
    }
}
