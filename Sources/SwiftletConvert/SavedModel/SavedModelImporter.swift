import Foundation
import SwiftletFormat

/// An imported SavedModel: the graph, ready for `GraphWriter` or the quantizer.
public struct SavedModelImport {
    /// The converted graph (optimized: batch normalization folded, activations fused).
    public var graph: Graph
    /// The signature converted.
    public var signature: String
    /// Every signature the model offers.
    public var signatures: [String]
}

/// Converts a TensorFlow SavedModel folder (Keras 3 `model.export`, `tf.saved_model.save` of a
/// `tf.Module`) to a `Graph`, without TensorFlow: reads `saved_model.pb` and the variables
/// bundle, follows the signature's function calls, freezes the variables, folds constants with
/// the batch fixed to 1 and maps TensorFlow operators to TFLite ones.
///
/// ```swift
/// let imported = try SavedModelImporter.convert(path: "exported_model")
/// let bytes = try GraphWriter.serialize(imported.graph)
/// ```
public enum SavedModelImporter {
    /// The signature converted when none is named.
    public static let defaultSignature = "serving_default"

    /// Whether `path` is a folder holding `saved_model.pb`.
    public static func isSavedModel(path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            && FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("saved_model.pb"))
    }

    /// Imports signature `signature` of the SavedModel folder at `path`.
    public static func convert(path: String, signature: String = defaultSignature) throws(ConvertError) -> SavedModelImport {
        let file = try SavedModelFile(path: path)
        guard let definition = file.metaGraph.signatureDef[signature] else {
            throw .invalidInput("\(path) has no signature '\(signature)'; it has: \(file.signatureNames.joined(separator: ", ")) (choose one with --signature)")
        }
        let converter = TFGraphConverter(file: file)
        let main = TFGraphConverter.Scope(name: "the main graph", nodes: file.metaGraph.graphDef.node, arguments: [:], isFunction: false)

        for key in definition.inputs.keys.sorted() {
            let info = definition.inputs[key]!
            let nodeName = String(info.name.split(separator: ":").first ?? "")
            guard info.dtype == .dtFloat else {
                throw .unsupportedFeature("\(path): signature input '\(key)' is \(TFDataType.name(info.dtype)); the importer converts float32 inputs")
            }
            guard !info.tensorShape.unknownRank else {
                throw .unsupportedFeature("\(path): signature input '\(key)' has an unknown rank; export with a fixed input shape")
            }
            var shape: [Int] = []
            for (index, dimension) in info.tensorShape.dim.enumerated() {
                if dimension.size > 0 {
                    shape.append(Int(dimension.size))
                } else if index == 0 {
                    shape.append(1)
                } else {
                    throw .unsupportedFeature("\(path): signature input '\(key)' has a dynamic dimension \(index); export with a static input shape")
                }
            }
            let id = converter.graph.input(nodeName, shape: shape, signatureName: key)
            main.arguments[nodeName] = .tensor(id)
        }
        guard !converter.graph.inputs.isEmpty else { throw .unsupportedFeature("\(path): signature '\(signature)' has no inputs") }

        for key in definition.outputs.keys.sorted() {
            let info = definition.outputs[key]!
            let value = try converter.value(info.name, in: main, for: "signature output '\(key)'")
            var id: TensorID
            switch value {
            case .tensor(let tensor): id = tensor
            case .constant, .variable:
                throw .unsupportedFeature("\(path): signature output '\(key)' is a constant; nothing to compute")
            }
            if converter.graph.inputs.contains(id) || converter.graph.outputs.contains(id) {
                id = try converter.graph.reshape(id, to: converter.graph[id].shape, name: key)
            }
            converter.graph.output(id, signatureName: key)
        }
        var graph = converter.graph
        GraphPasses.optimize(&graph)
        try addZeroBiases(&graph)
        return SavedModelImport(graph: graph, signature: signature, signatures: file.signatureNames)
    }

    /// Gives every CONV_2D and DEPTHWISE_CONV_2D without a bias a zero one, as TF's converter
    /// always does (LiteRT needs it, and the int8 model then equals TF's operator for operator).
    static func addZeroBiases(_ graph: inout Graph) throws(ConvertError) {
        for index in graph.operators.indices where [.conv2D, .depthwiseConv2D].contains(graph.operators[index].code) {
            let op = graph.operators[index]
            guard op.inputs.count == 3, op.inputs[2] == nil, let output = op.outputs.first, let channels = graph[output].shape.last else { continue }
            let bias = try graph.constant("\(graph[output].name)/zero_bias", shape: [channels], floats: [Float](repeating: 0, count: channels))
            graph.operators[index].inputs[2] = bias
        }
    }
}
