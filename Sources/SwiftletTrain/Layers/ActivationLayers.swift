/// A layer that applies an activation function and has no parameters. The
/// named subclasses (`ReLU`, `ReLU6`, `LeakyReLU`, `Sigmoid`, `Tanh`,
/// `Softmax`) are the usual way to write one.
public class Activation: Layer {
    public var name = ""
    /// The function applied.
    public let function: ActivationFunction
    public var kindName: String {
        switch function {
        case .linear: return "activation"
        case .relu: return "re_lu"
        case .relu6: return "re_lu6"
        case .leakyReLU: return "leaky_re_lu"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .softmax: return "softmax"
        }
    }
    private var lastOutput = Tensor(zeros: [0])

    /// A layer applying `function`.
    public init(_ function: ActivationFunction) {
        self.function = function
    }

    public func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [Int] {
        try singleInput(inputShapes)
    }

    public func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        var output = inputs[0]
        function.apply(&output.scalars, rowLength: output.shape.last ?? 1)
        lastOutput = output
        return output
    }

    public func backward(_ outputGradient: Tensor) -> [Tensor] {
        var gradient = outputGradient
        function.backward(&gradient.scalars, output: lastOutput.scalars, rowLength: lastOutput.shape.last ?? 1)
        return [gradient]
    }
}

/// max(x, 0).
public final class ReLU: Activation {
    public init() { super.init(.relu) }
}

/// min(max(x, 0), 6).
public final class ReLU6: Activation {
    public init() { super.init(.relu6) }
}

/// x for x > 0, alpha·x otherwise (Keras's default alpha: 0.3).
public final class LeakyReLU: Activation {
    public init(alpha: Float = 0.3) { super.init(.leakyReLU(alpha: alpha)) }
}

/// 1 / (1 + e^−x).
public final class Sigmoid: Activation {
    public init() { super.init(.sigmoid) }
}

/// tanh(x).
public final class Tanh: Activation {
    public init() { super.init(.tanh) }
}

/// Softmax over the last dimension.
public final class Softmax: Activation {
    public init() { super.init(.softmax) }
}
