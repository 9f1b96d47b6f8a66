/// A trainable network: layers connected as a directed acyclic graph from one
/// input to one output. Build one with the functional form
/// (`Model(input:output:seed:)`) or as a `Sequential` stack.
///
/// The seed fixes every initial weight (and each dropout layer's masks), so
/// two models built with the same seed are identical.
public class Model {
    /// One layer application in execution order.
    public struct Node {
        /// The layer.
        public let layer: any Layer
        /// Indices of the values it reads: 0 is the model input, k > 0 is node k − 1's output.
        public let inputs: [Int]
        /// Per-sample output shape.
        public let outputShape: [Int]
    }

    /// Per-sample input shape (without the batch).
    public let inputShape: [Int]
    /// The input's name in exported models.
    public let inputName: String
    /// The layers in execution order; the last one produces the model's output.
    public let nodes: [Node]
    /// Per-sample output shape.
    public var outputShape: [Int] { nodes.last?.outputShape ?? inputShape }

    private var values: [Tensor] = []

    /// A model from a functional graph. Layers get unique Keras-style names
    /// (`dense`, `dense_1`, …) unless named already; weights come from `seed`.
    public init(input: SymbolicTensor, output: SymbolicTensor, seed: UInt64 = 0) throws {
        guard input.layer == nil else {
            throw TrainError.invalidArgument("the model input must come from Input(shape:), not from a layer")
        }
        guard input.inputShape.allSatisfy({ $0 > 0 }) else {
            throw TrainError.shapeMismatch("input shape \(input.inputShape) must have positive dimensions")
        }
        // Depth-first from the output gives each tensor after the tensors it reads.
        var order: [SymbolicTensor] = []
        var visited: Set<ObjectIdentifier> = [ObjectIdentifier(input)]
        var onPath: Set<ObjectIdentifier> = []
        func visit(_ tensor: SymbolicTensor) throws {
            let id = ObjectIdentifier(tensor)
            if visited.contains(id) { return }
            guard tensor.layer != nil else {
                throw TrainError.invalidArgument("the output depends on an input other than the model's input '\(input.name)'")
            }
            onPath.insert(id)
            for parent in tensor.inputs { try visit(parent) }
            onPath.remove(id)
            visited.insert(id)
            order.append(tensor)
        }
        try visit(output)
        var layerIDs: Set<ObjectIdentifier> = []
        for tensor in order where !layerIDs.insert(ObjectIdentifier(tensor.layer!)).inserted {
            throw TrainError.invalidArgument(
                "layer '\(tensor.layer!.name)' is applied twice; shared layers are not supported, create a second layer")
        }
        var index: [ObjectIdentifier: Int] = [ObjectIdentifier(input): 0]
        var shapes: [[Int]] = [input.inputShape]
        var generator = SeededGenerator(seed: seed)
        var usedNames: [String: Int] = [:]
        var nodes: [Node] = []
        for tensor in order {
            let layer = tensor.layer!
            if layer.name.isEmpty {
                let count = usedNames[layer.kindName, default: 0]
                layer.name = count == 0 ? layer.kindName : "\(layer.kindName)_\(count)"
            }
            usedNames[layer.kindName, default: 0] += 1
            let inputs = tensor.inputs.map { index[ObjectIdentifier($0)]! }
            let shape = try layer.build(inputShapes: inputs.map { shapes[$0] }, generator: &generator)
            nodes.append(Node(layer: layer, inputs: inputs, outputShape: shape))
            shapes.append(shape)
            index[ObjectIdentifier(tensor)] = nodes.count
        }
        self.inputShape = input.inputShape
        self.inputName = input.name
        self.nodes = nodes
    }

    /// Every parameter of every layer, in execution order.
    public var parameters: [Parameter] { nodes.flatMap { $0.layer.parameters } }

    /// Number of trainable scalars.
    public var trainableParameterCount: Int {
        parameters.filter(\.isTrainable).reduce(0) { $0 + $1.value.count }
    }

    /// The batched output for a batched input `[batch] + inputShape`, keeping
    /// what `backward` needs. No shape checks (see `predict`).
    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        values = [input]
        values.reserveCapacity(nodes.count + 1)
        for node in nodes {
            values.append(node.layer.forward(node.inputs.map { values[$0] }, training: training))
        }
        return values[values.count - 1]
    }

    /// Back-propagates the loss gradient of the latest `forward`, adding to
    /// each parameter's gradient. Returns the gradient with respect to the input.
    @discardableResult
    public func backward(_ outputGradient: Tensor) -> Tensor {
        var gradients = [Tensor?](repeating: nil, count: nodes.count + 1)
        gradients[nodes.count] = outputGradient
        for k in stride(from: nodes.count - 1, through: 0, by: -1) {
            guard let gradient = gradients[k + 1] else { continue }
            let node = nodes[k]
            for (source, inputGradient) in zip(node.inputs, node.layer.backward(gradient)) {
                if var existing = gradients[source] {
                    for i in existing.scalars.indices { existing.scalars[i] += inputGradient.scalars[i] }
                    gradients[source] = existing
                } else {
                    gradients[source] = inputGradient
                }
            }
        }
        values = []
        return gradients[0] ?? Tensor(zeros: [0])
    }

    /// Throws unless `input` is `[batch] + inputShape`.
    func checkInput(_ input: Tensor) throws {
        guard input.shape.count == inputShape.count + 1, Array(input.shape.dropFirst()) == inputShape else {
            throw TrainError.shapeMismatch(
                "the model takes [batch] + \(inputShape), got \(input.shape); reshape the data to match")
        }
    }

    /// Inference on `[batch] + inputShape`, `batchSize` samples at a time.
    public func predict(_ input: Tensor, batchSize: Int = 256) throws -> Tensor {
        try checkInput(input)
        let total = input.batchSize
        var scalars: [Float] = []
        scalars.reserveCapacity(total * outputShape.reduce(1, *))
        var start = 0
        while start < total {
            let end = min(start + max(batchSize, 1), total)
            scalars += forward(input.slicing(batch: start..<end), training: false).scalars
            start = end
        }
        values = []
        return Tensor(unchecked: [total] + outputShape, scalars: scalars)
    }

    /// A copy of every parameter's value (for restoring the best weights).
    public func weights() -> [Tensor] { parameters.map(\.value) }

    /// Sets every parameter's value from `weights()` of this model.
    public func setWeights(_ weights: [Tensor]) throws {
        let parameters = self.parameters
        guard weights.count == parameters.count,
              zip(weights, parameters).allSatisfy({ $0.shape == $1.value.shape })
        else {
            throw TrainError.shapeMismatch("setWeights needs \(parameters.count) tensors shaped like the model's parameters")
        }
        for (parameter, value) in zip(parameters, weights) { parameter.value = value }
    }
}
