import Foundation
import SwiftletFormat

/// Builds a `Graph` from a saved Keras model: Sequential or Functional (shared layers, several
/// inputs and outputs, residual connections), each layer translated to TFLite operators as
/// TensorFlow's converter translates it (`KerasLayerConverter`). The batch dimension is fixed
/// (1 by default, as micro models are).
public enum KerasImporter {
    /// Reads `path` (`.keras` or `.h5`) and returns the optimized graph (`GraphPasses.optimize`).
    public static func importModel(path: String, batchSize: Int = 1) throws(ConvertError) -> Graph {
        try importModel(KerasModelFile(path: path), batchSize: batchSize)
    }

    /// Translates a read model and optimizes the graph.
    public static func importModel(_ file: KerasModelFile, batchSize: Int = 1) throws(ConvertError) -> Graph {
        guard batchSize >= 1 else { throw .invalidInput("the batch size must be at least 1 (got \(batchSize))") }
        var builder = KerasGraphBuilder(file: file, batchSize: batchSize)
        try builder.build()
        var graph = builder.converter.graph
        GraphPasses.optimize(&graph)
        return graph
    }
}

/// Walks a model's layers and calls the layer converter in dependency order.
struct KerasGraphBuilder {
    let file: KerasModelFile
    let batchSize: Int
    var converter: KerasLayerConverter
    var layers: [String: KerasLayerEntry] = [:]
    var order: [String] = []
    var computed: [KerasTensorReference: TensorID] = [:]
    var inProgress: Set<String> = []

    init(file: KerasModelFile, batchSize: Int) {
        self.file = file
        self.batchSize = batchSize
        converter = KerasLayerConverter(path: file.path, weights: file.weights)
    }

    mutating func build() throws(ConvertError) {
        let className = file.config["class_name"] as? String ?? ""
        guard let modelConfig = file.config["config"] as? [String: Any], let entries = modelConfig["layers"] as? [Any] else {
            throw .malformed(path: file.path, reason: "the model config has no layer list")
        }
        var parsed: [KerasLayerEntry] = []
        for case let entry as [String: Any] in entries { parsed.append(try KerasLayerEntry(entry, path: file.path)) }
        switch className {
        case "Sequential":
            try buildSequential(parsed, modelConfig: modelConfig)
        case "Functional", "Model":
            try buildFunctional(parsed, modelConfig: modelConfig)
        default:
            throw .unsupportedFeature("model class \(className.isEmpty ? "(none)" : className): Swiftlet converts Sequential and Functional models (subclassed models have no saved graph; rebuild them functionally)")
        }
    }

    /// The static input shape from an InputLayer config (Keras 3 `batch_shape`, tf.keras
    /// `batch_input_shape`) or a first layer's `batch_input_shape`.
    func inputShape(_ config: KerasConfig) throws(ConvertError) -> [Int]? {
        for key in ["batch_shape", "batch_input_shape"] {
            guard let list = config.values[key] as? [Any] else { continue }
            var shape = [batchSize]
            for dimension in list.dropFirst() {
                guard let size = KerasConfig.integer(dimension), size > 0 else {
                    throw .unsupportedFeature("\(config.layer): input shape \(list.map { "\($0)" }) has an unknown dimension besides the batch; Swiftlet needs static shapes (give the Input layer a full shape)")
                }
                shape.append(size)
            }
            return shape
        }
        return nil
    }

    /// An InputLayer's element type: float32, or int32 for integer inputs (token ids).
    func inputType(_ config: KerasConfig) throws(ConvertError) -> TensorType {
        var name = "float32"
        if let text = config.values["dtype"] as? String { name = text }
        if let policy = config.values["dtype"] as? [String: Any], let inner = policy["config"] as? [String: Any],
           let text = inner["name"] as? String { name = text }
        switch name {
        case "float32", "float16", "float64", "bfloat16": return .float32
        case "int32", "int64", "int16", "int8", "uint8", "uint16": return .int32
        default: throw .unsupportedFeature("\(config.layer): input dtype \(name) (supported: float and integer inputs)")
        }
    }

    private mutating func buildSequential(_ entries: [KerasLayerEntry], modelConfig: [String: Any]) throws(ConvertError) {
        var remaining = entries[...]
        var shape: [Int]?
        var inputName = "input"
        if let first = remaining.first, first.className == "InputLayer" {
            shape = try inputShape(first.config)
            inputName = first.name
            remaining = remaining.dropFirst()
        } else if let first = remaining.first {
            shape = try inputShape(first.config)
            if shape == nil, let build = (first.config.values["build_config"] as? [String: Any])?["input_shape"] {
                shape = try inputShape(KerasConfig(values: ["batch_shape": build], layer: first.config.layer))
            }
        }
        guard let shape else {
            throw .unsupportedFeature("a Sequential model without an input shape; add keras.Input(shape=…) before saving")
        }
        let type = remaining.startIndex > entries.startIndex ? try inputType(entries[entries.startIndex].config) : .float32
        var current = converter.graph.input(inputName, shape: shape, type: type, signatureName: inputName)
        for entry in remaining {
            let outputs = try converter.convert(entry, inputs: [current])
            guard outputs.count == 1 else { throw .unsupportedFeature("\(entry.config.layer) returns several tensors inside a Sequential model") }
            current = outputs[0]
        }
        converter.graph.output(current)
    }

    private mutating func buildFunctional(_ entries: [KerasLayerEntry], modelConfig: [String: Any]) throws(ConvertError) {
        for entry in entries {
            layers[entry.name] = entry
            order.append(entry.name)
        }
        let inputs = try KerasLayerEntry.references(modelConfig["input_layers"], path: file.path, key: "input_layers")
        let outputs = try KerasLayerEntry.references(modelConfig["output_layers"], path: file.path, key: "output_layers")
        for reference in inputs {
            guard let entry = layers[reference.layer], entry.className == "InputLayer" else {
                throw .malformed(path: file.path, reason: "model input \(reference.layer) is not an InputLayer")
            }
            guard let shape = try inputShape(entry.config) else {
                throw .malformed(path: file.path, reason: "input layer \(entry.name) has no shape")
            }
            computed[reference] = converter.graph.input(entry.name, shape: shape, type: try inputType(entry.config), signatureName: entry.name)
        }
        for reference in outputs {
            converter.graph.output(try tensor(reference))
        }
    }

    /// The graph tensor for one layer output, computing the layer call (and what it needs) first.
    private mutating func tensor(_ reference: KerasTensorReference) throws(ConvertError) -> TensorID {
        if let known = computed[reference] { return known }
        guard let entry = layers[reference.layer] else {
            throw .malformed(path: file.path, reason: "a layer reads \(reference.layer), which the model does not define")
        }
        guard entry.className != "InputLayer" else {
            throw .unsupportedFeature("input layer \(entry.name) is used but is not one of the model's inputs")
        }
        guard reference.node < entry.inboundNodes.count else {
            throw .malformed(path: file.path, reason: "layer \(entry.name) has no call \(reference.node)")
        }
        let key = "\(entry.name)#\(reference.node)"
        guard inProgress.insert(key).inserted else {
            throw .malformed(path: file.path, reason: "layer \(entry.name) depends on itself")
        }
        var inputs: [TensorID] = []
        for input in entry.inboundNodes[reference.node] { inputs.append(try tensor(input)) }
        let outputs = try converter.convert(entry, inputs: inputs)
        inProgress.remove(key)
        for (index, output) in outputs.enumerated() {
            computed[KerasTensorReference(layer: entry.name, node: reference.node, tensor: index)] = output
        }
        guard let result = computed[reference] else {
            throw .malformed(path: file.path, reason: "layer \(entry.name) has no output \(reference.tensor)")
        }
        return result
    }
}
