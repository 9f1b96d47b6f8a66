/// Updates trainable parameters from their gradients.
public protocol Optimizer: AnyObject {
    /// Applies one step to every trainable parameter in `parameters`.
    func update(_ parameters: [Parameter])
}
