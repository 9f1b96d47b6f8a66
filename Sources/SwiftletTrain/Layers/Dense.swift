/// A fully connected layer: `activation(x · kernel + bias)` over the last
/// dimension. The kernel is `[inputUnits, units]` (Keras's layout).
public final class Dense: Layer {
    public var name: String
    public let kindName = "dense"
    /// Output units.
    public let units: Int
    /// The fused activation.
    public let activation: ActivationFunction
    /// Whether the layer adds a bias.
    public let useBias: Bool
    /// `[inputUnits, units]`.
    public private(set) var kernel: Parameter!
    /// `[units]`, nil without bias.
    public private(set) var bias: Parameter?

    private var lastInput = Tensor(zeros: [0])
    private var lastOutput = Tensor(zeros: [0])

    /// A dense layer with `units` outputs, Glorot-uniform kernel and zero bias.
    public init(_ units: Int, activation: ActivationFunction = .linear, useBias: Bool = true, name: String = "") {
        self.units = units
        self.activation = activation
        self.useBias = useBias
        self.name = name
    }

    public var parameters: [Parameter] { [kernel].compactMap { $0 } + (bias.map { [$0] } ?? []) }

    public func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [Int] {
        let shape = try singleInput(inputShapes)
        guard let inputUnits = shape.last, inputUnits > 0, units > 0 else {
            throw TrainError.shapeMismatch("dense '\(name)' needs an input with a last dimension and units > 0, got \(shape)")
        }
        kernel = Parameter(name: "\(name)/kernel",
                           value: Initializer.glorotUniform.tensor(shape: [inputUnits, units], generator: &generator))
        bias = useBias ? Parameter(name: "\(name)/bias", value: Tensor(zeros: [units])) : nil
        return Array(shape.dropLast()) + [units]
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let input = inputs[0]
        let inputUnits = kernel.value.shape[0]
        let rows = input.count / inputUnits
        var output = [Float](repeating: 0, count: rows * units)
        let units = self.units
        input.scalars.withUnsafeBufferPointer { x in
            kernel.value.scalars.withUnsafeBufferPointer { w in
                output.withUnsafeMutableBufferPointer { y in
                    for row in 0..<rows {
                        let out = y.baseAddress! + row * units
                        if let bias {
                            bias.value.scalars.withUnsafeBufferPointer { b in
                                out.update(from: b.baseAddress!, count: units)
                            }
                        }
                        let inRow = x.baseAddress! + row * inputUnits
                        for i in 0..<inputUnits {
                            let value = inRow[i]
                            let weights = w.baseAddress! + i * units
                            for j in 0..<units { out[j] += value * weights[j] }
                        }
                    }
                }
            }
        }
        activation.apply(&output, rowLength: units)
        let result = Tensor(unchecked: Array(input.shape.dropLast()) + [units], scalars: output)
        lastInput = input
        lastOutput = result
        return result
    }

    public func backward(_ outputGradient: Tensor) -> [Tensor] {
        var gradient = outputGradient.scalars
        activation.backward(&gradient, output: lastOutput.scalars, rowLength: units)
        let inputUnits = kernel.value.shape[0]
        let rows = gradient.count / units
        let units = self.units
        var inputGradient = [Float](repeating: 0, count: rows * inputUnits)
        gradient.withUnsafeBufferPointer { g in
            lastInput.scalars.withUnsafeBufferPointer { x in
                kernel.value.scalars.withUnsafeBufferPointer { w in
                    kernel.gradient.scalars.withUnsafeMutableBufferPointer { gw in
                        inputGradient.withUnsafeMutableBufferPointer { gx in
                            for row in 0..<rows {
                                let gRow = g.baseAddress! + row * units
                                let xRow = x.baseAddress! + row * inputUnits
                                let gxRow = gx.baseAddress! + row * inputUnits
                                for i in 0..<inputUnits {
                                    let value = xRow[i]
                                    let weights = w.baseAddress! + i * units
                                    let weightGradient = gw.baseAddress! + i * units
                                    var sum: Float = 0
                                    for j in 0..<units {
                                        weightGradient[j] += value * gRow[j]
                                        sum += weights[j] * gRow[j]
                                    }
                                    gxRow[i] = sum
                                }
                            }
                        }
                    }
                }
            }
            if let bias {
                bias.gradient.scalars.withUnsafeMutableBufferPointer { gb in
                    for row in 0..<rows {
                        for j in 0..<units { gb[j] += g[row * units + j] }
                    }
                }
            }
        }
        return [Tensor(unchecked: lastInput.shape, scalars: inputGradient)]
    }
}
