import SwiftletFormat

/// Turns a `Graph` into a `.tflite` model laid out as TensorFlow's converter lays it out:
///
/// - one subgraph `main`; tensors ordered graph inputs, then constants (in order of first use),
///   then operator outputs in execution order; tensors nothing uses are left out;
/// - every tensor has its own buffer (buffer `i + 1` for tensor `i`, empty for activations), and
///   buffer 0 is the empty sentinel; every tensor has an (empty unless quantized) quantization
///   table and `has_rank`;
/// - operator codes in order of first use, each at the highest version its operators need
///   (`OperatorVersion`), options with default fields left out;
/// - metadata `min_runtime_version` (16 bytes, zero-padded) computed from the operator versions;
/// - a `serving_default` signature over the graph's inputs and outputs.
///
/// TensorFlow also writes a `CONVERSION_METADATA` entry describing its own converter's settings;
/// Swiftlet does not pretend to be that converter and leaves it out.
public enum GraphWriter {
    /// The model's description string.
    public static let description = "Swiftlet converted."

    /// The `.tflite` bytes of `graph`.
    public static func serialize(_ graph: Graph) throws(ConvertError) -> [UInt8] {
        let definition = try modelDefinition(graph)
        do {
            return try ModelWriter.serialize(definition)
        } catch {
            throw .invalidGraph("the model cannot be written: \(error)")
        }
    }

    /// The graph as an editable `ModelDefinition`.
    public static func modelDefinition(_ graph: Graph) throws(ConvertError) -> ModelDefinition {
        try validate(graph)

        // Tensor order: inputs, constants by first use, operator outputs.
        var order: [TensorID] = []
        var position: [TensorID: Int32] = [:]
        func place(_ id: TensorID) {
            guard position[id] == nil else { return }
            position[id] = Int32(order.count)
            order.append(id)
        }
        graph.inputs.forEach(place)
        for op in graph.operators {
            for case let input? in op.inputs where graph[input].isConstant { place(input) }
        }
        for op in graph.operators { op.outputs.forEach(place) }
        for output in graph.outputs where graph[output].isConstant { place(output) }

        var model = ModelDefinition()
        model.description = description
        var subgraph = SubGraphDefinition()
        subgraph.name = "main"
        for (index, id) in order.enumerated() {
            let tensor = graph[id]
            guard tensor.shape.allSatisfy({ $0 >= 0 && $0 <= Int(Int32.max) }) else {
                throw .invalidGraph("tensor \(tensor.name) has shape \(tensor.shape)")
            }
            model.buffers.append(tensor.data ?? [])
            var definition = TensorDefinition(shape: tensor.shape.map { Int32($0) }, type: tensor.type, buffer: UInt32(index + 1),
                                              name: tensor.name, quantization: tensor.quantization ?? QuantizationDefinition())
            definition.hasRank = true
            subgraph.tensors.append(definition)
        }
        subgraph.inputs = graph.inputs.map { position[$0]! }
        subgraph.outputs = graph.outputs.map { position[$0]! }

        // Operators and their codes.
        var codeIndex: [BuiltinOperator: Int] = [:]
        for op in graph.operators {
            let signature = OperatorSignature(
                code: op.code,
                inputTypes: op.inputs.map { $0.map { graph[$0].type } },
                inputShapes: op.inputs.map { $0.map { graph[$0].shape } ?? [] },
                outputTypes: op.outputs.map { graph[$0].type },
                options: op.options,
                perChannel: op.inputs.count > 1 && (op.inputs[1].flatMap { graph[$0].quantization?.scale.count } ?? 0) > 1)
            let version = OperatorVersion.version(of: signature)
            let index: Int
            if let known = codeIndex[op.code] {
                index = known
                model.operatorCodes[index].version = max(model.operatorCodes[index].version, version)
            } else {
                index = model.operatorCodes.count
                codeIndex[op.code] = index
                model.operatorCodes.append(OperatorCodeDefinition(builtinCode: op.code, version: version))
            }
            subgraph.operators.append(OperatorDefinition(
                opcodeIndex: UInt32(index),
                inputs: op.inputs.map { $0.map { position[$0]! } ?? -1 },
                outputs: op.outputs.map { position[$0]! },
                builtinOptions: op.options.tableValue))
        }
        model.subgraphs = [subgraph]

        // Metadata: the minimum runtime version, as the converter computes it.
        var runtime = ""
        for code in model.operatorCodes {
            if let needed = OperatorVersion.minimumRuntime(code.builtinCode, version: code.version),
               runtime.isEmpty || OperatorVersion.precedes(runtime, needed) {
                runtime = needed
            }
        }
        var runtimeBytes = Array(runtime.utf8)
        runtimeBytes += [UInt8](repeating: 0, count: max(0, 16 - runtimeBytes.count))
        model.metadata.append(MetadataDefinition(name: "min_runtime_version", buffer: UInt32(model.buffers.count)))
        model.buffers.append(runtimeBytes)

        // Signature.
        var signature = SignatureDefDefinition()
        signature.signatureKey = "serving_default"
        for (k, id) in graph.inputs.enumerated() {
            let name = k < graph.inputSignatureNames.count ? graph.inputSignatureNames[k] : graph[id].name
            signature.inputs.append(TensorMapDefinition(name: name, tensorIndex: UInt32(position[id]!)))
        }
        for (k, id) in graph.outputs.enumerated() {
            let name = k < graph.outputSignatureNames.count ? graph.outputSignatureNames[k] : "output_\(k)"
            signature.outputs.append(TensorMapDefinition(name: name, tensorIndex: UInt32(position[id]!)))
        }
        model.signatureDefs = [signature]
        return model
    }

    /// Checks that every operand exists and is available when its operator runs, that every
    /// activation is written once, and that every output is computed.
    public static func validate(_ graph: Graph) throws(ConvertError) {
        let count = graph.tensors.count
        func check(_ id: TensorID, _ role: String) throws(ConvertError) {
            guard id.index >= 0 && id.index < count else { throw .invalidGraph("\(role) refers to tensor \(id.index) of \(count)") }
        }
        guard !graph.outputs.isEmpty else { throw .invalidGraph("the graph has no outputs") }
        var available = Set<TensorID>()
        for input in graph.inputs {
            try check(input, "a graph input")
            guard !graph[input].isConstant else { throw .invalidGraph("graph input \(graph[input].name) is a constant") }
            available.insert(input)
        }
        for (index, op) in graph.operators.enumerated() {
            let label = "operator \(index) (\(op.code.name.map { "\($0)" } ?? "code \(op.code.rawValue)"))"
            for case let input? in op.inputs {
                try check(input, label)
                guard graph[input].isConstant || available.contains(input) else {
                    throw .invalidGraph("\(label) reads \(graph[input].name) before anything writes it")
                }
            }
            for output in op.outputs {
                try check(output, label)
                guard !graph[output].isConstant, !available.contains(output) else {
                    throw .invalidGraph("\(label) writes \(graph[output].name), which is already defined")
                }
                available.insert(output)
            }
        }
        for output in graph.outputs {
            try check(output, "a graph output")
            guard available.contains(output) || graph[output].isConstant else {
                throw .invalidGraph("graph output \(graph[output].name) is never computed")
            }
        }
    }
}
