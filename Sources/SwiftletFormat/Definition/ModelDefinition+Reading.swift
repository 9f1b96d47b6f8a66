extension ModelDefinition {
    /// Copies every field of a verified model, resolving out-of-line buffers and
    /// large custom options into owned bytes.
    public init(reading model: Model) throws(FormatError) {
        self.init()
        version = model.version
        description = model.modelDescription?.string
        operatorCodes = model.operatorCodes.map {
            OperatorCodeDefinition(builtinCode: $0.builtinCode, customCode: $0.customCode?.string, version: $0.version)
        }
        buffers = model.buffers.map { Array($0.data) }
        metadataBuffer = Array(model.metadataBuffer)
        metadata = model.metadata.map { MetadataDefinition(name: $0.name?.string, buffer: UInt32($0.bufferIndex)) }
        subgraphs = []
        for subgraph in model.subgraphs { subgraphs.append(try SubGraphDefinition(reading: subgraph)) }
        signatureDefs = model.signatureDefs.map { signature in
            var definition = SignatureDefDefinition()
            definition.inputs = signature.inputs.map { TensorMapDefinition(name: $0.name?.string, tensorIndex: UInt32($0.tensorIndex)) }
            definition.outputs = signature.outputs.map { TensorMapDefinition(name: $0.name?.string, tensorIndex: UInt32($0.tensorIndex)) }
            definition.signatureKey = signature.signatureKey?.string
            definition.subgraphIndex = UInt32(signature.subgraphIndex)
            return definition
        }
        for group in model.externalBufferGroups { externalBufferGroups.append(try TableValue(reading: group, as: .externalBufferGroup)) }
        for buffer in model.externalBuffers { externalBuffers.append(try TableValue(reading: buffer, as: .externalBuffer)) }
    }
}

extension SubGraphDefinition {
    /// Copies a verified subgraph.
    public init(reading subgraph: SubGraph) throws(FormatError) {
        self.init()
        for tensor in subgraph.tensors { tensors.append(try TensorDefinition(reading: tensor)) }
        inputs = Array(subgraph.inputs)
        outputs = Array(subgraph.outputs)
        for op in subgraph.operators { operators.append(try OperatorDefinition(reading: op)) }
        name = subgraph.name?.string
        debugMetadataIndex = subgraph.debugMetadataIndex
    }
}

extension TensorDefinition {
    /// Copies a verified tensor.
    public init(reading tensor: Tensor) throws(FormatError) {
        self.init(shape: Array(tensor.shape), type: tensor.type, buffer: UInt32(tensor.bufferIndex), name: tensor.name?.string)
        if let parameters = tensor.quantization {
            var quantization = QuantizationDefinition(scale: Array(parameters.scale), zeroPoint: Array(parameters.zeroPoint),
                                                      quantizedDimension: parameters.quantizedDimension)
            quantization.min = Array(parameters.min)
            quantization.max = Array(parameters.max)
            if let details = parameters.details {
                guard let member = SchemaUnion.quantizationDetails.table(forType: parameters.detailsType) else {
                    throw .cannotWrite(reason: "quantization details of a kind newer than this schema")
                }
                quantization.details = try TableValue(reading: details, as: member)
            }
            self.quantization = quantization
        }
        isVariable = tensor.isVariable
        if let sparsity = tensor.sparsity { self.sparsity = try TableValue(reading: sparsity, as: .sparsityParameters) }
        shapeSignature = Array(tensor.shapeSignature)
        hasRank = tensor.hasRank
        for variant in tensor.variantTensors { variantTensors.append(try TableValue(reading: variant, as: .variantSubType)) }
        externalBuffer = tensor.externalBuffer
    }
}

extension OperatorDefinition {
    /// Copies a verified operator.
    public init(reading op: Operator) throws(FormatError) {
        self.init(opcodeIndex: UInt32(op.opcodeIndex), inputs: Array(op.inputs), outputs: Array(op.outputs))
        if let options = op.builtinOptionsTable {
            guard let member = SchemaUnion.builtinOptions.table(forType: op.builtinOptionsType) else {
                throw .cannotWrite(reason: "builtin options of a kind newer than this schema")
            }
            builtinOptions = try TableValue(reading: options, as: member)
        }
        if let options = op.builtinOptions2Table {
            guard let member = SchemaUnion.builtinOptions2.table(forType: op.builtinOptions2Type) else {
                throw .cannotWrite(reason: "builtin options 2 of a kind newer than this schema")
            }
            builtinOptions2 = try TableValue(reading: options, as: member)
        }
        if op.table.isPresent(field: 5) || op.largeCustomOptionsOffset > 1 { customOptions = Array(op.customOptions) }
        customOptionsFormat = op.customOptionsFormat
        mutatingVariableInputs = Array(op.mutatingVariableInputs)
        intermediates = Array(op.intermediates)
        debugMetadataIndex = op.debugMetadataIndex
    }
}
