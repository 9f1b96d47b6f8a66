import SwiftletFormat

/// The converter's in-memory model: tensors and operators in TensorFlow Lite op semantics
/// (NHWC activations, `[out, kh, kw, in]` filters, `[out, in]` fully-connected weights, float32
/// unless a tensor says otherwise). Importers (Keras, and later ONNX, SavedModel, the training
/// library) build one, passes (`GraphPasses`) rewrite it, and `GraphWriter` turns it into
/// `.tflite` bytes laid out the way TensorFlow's converter lays them out.
///
/// Operators are kept in execution order: every operator's inputs are graph inputs, constants or
/// outputs of earlier operators. Build one with the operator methods (`fullyConnected(_:weights:…)`,
/// `conv2D(_:filter:…)` …), which check shapes and infer the output's shape.
public struct Graph {
    /// Every tensor ever created; operators and graph inputs/outputs refer to them by `TensorID`.
    /// Tensors no operator or output uses are simply not written.
    public var tensors: [GraphTensor] = []
    /// Operators in execution order.
    public var operators: [GraphOperator] = []
    /// The graph's inputs, in signature order.
    public var inputs: [TensorID] = []
    /// The graph's outputs, in signature order.
    public var outputs: [TensorID] = []
    /// Names of the inputs in the signature (`serving_default`); defaults to the tensors' names.
    public var inputSignatureNames: [String] = []
    /// Names of the outputs in the signature; defaults to `output_0`, `output_1` …
    public var outputSignatureNames: [String] = []

    /// An empty graph.
    public init() {}

    /// The tensor `id` refers to.
    public subscript(id: TensorID) -> GraphTensor {
        get { tensors[id.index] }
        set { tensors[id.index] = newValue }
    }

    /// Adds a tensor and returns its id.
    public mutating func add(_ tensor: GraphTensor) -> TensorID {
        tensors.append(tensor)
        return TensorID(tensors.count - 1)
    }

    /// Adds a graph input of the given shape (batch first) and type.
    public mutating func input(_ name: String, shape: [Int], type: TensorType = .float32, signatureName: String? = nil) -> TensorID {
        let id = add(GraphTensor(name: name, shape: shape, type: type))
        inputs.append(id)
        inputSignatureNames.append(signatureName ?? name)
        return id
    }

    /// Marks `tensor` as a graph output (signature name `output_<k>` unless given).
    public mutating func output(_ tensor: TensorID, signatureName: String? = nil) {
        outputSignatureNames.append(signatureName ?? "output_\(outputs.count)")
        outputs.append(tensor)
    }

    /// A float32 constant of the given shape (row-major values).
    public mutating func constant(_ name: String, shape: [Int], floats values: [Float]) throws(ConvertError) -> TensorID {
        guard shape.reduce(1, *) == values.count else {
            throw .invalidGraph("constant \(name): \(values.count) values do not fill shape \(shape)")
        }
        return add(GraphTensor(name: name, shape: shape, type: .float32, data: GraphTensor.bytes(of: values)))
    }

    /// An int32 constant of the given shape (row-major values).
    public mutating func constant(_ name: String, shape: [Int], int32s values: [Int32]) throws(ConvertError) -> TensorID {
        guard shape.reduce(1, *) == values.count else {
            throw .invalidGraph("constant \(name): \(values.count) values do not fill shape \(shape)")
        }
        return add(GraphTensor(name: name, shape: shape, type: .int32, data: GraphTensor.bytes(of: values)))
    }

    /// Appends an operator whose output tensor is created here with `outputShape`.
    public mutating func append(_ code: BuiltinOperator, _ options: OperatorOptions = .none, inputs: [TensorID?],
                                outputShape: [Int], outputType: TensorType = .float32, name: String) -> TensorID {
        let output = add(GraphTensor(name: name, shape: outputShape, type: outputType))
        operators.append(GraphOperator(code: code, options: options, inputs: inputs, outputs: [output]))
        return output
    }

    /// Indices of the operators that read `tensor`.
    public func consumers(of tensor: TensorID) -> [Int] {
        operators.indices.filter { operators[$0].inputs.contains(tensor) }
    }

    /// The index of the operator that writes `tensor`, or nil for inputs and constants.
    public func producer(of tensor: TensorID) -> Int? {
        operators.firstIndex { $0.outputs.contains(tensor) }
    }
}

/// A reference to one of a graph's tensors.
public struct TensorID: Hashable, Sendable, CustomStringConvertible {
    /// Position in `Graph.tensors`.
    public var index: Int
    /// The id of `Graph.tensors[index]`.
    public init(_ index: Int) { self.index = index }
    public var description: String { "t\(index)" }
}

/// One tensor: an activation (no data) or a constant (with data).
public struct GraphTensor: Equatable {
    /// The name written to the model.
    public var name: String
    /// Static shape; dimension 0 is the batch for activations.
    public var shape: [Int]
    /// Element type.
    public var type: TensorType
    /// Little-endian row-major bytes of a constant; nil for activations.
    public var data: [UInt8]?
    /// Quantization parameters, when the tensor is quantized.
    public var quantization: QuantizationDefinition?

    public init(name: String, shape: [Int], type: TensorType = .float32, data: [UInt8]? = nil,
                quantization: QuantizationDefinition? = nil) {
        self.name = name
        self.shape = shape
        self.type = type
        self.data = data
        self.quantization = quantization
    }

    /// Whether the tensor holds constant data.
    public var isConstant: Bool { data != nil }

    /// Number of elements.
    public var elementCount: Int { shape.reduce(1, *) }

    /// The constant's values read as float32, or nil for activations and other types.
    public var floats: [Float]? {
        guard type == .float32, let data else { return nil }
        return GraphTensor.values(of: data, as: Float.self)
    }

    /// The constant's values read as int32, or nil for activations and other types.
    public var int32s: [Int32]? {
        guard type == .int32, let data else { return nil }
        return GraphTensor.values(of: data, as: Int32.self)
    }

    /// The bytes of `values` (little-endian on every host Swiftlet runs on).
    public static func bytes<T: BitwiseCopyable>(of values: [T]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }
    }

    /// `data` reinterpreted as elements of `T` (trailing bytes that do not fill one are ignored).
    public static func values<T: BitwiseCopyable>(of data: [UInt8], as _: T.Type) -> [T] {
        let stride = MemoryLayout<T>.stride
        return data.withUnsafeBytes { raw in
            (0..<(raw.count / stride)).map { raw.loadUnaligned(fromByteOffset: $0 * stride, as: T.self) }
        }
    }
}

/// One operator: a builtin code, its typed options, and its tensors.
public struct GraphOperator: Equatable {
    /// The builtin operator.
    public var code: BuiltinOperator
    /// Typed builtin options (`.none` for operators without options).
    public var options: OperatorOptions
    /// Inputs; nil for an omitted optional input (written as −1).
    public var inputs: [TensorID?]
    /// Outputs.
    public var outputs: [TensorID]

    public init(code: BuiltinOperator, options: OperatorOptions = .none, inputs: [TensorID?], outputs: [TensorID]) {
        self.code = code
        self.options = options
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The fused activation of operators that have one (nil for the others); setting it on an
    /// operator without one does nothing.
    public var fusedActivation: ActivationFunction? {
        get { options.fusedActivation }
        set { if let newValue { options.fusedActivation = newValue } }
    }
}
