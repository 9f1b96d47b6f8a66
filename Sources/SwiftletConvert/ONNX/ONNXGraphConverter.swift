import Foundation
import SwiftletFormat

/// Translates an ONNX graph node by node into a `Graph` in TFLite's NHWC semantics. Each ONNX
/// value becomes an `ONNXValue`: a folded constant, or a graph tensor with its `ONNXLayout`.
/// Operators pick the layout they want their operands in (`tensor(_:layout:)`), which inserts a
/// TRANSPOSE only when no cheaper route (a RESHAPE, a weight permutation) exists.
struct ONNXGraphConverter {
    var graph = Graph()
    /// Every ONNX value converted so far, by name.
    var values: [String: ONNXValue] = [:]
    /// The default-domain opset the model imports.
    let opset: Int
    /// The model's path, for error messages.
    let path: String
    /// How many times each value is read (by nodes, counting repeats, and as a graph output).
    var uses: [String: Int] = [:]
    /// Layout changes already materialized, so each happens once.
    private var materialized: [String: TensorID] = [:]

    init(opset: Int, path: String) {
        self.opset = opset
        self.path = path
    }

    // MARK: - Reading values

    func value(_ name: String, of node: ONNXNode) throws(ConvertError) -> ONNXValue {
        guard let value = values[name] else {
            throw .malformed(path: path, reason: "\(node.label) reads '\(name)', which no earlier node, input or initializer defines (nodes must be in topological order)")
        }
        return value
    }

    /// The value of input `index`, which the node requires.
    func input(_ node: ONNXNode, _ index: Int) throws(ConvertError) -> ONNXValue {
        guard let name = node.input(index) else {
            throw .malformed(path: path, reason: "\(node.label) lacks its input \(index)")
        }
        return try value(name, of: node)
    }

    /// Input `index` as a constant; nil when the input is absent. Throws when it is computed at
    /// run time, naming `what` the importer needed constant.
    func constantInput(_ node: ONNXNode, _ index: Int, _ what: String) throws(ConvertError) -> ONNXConstant? {
        guard let name = node.input(index) else { return nil }
        guard case .constant(let constant) = try value(name, of: node) else {
            throw .unsupportedFeature("\(node.label): its \(what) ('\(name)') is computed at run time; the ONNX importer needs it constant")
        }
        return constant
    }

    /// The ONNX shape of a value.
    func onnxShape(_ value: ONNXValue) -> [Int] {
        switch value {
        case .constant(let constant): return constant.shape
        case .tensor(let id, let layout): return layout.onnxShape(graph[id].shape)
        }
    }

    // MARK: - Writing values

    mutating func define(_ node: ONNXNode, _ value: ONNXValue, output index: Int = 0) {
        guard index < node.outputs.count, !node.outputs[index].isEmpty else { return }
        values[node.outputs[index]] = value
    }

    /// A graph constant holding `constant`, stored in `layout` (float32 for float constants,
    /// int32 for integer ones).
    mutating func graphConstant(_ constant: ONNXConstant, layout: ONNXLayout = .plain, name: String) throws(ConvertError) -> TensorID {
        var stored = constant
        if layout == .channelsLast, constant.shape.count >= 3 {
            stored = constant.transposed(ONNXLayout.channelsLastPermutation(rank: constant.shape.count))
        }
        if constant.isFloat {
            return try graph.constant(name, shape: stored.shape, floats: stored.floats)
        }
        guard stored.values.allSatisfy({ $0 >= Double(Int32.min) && $0 <= Double(Int32.max) }) else {
            throw .unsupportedFeature("constant \(name) holds integers outside int32; TFLite integer tensors here are int32")
        }
        return try graph.constant(name, shape: stored.shape, int32s: stored.values.map { Int32($0) })
    }

    /// The value as a graph tensor in `layout` (`.plain` or `.channelsLast`; channels-last only
    /// applies to rank 3 and above). Constants are written permuted; activations in another
    /// layout get a RESHAPE when their element order allows, else one TRANSPOSE.
    mutating func tensor(_ value: ONNXValue, layout wanted: ONNXLayout, name: String) throws(ConvertError) -> TensorID {
        let shape = onnxShape(value)
        let target: ONNXLayout = wanted == .channelsLast && shape.count >= 3 ? .channelsLast : .plain
        switch value {
        case .constant(let constant):
            return try graphConstant(constant, layout: target, name: name)
        case .tensor(let id, let layout):
            let current: ONNXLayout = layout == .channelsLast && shape.count < 3 ? .plain : layout
            if current == target { return id }
            let key = "\(id.index)->\(target == .plain ? "plain" : "nhwc")"
            if let done = materialized[key] { return done }
            let result: TensorID
            switch current {
            case .flattenedChannelsLast(let channels):
                // [N, S·C] spatial-major → [N, C·S] channel-major.
                let batch = shape[0], spatial = shape[1] / channels
                let split = try graph.reshape(id, to: [batch, spatial, channels], name: "\(name)/unflatten")
                let swapped = try graph.transpose(split, permutation: [0, 2, 1], name: "\(name)/channels_first")
                result = try graph.reshape(swapped, to: shape, name: "\(name)/flatten")
            case .channelsLast, .plain:
                if ONNXLayout.sameElementOrder(shape) {
                    result = try graph.reshape(id, to: target.storedShape(shape), name: "\(name)/\(target == .plain ? "nchw" : "nhwc")")
                } else {
                    let permutation = target == .plain ? ONNXLayout.channelsFirstPermutation(rank: shape.count)
                                                       : ONNXLayout.channelsLastPermutation(rank: shape.count)
                    result = try graph.transpose(id, permutation: permutation, name: "\(name)/\(target == .plain ? "nchw" : "nhwc")")
                }
            }
            materialized[key] = result
            return result
        }
    }

    /// The value as a tensor in whatever layout it has (flattened layouts become plain).
    mutating func anyTensor(_ value: ONNXValue, name: String) throws(ConvertError) -> (TensorID, ONNXLayout) {
        switch value {
        case .constant: return (try tensor(value, layout: .plain, name: name), .plain)
        case .tensor(let id, let layout):
            if case .flattenedChannelsLast = layout { return (try tensor(value, layout: .plain, name: name), .plain) }
            return (id, layout == .channelsLast && graph[id].shape.count < 3 ? .plain : layout)
        }
    }

    // MARK: - Nodes

    /// Converts one node, defining its outputs.
    mutating func convert(_ node: ONNXNode) throws(ConvertError) {
        guard node.proto.domain.isEmpty || node.proto.domain == "ai.onnx" else {
            throw .unsupportedOperator(name: "\(node.proto.domain).\(node.opType)", node: node.label,
                                       supported: "the default ONNX domain only: " + Self.supportedOperators.joined(separator: ", "))
        }
        switch node.opType {
        case "Conv": try convertConv(node)
        case "ConvTranspose": try convertConvTranspose(node)
        case "MaxPool", "AveragePool": try convertPool(node)
        case "GlobalAveragePool", "GlobalMaxPool": try convertGlobalPool(node)
        case "Gemm": try convertGemm(node)
        case "MatMul": try convertMatMul(node)
        case "Add", "Sub", "Mul", "Div", "Pow", "Min", "Max", "Sum": try convertBinary(node)
        case "Relu", "Sigmoid", "Tanh", "HardSwish", "Exp", "Log", "Sqrt", "Abs", "Neg", "Elu", "LeakyRelu",
             "Clip", "PRelu", "HardSigmoid", "Selu", "Gelu", "Erf", "Reciprocal":
            try convertActivation(node)
        case "Softmax", "LogSoftmax": try convertSoftmax(node)
        case "BatchNormalization": try convertBatchNormalization(node)
        case "Flatten": try convertFlatten(node)
        case "Reshape": try convertReshape(node)
        case "Squeeze", "Unsqueeze": try convertSqueeze(node)
        case "Transpose": try convertTranspose(node)
        case "Concat": try convertConcat(node)
        case "Split": try convertSplit(node)
        case "Slice": try convertSlice(node)
        case "Pad": try convertPad(node)
        case "ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd": try convertReduce(node)
        case "Gather": try convertGather(node)
        case "Resize", "Upsample": try convertResize(node)
        case "Identity", "Dropout": define(node, try input(node, 0))
        case "LSTM", "GRU": try convertRecurrent(node)
        case "Expand": try convertExpand(node)
        case "Constant", "Shape", "ConstantOfShape", "Cast", "Range", "Size":
            try convertConstantOperator(node)
        default:
            throw .unsupportedOperator(name: node.opType, node: node.label,
                                       supported: Self.supportedOperators.joined(separator: ", "))
        }
    }

    /// The ONNX operators the importer translates (the ones some models only in restricted forms;
    /// the error for an unsupported form says which).
    static let supportedOperators = [
        "Abs", "Add", "AveragePool", "BatchNormalization", "Cast", "Clip", "Concat", "Constant", "ConstantOfShape",
        "Conv", "ConvTranspose", "Div", "Dropout", "Elu", "Erf (in the Gelu pattern)", "Exp", "Expand", "Flatten", "Gather", "Gelu", "Gemm",
        "GlobalAveragePool", "GlobalMaxPool", "GRU", "HardSigmoid", "HardSwish", "Identity", "LeakyRelu", "Log",
        "LogSoftmax", "LSTM", "MatMul", "Max", "MaxPool", "Min", "Mul", "Neg", "PRelu", "Pad", "Pow", "Range", "Reciprocal",
        "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum", "Relu", "Reshape", "Resize", "Selu", "Shape",
        "Sigmoid", "Size", "Slice", "Softmax", "Split", "Sqrt", "Squeeze", "Sub", "Sum", "Tanh", "Transpose",
        "Unsqueeze", "Upsample",
    ]

    /// A name for tensors made for `node`'s output `index`.
    func outputName(_ node: ONNXNode, _ index: Int = 0) -> String {
        index < node.outputs.count && !node.outputs[index].isEmpty ? node.outputs[index] : "\(node.opType)_\(graph.tensors.count)"
    }

    /// Normalizes an ONNX axis attribute (negative counts from the end).
    func axis(_ axis: Int, rank: Int, _ node: ONNXNode) throws(ConvertError) -> Int {
        let normalized = axis < 0 ? axis + rank : axis
        guard normalized >= 0, normalized < max(rank, 1) else {
            throw .malformed(path: path, reason: "\(node.label): axis \(axis) is out of range for rank \(rank)")
        }
        return normalized
    }
}
