/// A building block of a model: maps one or more batched input tensors to one
/// output tensor, and back-propagates a gradient.
///
/// A layer is built once with its input shapes (without the batch dimension),
/// which fixes its output shape and creates its parameters. `forward` keeps
/// what `backward` needs, so `backward` applies to the latest `forward`.
/// `backward` adds parameter gradients to `Parameter.gradient` (the model
/// zeroes them before each batch) and returns one gradient per input.
public protocol Layer: AnyObject {
    /// The layer's name, used for its parameters and tensors in exported models.
    /// Empty until a model names it (`dense`, `dense_1`, …) unless set.
    var name: String { get set }
    /// Trainable and non-trainable parameters, in a fixed order.
    var parameters: [Parameter] { get }
    /// The name a model gives this kind of layer (`dense`).
    var kindName: String { get }
    /// Checks the input shapes, creates parameters, returns the output shape.
    func build(inputShapes: [[Int]], generator: inout SeededGenerator) throws -> [Int]
    /// The batched output for batched inputs.
    func forward(_ inputs: [Tensor], training: Bool) -> Tensor
    /// Gradients with respect to each input, given the output's gradient.
    func backward(_ outputGradient: Tensor) -> [Tensor]
}

extension Layer {
    public var parameters: [Parameter] { [] }

    /// Connects this layer to a symbolic input (the functional form).
    public func callAsFunction(_ input: SymbolicTensor) -> SymbolicTensor {
        SymbolicTensor(layer: self, inputs: [input])
    }

    /// Connects this layer to several symbolic inputs (Add, Concatenate).
    public func callAsFunction(_ inputs: [SymbolicTensor]) -> SymbolicTensor {
        SymbolicTensor(layer: self, inputs: inputs)
    }

    /// Throws unless exactly one input shape of `rank` was given (nil = any rank).
    func singleInput(_ shapes: [[Int]], rank: Int? = nil) throws -> [Int] {
        guard shapes.count == 1 else {
            throw TrainError.shapeMismatch("\(kindName) takes one input, got \(shapes.count)")
        }
        if let rank, shapes[0].count != rank {
            throw TrainError.shapeMismatch(
                "\(kindName) '\(name)' expects inputs of rank \(rank) (without the batch), got shape \(shapes[0])")
        }
        return shapes[0]
    }
}
