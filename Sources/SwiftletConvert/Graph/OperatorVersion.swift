import SwiftletFormat

/// What decides an operator's version: its code, operand types and shapes, and options.
public struct OperatorSignature {
    public var code: BuiltinOperator
    /// Input element types; nil for an omitted optional input.
    public var inputTypes: [TensorType?]
    /// Input shapes (empty for an omitted input).
    public var inputShapes: [[Int]]
    public var outputTypes: [TensorType]
    public var options: OperatorOptions
    /// Whether a weight operand carries one scale per channel.
    public var perChannel: Bool

    public init(code: BuiltinOperator, inputTypes: [TensorType?], inputShapes: [[Int]], outputTypes: [TensorType],
                options: OperatorOptions, perChannel: Bool = false) {
        self.code = code
        self.inputTypes = inputTypes
        self.inputShapes = inputShapes
        self.outputTypes = outputTypes
        self.options = options
        self.perChannel = perChannel
    }
}

/// Operator versions and the model's minimum runtime version, by TensorFlow Lite's versioning
/// rules (`tools/versioning`) for float32, int8 and int32 operands. An operator code's version in
/// a model is the highest any of its operators needs.
public enum OperatorVersion {
    /// The version `signature` needs.
    public static func version(of signature: OperatorSignature) -> Int32 {
        let input = signature.inputTypes.first ?? nil
        let weight = signature.inputTypes.count > 1 ? signature.inputTypes[1] : nil
        let output = signature.outputTypes.first
        let int8 = input == .int8
        let int16 = input == .int16 && output == .int16
        let rank = signature.inputShapes.first?.count ?? 0
        func broadcastsAboveRank4() -> Bool {
            signature.inputShapes.count >= 2 && signature.inputShapes[0] != signature.inputShapes[1]
                && signature.inputShapes.map(\.count).max() ?? 0 > 4
        }
        switch signature.code {
        case .conv2D:
            if let inputShape = signature.inputShapes.first, signature.inputShapes.count > 1, inputShape.count == 4,
               signature.inputShapes[1].count == 4, inputShape[3] != signature.inputShapes[1][3] { return 6 }
            if int8 && weight == .int8 && output == .int8 { return 3 }
            if input == .float32 && weight == .int8 && output == .float32 { return signature.perChannel ? 5 : 2 }
            return 1
        case .depthwiseConv2D:
            if input == .float32 && weight == .int8 && output == .float32 { return signature.perChannel ? 6 : 4 }
            if int8 && weight == .int8 && output == .int8 { return 3 }
            if case .depthwiseConv2D(let p) = signature.options, p.dilationWidth != 1 || p.dilationHeight != 1 { return 2 }
            return 1
        case .fullyConnected:
            if case .fullyConnected(_, true) = signature.options { return 5 }
            if int8 && weight == .int8 && output == .int8 { return 4 }
            // Hybrid: per-channel weights (what TF's dynamic-range quantizer writes) need version 12.
            if input == .float32 && weight == .int8 && output == .float32 { return signature.perChannel ? 12 : 3 }
            return 1
        case .transposeConv:
            if signature.options.fusedActivation.map({ $0 != .none }) ?? false { return 4 }
            if signature.inputTypes.count == 4 && signature.inputTypes[3] != nil { return 3 }
            return weight == .int8 ? 2 : 1
        case .maxPool2D, .averagePool2D, .logistic, .tanh:
            return int16 ? 3 : (int8 ? 2 : 1)
        case .softmax, .mean, .relu6, .reduceMax, .reduceMin, .mirrorPad, .rsqrt:
            return input == .int16 ? 3 : (int8 ? 2 : 1)
        case .relu:
            return input == .int16 ? 3 : (int8 || input == .uint8 ? 2 : 1)
        case .add:
            return int8 ? 2 : 1
        case .sub:
            if broadcastsAboveRank4() { return 3 }
            return int8 ? 2 : 1
        case .mul:
            return int8 ? 2 : 1
        case .div:
            return broadcastsAboveRank4() ? 2 : 1
        case .maximum, .minimum:
            if int16 { return 4 }
            if broadcastsAboveRank4() { return 3 }
            return int8 ? 2 : 1
        case .concatenation:
            return input == .int16 ? 3 : (int8 ? 2 : 1)
        case .pad, .padv2:
            if rank > 4 { return 4 }
            return input == .int16 ? 3 : (int8 ? 2 : 1)
        case .transpose:
            if rank > 5 { return 6 }
            if input == .int16 { return 5 }
            if rank > 4 { return 4 }
            return int8 ? 2 : 1
        case .stridedSlice:
            if case .stridedSlice(let p) = signature.options {
                if p.offset { return 8 }
                if p.ellipsisMask != 0 || p.newAxisMask != 0 { return 6 }
            }
            if rank > 4 { return 4 }
            return int8 ? 2 : 1
        case .gather:
            if case .gather(_, let batchDims) = signature.options, batchDims != 0 { return 5 }
            return int8 ? 2 : 1
        case .pack:
            return int8 ? 2 : 1
        case .unpack:
            return int8 || input == .uint8 ? 2 : 1
        case .split:
            let data = signature.inputTypes.count > 1 ? signature.inputTypes[1] : nil
            return data == .int32 ? 3 : (data == .int8 ? 2 : 1)
        case .resizeNearestNeighbor:
            if case .resizeNearestNeighbor(let align, let half) = signature.options, align || half { return 3 }
            return int8 ? 2 : 1
        case .resizeBilinear:
            if case .resizeBilinear(_, true) = signature.options { return 3 }
            return int8 ? 2 : 1
        case .batchMatmul:
            return int8 ? 2 : 1
        case .leakyRelu:
            return input == .int16 ? 2 : 1
        case .quantize:
            return output == .int16 ? 2 : 1
        case .dequantize:
            return input == .int16 || input == .float16 ? 3 : (int8 ? 2 : 1)
        case .equal, .notEqual, .greater, .greaterEqual, .less, .lessEqual, .abs, .log, .sqrt, .l2Normalization:
            return int8 ? 2 : 1
        case .floorDiv:
            return input == .float32 ? 2 : 1
        case .cast:
            let types = signature.inputTypes.compactMap { $0 } + signature.outputTypes
            return types.contains(.int8) ? 3 : (types.contains(.uint32) ? 2 : 1)
        case .squaredDifference, .logSoftmax, .sum, .depthToSpace, .spaceToDepth:
            return int8 ? 2 : 1
        case .exp:
            return int8 || input == .int16 ? 2 : 1
        case .gelu:
            return int8 || input == .uint8 ? 2 : 1
        case .unidirectionalSequenceLstm:
            if input == .float32 && signature.inputTypes.count > 2 && signature.inputTypes[2] == .int8 { return 2 }
            return 1
        case .argMax, .argMin, .splitV:
            return int8 ? 2 : 1
        case .slice:
            return int8 ? 2 : 1
        case .spaceToBatchNd, .batchToSpaceNd:
            if rank == 3 { return 3 }
            return int8 ? 2 : 1
        case .broadcastTo:
            return int8 || input == .int16 ? 3 : 2
        case .svdf:
            return int8 ? 3 : 1
        case .reverseV2:
            return int8 ? 3 : (input == .bool ? 2 : 1)
        default:
            return 1
        }
    }

    /// The TensorFlow Lite runtime release that first ran `code` at `version`, for the operators
    /// Swiftlet writes; nil for others (they do not raise the model's minimum).
    public static func minimumRuntime(_ code: BuiltinOperator, version: Int32) -> String? {
        let table: [String]
        switch code {
        case .averagePool2D, .maxPool2D: table = ["1.5.0", "1.14.0", "2.3.0"]
        case .conv2D: table = ["1.5.0", "1.14.0", "1.14.0", "2.3.0", "2.4.0", "2.9.0", "2.11.0", "2.15.0"]
        case .depthwiseConv2D: table = ["1.5.0", "1.12.0", "1.14.0", "2.2.0", "2.3.0", "2.3.0", "2.11.0"]
        case .add: table = ["1.5.0", "1.14.0", "2.4.0", "2.6.0", "2.13.0"]
        case .sub: table = ["1.6.0", "1.14.0", "2.3.0", "2.4.0", "2.4.0"]
        case .mul: table = ["1.5.0", "1.14.0", "1.15.0", "2.3.0", "2.6.0", "2.11.0", "2.13.0"]
        case .div: table = ["1.6.0", "2.3.0"]
        case .concatenation: table = ["1.5.0", "1.14.0", "2.3.0"]
        case .fullyConnected: table = ["1.5.0", "1.10.0", "1.14.0", "1.14.0", "2.0.0", "2.1.0", "2.3.0", "2.3.0", "2.3.0", "2.11.0"]
        case .gather: table = ["1.6.0", "1.14.0", "1.15.0", "2.4.0", "2.5.0"]
        case .maximum, .minimum: table = ["1.14.0", "1.14.0", "2.3.0", "2.3.0"]
        case .pad: table = ["1.5.0", "1.14.0", "2.4.0", "2.6.0"]
        case .padv2: table = ["1.9.0", "1.14.0", "2.4.0", "2.6.0"]
        case .reshape: table = ["1.5.0"]
        case .softmax: table = ["1.5.0", "1.14.0", "2.3.0"]
        case .transpose: table = ["1.6.0", "1.14.0", "1.15.0", "2.3.0", "2.4.0", "2.12.0"]
        case .mean: table = ["1.6.0", "1.14.0", "2.4.0"]
        case .sum: table = ["1.10.0", "1.15.0"]
        case .reduceMax, .reduceMin: table = ["1.11.0", "1.14.0", "2.5.0"]
        case .relu6: table = ["1.5.0", "1.14.0", "2.5.0"]
        case .relu: table = ["1.5.0", "2.1.0", "2.5.0"]
        case .reluN1To1: table = ["1.5.0"]
        case .resizeBilinear: table = ["1.7.0", "1.14.0", "2.2.0", "2.5.0"]
        case .resizeNearestNeighbor: table = ["1.13.1", "1.14.0", "2.3.0", "2.4.0"]
        case .squeeze: table = ["1.6.0"]
        case .stridedSlice: table = ["1.6.0", "1.14.0", "2.1.0", "2.2.0", "2.5.0", "2.6.0", "2.14.0", "2.14.0"]
        case .expandDims: table = ["1.10.0"]
        case .pack: table = ["1.11.0", "1.14.0"]
        case .unpack: table = ["1.11.0", "1.14.0", "2.2.0"]
        case .split: table = ["1.5.0", "1.14.0", "1.14.0"]
        case .tanh, .logistic: table = ["1.14.0", "1.14.0", "2.3.0"]
        case .leakyRelu: table = ["1.13.1", "2.3.0"]
        case .prelu: table = ["1.8.0"]
        case .hardSwish: table = ["1.15.0"]
        case .elu: table = ["1.14.0"]
        case .gelu: table = ["2.9.0", "2.9.0"]
        case .exp: table = ["1.7.0", "2.12.0"]
        case .squaredDifference: table = ["1.13.1", "2.5.0"]
        case .transposeConv: table = ["1.9.0", "2.2.0", "2.3.0", "2.13.0"]
        case .batchMatmul: table = ["2.3.0", "2.3.0"]
        case .quantize: table = ["1.14.0", "1.15.0", "2.7.0"]
        case .dequantize: table = ["1.13.1", "1.14.0", "1.15.0", "2.2.0", "2.7.0"]
        case .unidirectionalSequenceLstm: table = ["1.13.1", "1.14.0", "2.3.0", "2.12.0"]
        case .logSoftmax: table = ["1.14.0", "1.14.0"]
        default: return nil
        }
        let index = Int(version) - 1
        return table.indices.contains(index) ? table[index] : nil
    }

    /// Whether release `a` precedes release `b` (numeric, part by part).
    static func precedes(_ a: String, _ b: String) -> Bool {
        let left = a.split(separator: ".").map { Int($0) ?? 0 }, right = b.split(separator: ".").map { Int($0) ?? 0 }
        for (x, y) in zip(left, right) where x != y { return x < y }
        return left.count < right.count
    }
}
