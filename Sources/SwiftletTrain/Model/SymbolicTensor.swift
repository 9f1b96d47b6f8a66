/// A placeholder for a tensor in the functional form: the model's input, or
/// the output of a layer applied to other symbolic tensors.
///
/// ```swift
/// let x = Input(shape: [8])
/// let a = Dense(4, activation: .relu)(x)
/// let b = Dense(4, activation: .tanh)(x)
/// let model = try Model(input: x, output: Dense(1)(Add()([a, b])), seed: 7)
/// ```
public final class SymbolicTensor {
    /// The layer producing it; nil for a model input.
    public let layer: (any Layer)?
    /// The tensors the layer reads.
    public let inputs: [SymbolicTensor]
    /// For a model input: the per-sample shape (without the batch).
    public let inputShape: [Int]
    /// For a model input: its name in exported models.
    public let name: String

    init(layer: any Layer, inputs: [SymbolicTensor]) {
        self.layer = layer
        self.inputs = inputs
        self.inputShape = []
        self.name = ""
    }

    init(inputShape: [Int], name: String) {
        self.layer = nil
        self.inputs = []
        self.inputShape = inputShape
        self.name = name
    }
}

/// A model input of per-sample shape `shape` (without the batch dimension).
public func Input(shape: [Int], name: String = "input") -> SymbolicTensor {
    SymbolicTensor(inputShape: shape, name: name)
}
