/// A 2-D convolution over NHWC images: kernel `[kernelHeight, kernelWidth,
/// inputChannels, filters]` (Keras's layout), bias `[filters]`, optional fused activation.
public final class Conv2D: Layer {
    public var name: String
    public let kindName = "conv2d"
    public let filters: Int
    public let kernelSize: (height: Int, width: Int)
    public let strides: (height: Int, width: Int)
    public let padding: Padding
    public let activation: ActivationFunction
    public let useBias: Bool
    /// `[kh, kw, inputChannels, filters]`.
    public private(set) var kernel: Parameter!
    /// `[filters]`, nil without bias.
    public private(set) var bias: Parameter?
    var geometry: WindowGeometry!
    private var inputChannels = 0
    private var lastInput = Tensor(zeros: [0])
    private var lastOutput = Tensor(zeros: [0])

    /// A convolution with `filters` output channels.
    public init(filters: Int, kernelSize: (Int, Int), strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                activation: ActivationFunction = .linear, useBias: Bool = true, name: String = "") {
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.activation = activation
        self.useBias = useBias
        self.name = name
    }

    public var parameters: [Parameter] { [kernel].compactMap { $0 } + (bias.map { [$0] } ?? []) }

    public func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [Int] {
        let shape = try singleInput(inputShapes, rank: 3)
        guard filters > 0, shape[2] > 0 else {
            throw TrainError.shapeMismatch("\(kindName) '\(name)': filters and input channels must be positive")
        }
        geometry = try WindowGeometry(input: (shape[0], shape[1]), window: kernelSize, strides: strides,
                                      padding: padding, layer: "\(kindName) '\(name)'")
        inputChannels = shape[2]
        kernel = Parameter(name: "\(name)/kernel", value: Initializer.glorotUniform.tensor(
            shape: [kernelSize.height, kernelSize.width, inputChannels, filters], generator: &generator))
        bias = useBias ? Parameter(name: "\(name)/bias", value: Tensor(zeros: [filters])) : nil
        return [geometry.outputHeight, geometry.outputWidth, filters]
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let input = inputs[0]
        let g = geometry!
        let batch = input.batchSize
        let (cin, cout) = (inputChannels, filters)
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
                                        let tap = w.baseAddress! + (ky * g.windowWidth + kx) * cin * cout
                                        for ci in 0..<cin {
                                            let value = pixel[ci]
                                            let weights = tap + ci * cout
                                            for co in 0..<cout { out[co] += value * weights[co] }
                                        }
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
        var gradient = outputGradient.scalars
        activation.backward(&gradient, output: lastOutput.scalars, rowLength: filters)
        let g = geometry!
        let batch = lastInput.batchSize
        let (cin, cout) = (inputChannels, filters)
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
                                                let tapOffset = (ky * g.windowWidth + kx) * cin * cout
                                                for ci in 0..<cin {
                                                    let value = x[pixelOffset + ci]
                                                    let weights = w.baseAddress! + tapOffset + ci * cout
                                                    let weightGradient = dw.baseAddress! + tapOffset + ci * cout
                                                    var sum: Float = 0
                                                    for co in 0..<cout {
                                                        weightGradient[co] += value * outGradient[co]
                                                        sum += weights[co] * outGradient[co]
                                                    }
                                                    dx[pixelOffset + ci] += sum
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
