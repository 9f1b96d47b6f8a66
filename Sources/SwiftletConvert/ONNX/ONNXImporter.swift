import Foundation
import SwiftProtobuf
import SwiftletFormat

/// Options of the ONNX import.
public struct ONNXImportOptions: Equatable, Sendable {
    /// Keep 4-D (and convolutional 3-D) inputs channels-first, as in the ONNX model, with one
    /// TRANSPOSE after each; by default they become channels-last (NHWC), what a camera or
    /// feature pipeline on a microcontroller delivers.
    public var keepNCHWInputs: Bool

    public init(keepNCHWInputs: Bool = false) {
        self.keepNCHWInputs = keepNCHWInputs
    }
}

/// An imported ONNX model: the graph, ready for `GraphWriter` or the quantizer, and how its
/// inputs and outputs relate to the ONNX ones.
public struct ONNXImport {
    /// The converted graph (optimized: BatchNormalization folded, activations fused).
    public var graph: Graph
    /// For each graph input, whether it is the ONNX tensor unchanged or its channels-last form.
    public var inputLayouts: [ONNXTensorLayout]
    /// For each graph output, likewise.
    public var outputLayouts: [ONNXTensorLayout]
    /// The default-domain opset the model imports.
    public var opset: Int
    /// The producer the model names (e.g. `pytorch`), possibly empty.
    public var producer: String

    /// TRANSPOSE operators left in the graph (zero for convolutional networks with NHWC inputs).
    public var transposeCount: Int { graph.operators.filter { $0.code == .transpose }.count }
}

/// Converts ONNX models (`.onnx`, as PyTorch's `torch.onnx.export` writes them) to a `Graph` in
/// TFLite's NHWC semantics, permuting weights and axes rather than wrapping operators in
/// TRANSPOSEs. Opsets 11–21 of the default domain.
///
/// ```swift
/// let imported = try ONNXImporter.convert(path: "model.onnx")
/// let bytes = try GraphWriter.serialize(imported.graph)
/// ```
public enum ONNXImporter {
    /// The opsets the importer reads.
    public static let supportedOpsets = 11...21

    /// Imports the model at `path`; external tensor data is read from files next to it.
    public static func convert(path: String, options: ONNXImportOptions = ONNXImportOptions()) throws(ConvertError) -> ONNXImport {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw .invalidInput("cannot read \(path): \(error.localizedDescription)")
        }
        return try convert(data: data, directory: url.deletingLastPathComponent(), path: path, options: options)
    }

    /// Imports a serialized `ModelProto`. `directory` is where external data files are looked up
    /// (nil: the model must hold all its tensors); `path` names the model in errors.
    public static func convert(data: Data, directory: URL?, path: String = "model.onnx",
                               options: ONNXImportOptions = ONNXImportOptions()) throws(ConvertError) -> ONNXImport {
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw .malformed(path: path, reason: "not a readable ONNX ModelProto (\(error))")
        }
        guard model.hasGraph, model.irVersion > 0 else {
            throw .unsupportedFormat(path: path, reason: "no ONNX graph or IR version in the file; is it an .onnx model?")
        }
        let imports = model.opsetImport.filter { $0.domain.isEmpty || $0.domain == "ai.onnx" }
        guard let opset = imports.first.map({ Int($0.version) }) else {
            throw .unsupportedFormat(path: path, reason: "the model imports no default-domain opset")
        }
        guard supportedOpsets.contains(opset) else {
            throw .unsupportedFeature("\(path) uses ONNX opset \(opset); the importer reads opsets \(supportedOpsets.lowerBound)–\(supportedOpsets.upperBound) (re-export with opset_version in that range)")
        }
        return try importGraph(model.graph, opset: opset, producer: model.producerName, directory: directory, path: path, options: options)
    }

    private static func importGraph(_ proto: Onnx_GraphProto, opset: Int, producer: String, directory: URL?, path: String,
                                    options: ONNXImportOptions) throws(ConvertError) -> ONNXImport {
        var converter = ONNXGraphConverter(opset: opset, path: path)
        for initializer in proto.initializer {
            converter.values[initializer.name] = .constant(try ONNXTensorDecoder.constant(initializer, directory: directory, path: path))
        }
        let nodes = proto.node.map(ONNXNode.init)

        // Inputs: every graph input that no initializer provides.
        var inputLayouts: [ONNXTensorLayout] = []
        for input in proto.input where converter.values[input.name] == nil {
            let shape = try inputShape(input, path: path)
            let channelsLast = !options.keepNCHWInputs && shape.count >= 3
                && (shape.count == 4 || nodes.contains { $0.inputs.first == input.name && windowOperators.contains($0.opType) })
            let layout: ONNXLayout = channelsLast ? .channelsLast : .plain
            let id = converter.graph.input(input.name, shape: layout.storedShape(shape), signatureName: input.name)
            converter.values[input.name] = .tensor(id, layout)
            inputLayouts.append(channelsLast ? .channelsLast : .unchanged)
        }
        guard !converter.graph.inputs.isEmpty else {
            throw .unsupportedFeature("\(path): the graph has no inputs that initializers do not provide")
        }

        var consumers: [String: [Int]] = [:]
        for (index, node) in nodes.enumerated() {
            for name in node.inputs where !name.isEmpty {
                converter.uses[name, default: 0] += 1
                if consumers[name]?.last != index { consumers[name, default: []].append(index) }
            }
        }
        for output in proto.output { converter.uses[output.name, default: 0] += 1 }
        // Constant nodes first (they read nothing), so patterns can see constants defined later.
        for node in nodes where node.opType == "Constant" { try converter.convert(node) }
        var skipped = Set<Int>()
        for (index, node) in nodes.enumerated() where node.opType != "Constant" && !skipped.contains(index) {
            if let covered = try converter.convertGeluPattern(nodes, at: index, consumers: consumers) {
                skipped.formUnion(covered)
                continue
            }
            try converter.convert(node)
        }

        var outputLayouts: [ONNXTensorLayout] = []
        for output in proto.output {
            guard let value = converter.values[output.name] else {
                throw .malformed(path: path, reason: "graph output '\(output.name)' is produced by no node")
            }
            var id: TensorID
            var layout: ONNXLayout
            switch value {
            case .constant:
                throw .unsupportedFeature("\(path): graph output '\(output.name)' is a constant; nothing to compute")
            case .tensor(let tensor, let stored):
                if case .flattenedChannelsLast = stored {
                    id = try converter.tensor(value, layout: .plain, name: output.name)
                    layout = .plain
                } else {
                    (id, layout) = (tensor, stored == .channelsLast && converter.graph[tensor].shape.count >= 3 ? .channelsLast : .plain)
                }
            }
            if converter.graph.inputs.contains(id) || converter.graph.outputs.contains(id) {
                // An output must be written by an operator of its own: copy through a RESHAPE.
                id = try converter.graph.reshape(id, to: converter.graph[id].shape, name: output.name)
            }
            converter.graph[id].name = output.name
            converter.graph.output(id, signatureName: output.name)
            outputLayouts.append(layout == .channelsLast ? .channelsLast : .unchanged)
        }
        var graph = converter.graph
        GraphPasses.optimize(&graph)
        return ONNXImport(graph: graph, inputLayouts: inputLayouts, outputLayouts: outputLayouts, opset: opset, producer: producer)
    }

    /// Operators that want their first input channels-last.
    private static let windowOperators: Set<String> = [
        "Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "BatchNormalization",
    ]

    /// The static shape of a graph input; a symbolic or missing batch dimension becomes 1.
    private static func inputShape(_ input: Onnx_ValueInfoProto, path: String) throws(ConvertError) -> [Int] {
        guard case .tensorType(let type)? = input.type.value else {
            throw .unsupportedFeature("\(path): input '\(input.name)' is not a tensor")
        }
        guard type.elemType == Int32(ONNXDataType.float) else {
            throw .unsupportedFeature("\(path): input '\(input.name)' has element type \(ONNXDataType.name(Int(type.elemType))); the importer converts float inputs")
        }
        var shape: [Int] = []
        for (index, dimension) in type.shape.dim.enumerated() {
            if case .dimValue(let value)? = dimension.value, value > 0 {
                shape.append(Int(value))
            } else if index == 0 {
                shape.append(1)
            } else {
                throw .unsupportedFeature("\(path): input '\(input.name)' has a dynamic dimension \(index); export the model with a static input shape")
            }
        }
        return shape
    }
}
