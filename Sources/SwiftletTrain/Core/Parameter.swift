/// A layer's weight tensor with its gradient. Trainable parameters are updated
/// by the optimizer; the others (BatchNormalization's moving statistics) are
/// state the layer updates itself during training.
public final class Parameter {
    /// The name used in exported models (`dense/kernel`).
    public var name: String
    /// The current value.
    public var value: Tensor
    /// The gradient accumulated by the last backward pass (same shape as `value`).
    public var gradient: Tensor
    /// Whether the optimizer updates it.
    public let isTrainable: Bool

    /// A parameter with an initial value and a zero gradient.
    public init(name: String, value: Tensor, isTrainable: Bool = true) {
        self.name = name
        self.value = value
        self.gradient = Tensor(zeros: value.shape)
        self.isTrainable = isTrainable
    }

    /// Sets the gradient to zero, keeping its storage.
    func zeroGradient() {
        gradient.scalars.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}
