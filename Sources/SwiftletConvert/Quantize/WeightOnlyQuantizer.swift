import SwiftletFormat

/// The modes without calibration: dynamic-range (int8 weights, float activations) and float16
/// (float16 constants, each dequantized to float32 by a DEQUANTIZE operator).
enum WeightOnlyQuantizer {
    /// int8 symmetric per-channel weights (the MLIR formula) for CONV_2D (its operator code then
    /// written as version 5, for every CONV_2D, as TF does), DEPTHWISE_CONV_2D (6) and
    /// FULLY_CONNECTED (12, `asymmetric_quantize_inputs`), for weight tensors of at least
    /// `minimumElements` elements; everything else stays float32.
    static func dynamicRange(_ source: ModelDefinition, perTensor: Bool, minimumElements: Int) throws(ConvertError) -> ModelDefinition {
        var definition = source
        var graph = definition.subgraphs[0]
        try checkFloat(graph)
        for index in graph.operators.indices {
            let op = graph.operators[index]
            let code = definition.operatorCodes[Int(op.opcodeIndex)].builtinCode
            let axis: Int, version: Int32
            switch code {
            case .conv2D: (axis, version) = (0, 5)
            case .depthwiseConv2D: (axis, version) = (3, 6)
            case .fullyConnected: (axis, version) = (0, 12)
            default: continue
            }
            guard op.inputs.count > 1, op.inputs[1] >= 0 else { continue }
            let weight = Int(op.inputs[1])
            let tensor = graph.tensors[weight]
            let bytes = definition.buffers[Int(tensor.buffer)]
            guard tensor.type == .float32, !bytes.isEmpty, bytes.count / 4 >= minimumElements else { continue }
            let values = TensorBytes.floats(bytes)
            let shape = tensor.shape.map(Int.init)
            let scales = QuantizationMath.channelAbsMax(values, shape: shape, axis: axis, perChannel: !perTensor)
                .map(QuantizationMath.int8WeightScale)
            let levels = QuantizationMath.quantizeWeights(values, shape: shape, axis: axis, scales: scales)
            definition.buffers[Int(tensor.buffer)] = levels.map { UInt8(bitPattern: $0) }
            graph.tensors[weight].type = .int8
            graph.tensors[weight].quantization = QuantizationDefinition(scale: scales, zeroPoint: [Int64](repeating: 0, count: scales.count),
                                                                        quantizedDimension: perTensor ? 0 : Int32(axis))
            // As TF, the operator code (shared by every operator of that builtin) takes the hybrid version.
            definition.operatorCodes[Int(op.opcodeIndex)].version = version
            if code == .fullyConnected {
                var options = graph.operators[index].builtinOptions ?? TableValue(.fullyConnectedOptions)
                options["asymmetric_quantize_inputs"] = .bool(true)
                graph.operators[index].builtinOptions = options
            }
        }
        definition.subgraphs[0] = graph
        definition.operatorCodes = compactedCodes(&definition)
        return definition
    }

    /// Every float32 constant becomes FLOAT16 and is read through a DEQUANTIZE (version 3) whose
    /// float32 output (named after the constant + "1") replaces it; the DEQUANTIZEs come first.
    static func float16(_ source: ModelDefinition) throws(ConvertError) -> ModelDefinition {
        var definition = source
        var graph = definition.subgraphs[0]
        try checkFloat(graph)
        definition.operatorCodes.append(OperatorCodeDefinition(builtinCode: .dequantize, version: 3))
        let dequantizeCode = UInt32(definition.operatorCodes.count - 1)
        var replacement: [Int32: Int32] = [:]
        var leading: [OperatorDefinition] = []
        for op in graph.operators {
            for input in op.inputs where input >= 0 && replacement[input] == nil {
                let tensor = graph.tensors[Int(input)]
                let bytes = definition.buffers[Int(tensor.buffer)]
                guard tensor.type == .float32, tensor.buffer != 0, !bytes.isEmpty else { continue }
                definition.buffers[Int(tensor.buffer)] = TensorBytes.float16Bytes(TensorBytes.floats(bytes))
                graph.tensors[Int(input)].type = .float16
                var dequantized = tensor
                dequantized.name = (tensor.name ?? "") + "1"
                definition.buffers.append([])
                dequantized.buffer = UInt32(definition.buffers.count - 1)
                let newIndex = Int32(graph.tensors.count)
                graph.tensors.append(dequantized)
                replacement[input] = newIndex
                leading.append(OperatorDefinition(opcodeIndex: dequantizeCode, inputs: [input], outputs: [newIndex]))
            }
        }
        for index in graph.operators.indices {
            graph.operators[index].inputs = graph.operators[index].inputs.map { replacement[$0] ?? $0 }
        }
        graph.operators = leading + graph.operators
        definition.subgraphs[0] = graph
        definition.operatorCodes = compactedCodes(&definition)
        return definition
    }

    /// Drops operator codes no operator uses any more and renumbers the operators.
    private static func compactedCodes(_ definition: inout ModelDefinition) -> [OperatorCodeDefinition] {
        var used: [UInt32: UInt32] = [:]
        var codes: [OperatorCodeDefinition] = []
        for g in definition.subgraphs.indices {
            for i in definition.subgraphs[g].operators.indices {
                let old = definition.subgraphs[g].operators[i].opcodeIndex
                if used[old] == nil {
                    used[old] = UInt32(codes.count)
                    codes.append(definition.operatorCodes[Int(old)])
                }
                definition.subgraphs[g].operators[i].opcodeIndex = used[old]!
            }
        }
        return codes
    }

    private static func checkFloat(_ graph: SubGraphDefinition) throws(ConvertError) {
        for tensor in graph.tensors where tensor.type == .int8 || tensor.type == .int16 || tensor.type == .uint8 || tensor.type == .float16
            || (tensor.quantization.map { !$0.scale.isEmpty } ?? false) {
            throw .alreadyQuantized(tensor: tensor.name ?? "?", type: tensor.type.name.map { "\($0)" } ?? "?")
        }
    }
}
