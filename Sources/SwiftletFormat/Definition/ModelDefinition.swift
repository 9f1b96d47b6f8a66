/// An owned, editable `.tflite` model: what converters and quantizers build and
/// `ModelWriter` serializes. `init(reading:)` copies a verified `Model` into one
/// without losing any field the schema defines.
public struct ModelDefinition: Equatable {
    /// Schema version; 3 for every current model.
    public var version: UInt32 = Model.schemaVersion
    /// Operator codes, indexed by `OperatorDefinition.opcodeIndex`.
    public var operatorCodes: [OperatorCodeDefinition] = []
    /// Subgraphs; 0 is the main graph.
    public var subgraphs: [SubGraphDefinition] = []
    /// Free-text description.
    public var description: String? = nil
    /// Constant buffers' bytes; buffer 0 must stay empty.
    public var buffers: [[UInt8]] = [[]]
    /// Deprecated metadata buffer indices.
    public var metadataBuffer: [Int32] = []
    /// Named metadata.
    public var metadata: [MetadataDefinition] = []
    /// Signatures.
    public var signatureDefs: [SignatureDefDefinition] = []
    /// External buffer groups (schema table `ExternalBufferGroup`).
    public var externalBufferGroups: [TableValue] = []
    /// External buffers (schema table `ExternalBuffer`).
    public var externalBuffers: [TableValue] = []

    public init() {}
}

/// An operator code: builtin code (or CUSTOM with a name) and version.
public struct OperatorCodeDefinition: Equatable {
    public var builtinCode: BuiltinOperator
    public var customCode: String?
    public var version: Int32

    public init(builtinCode: BuiltinOperator, customCode: String? = nil, version: Int32 = 1) {
        self.builtinCode = builtinCode
        self.customCode = customCode
        self.version = version
    }
}

/// A subgraph: tensors, inputs, outputs and operators in execution order.
public struct SubGraphDefinition: Equatable {
    public var tensors: [TensorDefinition] = []
    public var inputs: [Int32] = []
    public var outputs: [Int32] = []
    public var operators: [OperatorDefinition] = []
    public var name: String? = nil
    public var debugMetadataIndex: Int32 = -1

    public init() {}
}

/// A tensor.
public struct TensorDefinition: Equatable {
    public var shape: [Int32]
    public var type: TensorType
    /// Index into `ModelDefinition.buffers`; 0 for tensors without constant data.
    public var buffer: UInt32
    public var name: String?
    public var quantization: QuantizationDefinition?
    public var isVariable: Bool = false
    /// Sparsity parameters (schema table `SparsityParameters`).
    public var sparsity: TableValue? = nil
    /// Shape with −1 for dynamic dimensions; empty when not stored.
    public var shapeSignature: [Int32] = []
    public var hasRank: Bool = false
    /// Variant sub-types (schema table `VariantSubType`).
    public var variantTensors: [TableValue] = []
    public var externalBuffer: UInt32 = 0

    public init(shape: [Int32], type: TensorType, buffer: UInt32 = 0, name: String? = nil, quantization: QuantizationDefinition? = nil) {
        self.shape = shape
        self.type = type
        self.buffer = buffer
        self.name = name
        self.quantization = quantization
    }
}

/// Quantization parameters of a tensor.
public struct QuantizationDefinition: Equatable {
    public var min: [Float] = []
    public var max: [Float] = []
    public var scale: [Float] = []
    public var zeroPoint: [Int64] = []
    /// Custom or blockwise details (a `QuantizationDetails` union member).
    public var details: TableValue? = nil
    public var quantizedDimension: Int32 = 0

    public init(scale: [Float] = [], zeroPoint: [Int64] = [], quantizedDimension: Int32 = 0) {
        self.scale = scale
        self.zeroPoint = zeroPoint
        self.quantizedDimension = quantizedDimension
    }
}

/// An operator.
public struct OperatorDefinition: Equatable {
    public var opcodeIndex: UInt32
    /// Input tensor indices; −1 for an omitted optional input.
    public var inputs: [Int32]
    public var outputs: [Int32]
    /// Builtin options: a `BuiltinOptions` union member (e.g. `TableValue(.conv2DOptions, …)`).
    public var builtinOptions: TableValue? = nil
    /// Custom options bytes (nil when not stored).
    public var customOptions: [UInt8]? = nil
    public var customOptionsFormat: Int8 = 0
    public var mutatingVariableInputs: [Bool] = []
    public var intermediates: [Int32] = []
    /// A `BuiltinOptions2` union member (StableHLO operators).
    public var builtinOptions2: TableValue? = nil
    public var debugMetadataIndex: Int32 = -1

    public init(opcodeIndex: UInt32, inputs: [Int32], outputs: [Int32], builtinOptions: TableValue? = nil) {
        self.opcodeIndex = opcodeIndex
        self.inputs = inputs
        self.outputs = outputs
        self.builtinOptions = builtinOptions
    }
}

/// A named metadata entry.
public struct MetadataDefinition: Equatable {
    public var name: String?
    public var buffer: UInt32

    public init(name: String?, buffer: UInt32) {
        self.name = name
        self.buffer = buffer
    }
}

/// A signature over one subgraph.
public struct SignatureDefDefinition: Equatable {
    public var inputs: [TensorMapDefinition] = []
    public var outputs: [TensorMapDefinition] = []
    public var signatureKey: String? = nil
    public var subgraphIndex: UInt32 = 0

    public init() {}
}

/// A named tensor of a signature.
public struct TensorMapDefinition: Equatable {
    public var name: String?
    public var tensorIndex: UInt32

    public init(name: String?, tensorIndex: UInt32) {
        self.name = name
        self.tensorIndex = tensorIndex
    }
}
