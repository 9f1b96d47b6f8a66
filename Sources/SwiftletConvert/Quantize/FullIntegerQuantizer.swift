import SwiftletFormat

/// Rewrites a float model into a full-integer one (int8 or 16x8) from calibrated ranges, following
/// TF's quantizers: the MLIR one for int8 (concatenation pushes its parameters back onto the
/// producers of its inputs, a requantizing QUANTIZE right after a producer that cannot follow,
/// bias overflow guard) and the old `tools/optimize` one for 16x8 (symmetric int16, weight scale
/// `absmax/127`, int64 bias, requantizing QUANTIZE right before the concatenation, min/max kept).
struct FullIntegerQuantizer {
    let mode: QuantizationMode
    let perTensor: Bool
    var definition: ModelDefinition
    let ranges: [Int: TensorRange]

    private var isInt16: Bool { mode == .int16x8 }
    private var activationType: TensorType { isInt16 ? .int16 : .int8 }

    init(definition: ModelDefinition, ranges: [Int: TensorRange], mode: QuantizationMode, perTensor: Bool) {
        self.definition = definition
        self.ranges = ranges
        self.mode = mode
        self.perTensor = perTensor
    }

    private struct Requantize {
        var tensor: Int
        var consumer: Int
        var position: Int
        var parameters: QuantizationDefinition
    }

    mutating func quantize() throws(ConvertError) -> ModelDefinition {
        guard definition.subgraphs.count == 1 else {
            throw .unsupportedFeature("models with \(definition.subgraphs.count) subgraphs; the quantizer handles one")
        }
        var graph = definition.subgraphs[0]
        let operators = graph.operators
        let (codes, rules) = try checkedSource()

        var producer: [Int: Int] = [:]
        for (index, op) in operators.enumerated() {
            for output in op.outputs where output >= 0 { producer[Int(output)] = index }
        }
        let graphInputs = Set(graph.inputs.map(Int.init))
        var consumerCount: [Int: Int] = [:]
        for op in operators { for input in op.inputs where input >= 0 { consumerCount[Int(input), default: 0] += 1 } }

        // Activation parameters: calibrated, then concatenation push-back (int8), then propagation.
        var parameters: [Int: QuantizationDefinition] = [:]
        for index in graph.tensors.indices where isActivation(graph.tensors[index]) {
            parameters[index] = calibratedParameters(index)
        }
        var requantize: [Requantize] = []
        var pushed: Set<Int> = []
        if !isInt16 {
            // MAXIMUM / MINIMUM, last first: their output's parameters go back onto their inputs'
            // producers, through chains of them and of single-input same-scale operators (TF 2.21:
            // add → MINIMUM(·, c) → MAXIMUM(·, c') all take MAXIMUM's output range). Only onto a
            // tensor nothing else reads: the clamped range would cut another consumer's values
            // (Selu's ELU feeds a MINIMUM and a MUL); that input gets a requantizing QUANTIZE.
            for (index, op) in operators.enumerated().reversed() {
                guard case .sharedWithOutput = rules[index].output, let shared = parameters[Int(op.outputs[0])] else { continue }
                for (position, input) in op.inputs.enumerated() where input >= 0 && parameters[Int(input)] != nil {
                    let tensor = Int(input)
                    let origin = Self.sameScaleOrigin(tensor, operators: operators, rules: rules, producer: producer) ?? tensor
                    var followsFree = false, followsShared = false
                    if let source = producer[origin] {
                        if case .free = rules[source].output { followsFree = true }
                        if case .sharedWithOutput = rules[source].output { followsShared = true }
                    }
                    if (followsFree || followsShared), !graphInputs.contains(origin), !pushed.contains(origin),
                       consumerCount[origin] == 1, origin == tensor || consumerCount[tensor] == 1 {
                        parameters[origin] = shared
                        pushed.insert(origin)
                    } else if !sameScale(parameters[origin], shared) {
                        requantize.append(Requantize(tensor: tensor, consumer: index, position: position, parameters: shared))
                    }
                }
            }
            for (index, op) in operators.enumerated() where codes[index] == .concatenation {
                let output = Int(op.outputs[0])
                for (position, input) in op.inputs.enumerated() where input >= 0 && parameters[Int(input)] != nil {
                    let tensor = Int(input)
                    // Through a chain of same-scale operators (pools, RESHAPE, REDUCE_MAX …) the parameters
                    // go back to the tensor the chain starts from (TF's backward propagation).
                    let origin = Self.sameScaleOrigin(tensor, operators: operators, rules: rules, producer: producer) ?? tensor
                    if let source = producer[origin], case .free = rules[source].output, !graphInputs.contains(origin), !pushed.contains(origin) {
                        parameters[origin] = parameters[output]
                        pushed.insert(origin)
                    } else {
                        if !sameScale(parameters[origin], parameters[output]) {
                            requantize.append(Requantize(tensor: tensor, consumer: index, position: position, parameters: parameters[output]!))
                        }
                    }
                }
            }
        }
        for (index, op) in operators.enumerated() {
            let output = Int(op.outputs[0])
            switch rules[index].output {
            case .sameAsInput:
                let dataInput = rules[index].dataInput
                if dataInput < op.inputs.count, op.inputs[dataInput] >= 0, let source = parameters[Int(op.inputs[dataInput])] {
                    for result in op.outputs where result >= 0 { parameters[Int(result)] = sameScaleCopy(source) }
                }
            case .fixed(let int8Scale, let int8ZeroPoint, let int16Scale):
                parameters[output] = isInt16
                    ? QuantizationDefinition(scale: [int16Scale ?? 0], zeroPoint: [0])
                    : QuantizationDefinition(scale: [int8Scale], zeroPoint: [int8ZeroPoint])
            case .concatenation where isInt16:
                for (position, input) in op.inputs.enumerated() where input >= 0 {
                    let tensor = Int(input)
                    if parameters[tensor] != nil, !sameScale(parameters[tensor], parameters[output]) {
                        requantize.append(Requantize(tensor: tensor, consumer: index, position: position, parameters: parameters[output]!))
                    }
                }
            default:
                break
            }
        }

        // Constants: weights and biases per operator, then every other float constant.
        var done: Set<Int> = []
        for (index, op) in operators.enumerated() {
            let rule = rules[index]
            guard let weightPosition = rule.weightInput, weightPosition < op.inputs.count, op.inputs[weightPosition] >= 0 else { continue }
            let weight = Int(op.inputs[weightPosition])
            guard isConstantFloat(graph.tensors[weight]), !done.contains(weight) else { continue }
            guard rule.activationInput < op.inputs.count, op.inputs[rule.activationInput] >= 0,
                  let inputParameters = parameters[Int(op.inputs[rule.activationInput])], let inputScale = inputParameters.scale.first else {
                throw .unsupportedFeature("operator \(index) (\(codes[index].name.map { "\($0)" } ?? "")): its input has no calibrated range")
            }
            let weightValues = constantValues(graph.tensors[weight])
            let shape = graph.tensors[weight].shape.map(Int.init)
            var bias: Int? = nil
            if let biasPosition = rule.biasInput, biasPosition < op.inputs.count, op.inputs[biasPosition] >= 0,
               isConstantFloat(graph.tensors[Int(op.inputs[biasPosition])]) {
                bias = Int(op.inputs[biasPosition])
            }
            let axis = rule.weightAxis
            let perTensor = self.perTensor || rule.weightPerTensor
            var scales: [Float]
            var weightQuantization: QuantizationDefinition
            if isInt16 {
                let extremes = QuantizationMath.channelMinMax(weightValues, shape: shape, axis: axis, perChannel: !perTensor)
                scales = zip(extremes.min, extremes.max).map { QuantizationMath.legacyWeightScale(absMax: Swift.max(abs($0), abs($1))) }
                weightQuantization = QuantizationDefinition(scale: scales, zeroPoint: [Int64](repeating: 0, count: scales.count),
                                                            quantizedDimension: perTensor ? 0 : Int32(axis))
                weightQuantization.min = extremes.min
                weightQuantization.max = extremes.max
            } else {
                let absMax = QuantizationMath.channelAbsMax(weightValues, shape: shape, axis: axis, perChannel: !perTensor)
                scales = absMax.map(QuantizationMath.int8WeightScale)
                if let bias {
                    scales = QuantizationMath.guardBiasOverflow(bias: constantValues(graph.tensors[bias]), inputScale: inputScale, weightScales: scales)
                }
                weightQuantization = QuantizationDefinition(scale: scales, zeroPoint: [Int64](repeating: 0, count: scales.count),
                                                            quantizedDimension: perTensor ? 0 : Int32(axis))
            }
            let levels = QuantizationMath.quantizeWeights(weightValues, shape: shape, axis: axis, scales: scales)
            setConstant(&graph, weight, type: .int8, bytes: levels.map { UInt8(bitPattern: $0) }, quantization: weightQuantization)
            done.insert(weight)
            if let bias, !done.contains(bias) {
                let biasValues = constantValues(graph.tensors[bias])
                let biasScales = QuantizationMath.biasScales(inputScale: inputScale, weightScales: scales)
                let biasQuantization = QuantizationDefinition(scale: biasScales, zeroPoint: [Int64](repeating: 0, count: biasScales.count), quantizedDimension: 0)
                if isInt16 {
                    setConstant(&graph, bias, type: .int64, bytes: TensorBytes.bytes(QuantizationMath.quantizeBias64(biasValues, scales: biasScales)), quantization: biasQuantization)
                } else {
                    setConstant(&graph, bias, type: .int32, bytes: TensorBytes.bytes(QuantizationMath.quantizeBias32(biasValues, scales: biasScales)), quantization: biasQuantization)
                }
                done.insert(bias)
            }
        }
        // Constants that take their operator's output parameters (PADV2's padding value).
        for (index, op) in operators.enumerated() where !isInt16 {
            for position in rules[index].constantsWithOutputParameters where position < op.inputs.count && op.inputs[position] >= 0 {
                let constant = Int(op.inputs[position])
                guard isConstantFloat(graph.tensors[constant]), !done.contains(constant),
                      let quantization = parameters[Int(op.outputs[0])], let scale = quantization.scale.first else { continue }
                let zeroPoint = quantization.zeroPoint.first ?? 0
                let levels = constantValues(graph.tensors[constant]).map {
                    Int8(QuantizationMath.quantizeActivation($0, scale: scale, zeroPoint: zeroPoint, low: -128, high: 127))
                }
                setConstant(&graph, constant, type: .int8, bytes: levels.map { UInt8(bitPattern: $0) },
                            quantization: QuantizationDefinition(scale: [scale], zeroPoint: [zeroPoint]))
                done.insert(constant)
            }
        }
        for index in graph.tensors.indices where isConstantFloat(graph.tensors[index]) && !done.contains(index) {
            let values = constantValues(graph.tensors[index])
            let low = values.min() ?? 0, high = values.max() ?? 0
            if isInt16 {
                let scale = QuantizationMath.int16Activation(min: low, max: high)
                var quantization = QuantizationDefinition(scale: [scale], zeroPoint: [0])
                quantization.min = [low]
                quantization.max = [high]
                let levels = values.map { Int16(QuantizationMath.quantizeActivation($0, scale: scale, zeroPoint: 0, low: -32767, high: 32767)) }
                setConstant(&graph, index, type: .int16, bytes: TensorBytes.bytes(levels), quantization: quantization)
            } else {
                let (scale, zeroPoint) = QuantizationMath.int8Activation(min: low, max: high)
                let levels = values.map { Int8(QuantizationMath.quantizeActivation($0, scale: scale, zeroPoint: zeroPoint, low: -128, high: 127)) }
                setConstant(&graph, index, type: .int8, bytes: levels.map { UInt8(bitPattern: $0) },
                            quantization: QuantizationDefinition(scale: [scale], zeroPoint: [zeroPoint]))
            }
        }

        // Activations take their integer type and parameters.
        for (index, quantization) in parameters {
            graph.tensors[index].type = activationType
            graph.tensors[index].quantization = quantization
        }

        // Operators: options, requantizing QUANTIZEs, and float I/O edges.
        for index in graph.operators.indices {
            graph.operators[index].builtinOptions = adjustedOptions(graph.operators[index].builtinOptions, code: codes[index])
        }
        let quantizeCode = opcode(.quantize, version: isInt16 ? 2 : 1)
        var before: [Int: [OperatorDefinition]] = [:]
        var after: [Int: [OperatorDefinition]] = [:]
        var leading: [OperatorDefinition] = []
        for item in requantize {
            var tensor = graph.tensors[item.tensor]
            tensor.name = (tensor.name ?? "") + (isInt16 ? "_requantized" : "1")
            tensor.quantization = item.parameters
            tensor.buffer = isInt16 ? 0 : appendBuffer()
            tensor.shapeSignature = graph.tensors[item.tensor].shapeSignature
            let newIndex = Int32(graph.tensors.count)
            graph.tensors.append(tensor)
            let op = OperatorDefinition(opcodeIndex: quantizeCode, inputs: [Int32(item.tensor)], outputs: [newIndex])
            graph.operators[item.consumer].inputs[item.position] = newIndex
            if isInt16 {
                before[item.consumer, default: []].insert(op, at: 0)
            } else if let source = producer[item.tensor] {
                after[source, default: []].append(op)
            } else {
                leading.append(op)
            }
        }
        var trailing: [OperatorDefinition] = []
        if mode == .int8FloatIO {
            for (position, input) in graph.inputs.enumerated() {
                let original = Int(input)
                var quantized = graph.tensors[original]
                quantized.name = "tfl.quantize"
                quantized.buffer = appendBuffer()
                let newIndex = Int32(graph.tensors.count)
                graph.tensors.append(quantized)
                graph.tensors[original].type = .float32
                graph.tensors[original].quantization = nil
                for i in graph.operators.indices {
                    graph.operators[i].inputs = graph.operators[i].inputs.map { $0 == input ? newIndex : $0 }
                }
                leading.insert(OperatorDefinition(opcodeIndex: quantizeCode, inputs: [input], outputs: [newIndex]), at: position)
            }
            let dequantizeCode = opcode(.dequantize, version: 2)
            for output in graph.outputs {
                let original = Int(output)
                var quantized = graph.tensors[original]
                quantized.name = (quantized.name ?? "") + "1"
                quantized.buffer = appendBuffer()
                let newIndex = Int32(graph.tensors.count)
                graph.tensors.append(quantized)
                graph.tensors[original].type = .float32
                graph.tensors[original].quantization = nil
                for i in graph.operators.indices {
                    graph.operators[i].inputs = graph.operators[i].inputs.map { $0 == output ? newIndex : $0 }
                    graph.operators[i].outputs = graph.operators[i].outputs.map { $0 == output ? newIndex : $0 }
                }
                trailing.append(OperatorDefinition(opcodeIndex: dequantizeCode, inputs: [newIndex], outputs: [output]))
            }
        }
        var rewritten = leading
        for (index, op) in graph.operators.enumerated() {
            rewritten += before[index] ?? []
            rewritten.append(op)
            rewritten += after[index] ?? []
        }
        graph.operators = rewritten + trailing
        definition.subgraphs[0] = graph

        for (index, code) in definition.operatorCodes.enumerated() {
            if let rule = OperatorQuantizationRule.rule(for: code.builtinCode), codes.contains(code.builtinCode) {
                // Options that raise the float operator's version (half-pixel resizing, rank-3
                // SPACE_TO_BATCH_ND …) raise the quantized operator's the same way.
                definition.operatorCodes[index].version = Swift.max(rule.version, code.version)
            }
        }
        return definition
    }

    /// Checks that the model is float and every operator is supported; returns each operator's
    /// builtin code and rule.
    func checkedSource() throws(ConvertError) -> (codes: [BuiltinOperator], rules: [OperatorQuantizationRule]) {
        let graph = definition.subgraphs[0]
        try Self.checkFloat(graph)
        var codes: [BuiltinOperator] = []
        var rules: [OperatorQuantizationRule] = []
        for (index, op) in graph.operators.enumerated() {
            let code = definition.operatorCodes[Int(op.opcodeIndex)].builtinCode
            guard let rule = OperatorQuantizationRule.rule(for: code) else {
                let output = op.outputs.first.map { graph.tensors[Int($0)].name ?? "" } ?? ""
                throw .unsupportedOperator(name: code.name.map { "\($0)" } ?? "builtin \(code.rawValue)",
                                           node: "operator \(index) (output '\(output)')",
                                           supported: OperatorQuantizationRule.supportedNames)
            }
            if isInt16 && !rule.int16 {
                throw .unsupportedFeature("16x8 quantization of \(code.name.map { "\($0)" } ?? "builtin \(code.rawValue)") (operator \(index)): "
                    + "Swiftlet quantizes it to int8 only; use --quantize int8")
            }
            codes.append(code)
            rules.append(rule)
        }
        return (codes, rules)
    }

    // MARK: - Parameters

    private func calibratedParameters(_ tensor: Int) -> QuantizationDefinition {
        var range = ranges[tensor] ?? TensorRange(min: 0, max: 0)
        if !(range.min <= range.max) { range = TensorRange(min: 0, max: 0) }
        if isInt16 {
            var quantization = QuantizationDefinition(scale: [QuantizationMath.int16Activation(min: range.min, max: range.max)], zeroPoint: [0])
            quantization.min = [range.min]
            quantization.max = [range.max]
            return quantization
        }
        let (scale, zeroPoint) = QuantizationMath.int8Activation(min: range.min, max: range.max)
        return QuantizationDefinition(scale: [scale], zeroPoint: [zeroPoint])
    }

    /// The parameters a same-scale operator's output takes from its input (the old quantizer
    /// does not carry the recorded min/max along).
    /// The tensor whose parameters a chain of same-scale operators carries to `tensor`, if `tensor`
    /// is produced by one (nil when it has its own).
    private static func sameScaleOrigin(_ tensor: Int, operators: [OperatorDefinition], rules: [OperatorQuantizationRule],
                                        producer: [Int: Int]) -> Int? {
        var current = tensor, steps = 0
        while let source = producer[current], case .sameAsInput = rules[source].output,
              rules[source].dataInput < operators[source].inputs.count,
              case let input = operators[source].inputs[rules[source].dataInput], input >= 0, steps < operators.count {
            current = Int(input)
            steps += 1
        }
        return steps > 0 ? current : nil
    }

    private func sameScaleCopy(_ source: QuantizationDefinition) -> QuantizationDefinition {
        QuantizationDefinition(scale: source.scale, zeroPoint: source.zeroPoint)
    }

    private func sameScale(_ a: QuantizationDefinition?, _ b: QuantizationDefinition?) -> Bool {
        a?.scale == b?.scale && a?.zeroPoint == b?.zeroPoint
    }

    // MARK: - Tensors

    private func isConstantFloat(_ tensor: TensorDefinition) -> Bool {
        tensor.type == .float32 && tensor.buffer != 0 && !definition.buffers[Int(tensor.buffer)].isEmpty
    }

    private func isActivation(_ tensor: TensorDefinition) -> Bool {
        tensor.type == .float32 && (tensor.buffer == 0 || definition.buffers[Int(tensor.buffer)].isEmpty) && !tensor.isVariable
    }

    private func constantValues(_ tensor: TensorDefinition) -> [Float] {
        TensorBytes.floats(definition.buffers[Int(tensor.buffer)])
    }

    private mutating func setConstant(_ graph: inout SubGraphDefinition, _ index: Int, type: TensorType, bytes: [UInt8],
                                      quantization: QuantizationDefinition) {
        let buffer = Int(graph.tensors[index].buffer)
        let shared = graph.tensors.indices.contains { $0 != index && Int(graph.tensors[$0].buffer) == buffer }
        if shared {
            graph.tensors[index].buffer = UInt32(definition.buffers.count)
            definition.buffers.append(bytes)
        } else {
            definition.buffers[buffer] = bytes
        }
        graph.tensors[index].type = type
        graph.tensors[index].quantization = quantization
    }

    private mutating func appendBuffer() -> UInt32 {
        definition.buffers.append([])
        return UInt32(definition.buffers.count - 1)
    }

    private mutating func opcode(_ code: BuiltinOperator, version: Int32) -> UInt32 {
        if let index = definition.operatorCodes.firstIndex(where: { $0.builtinCode == code && $0.version == version }) {
            return UInt32(index)
        }
        definition.operatorCodes.append(OperatorCodeDefinition(builtinCode: code, version: version))
        return UInt32(definition.operatorCodes.count - 1)
    }

    private func adjustedOptions(_ options: TableValue?, code: BuiltinOperator) -> TableValue? {
        guard isInt16, var options else { return options }
        switch code {
        case .conv2D, .fullyConnected:
            options["quantized_bias_type"] = .int(Int64(TensorType.int64.rawValue))
        case .add, .sub:
            options["pot_scale_int16"] = .bool(false)
        default:
            break
        }
        return options
    }

    private static func checkFloat(_ graph: SubGraphDefinition) throws(ConvertError) {
        for tensor in graph.tensors where tensor.type == .int8 || tensor.type == .int16 || tensor.type == .uint8
            || (tensor.quantization.map { !$0.scale.isEmpty } ?? false) {
            throw .alreadyQuantized(tensor: tensor.name ?? "?", type: tensor.type.name.map { "\($0)" } ?? "?")
        }
    }
}
