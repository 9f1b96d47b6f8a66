import SwiftletFormat

/// The TensorFlow operators with weights or several parts: MatMul, Einsum, convolutions,
/// FusedBatchNorm, padding, slicing and SplitV.
extension TFGraphConverter {
    func padding(_ node: TFNode) throws(ConvertError) -> Padding {
        switch node.string("padding", default: "VALID") {
        case "SAME": return .same
        case "VALID": return .valid
        case let other: throw .unsupportedFeature("\(node.label): padding \(other); the importer converts SAME and VALID")
        }
    }

    /// MatMul with constant weights → FULLY_CONNECTED (weights `[out, in]`); of two activations → BATCH_MATMUL.
    func matMul(_ node: TFNode, _ inputs: [TFValue]) throws(ConvertError) -> TensorID {
        let transposeA = node.bool("transpose_a", default: false), transposeB = node.bool("transpose_b", default: false)
        var a = try tensor(try input(inputs, 0, node), node, name: "\(node.name)/a")
        if transposeA { a = try graph.transpose(a, permutation: [1, 0], name: "\(node.name)/a_t") }
        switch try input(inputs, 1, node) {
        case .tensor(let b):
            let sa = graph[a].shape, sb = graph[b].shape
            guard sa.count == 2, sb.count == 2 else { throw .invalidGraph("\(node.label): MatMul of \(sa) and \(sb)") }
            return graph.append(.batchMatmul, .batchMatMul(adjointX: false, adjointY: transposeB), inputs: [a, b],
                                outputShape: [sa[0], transposeB ? sb[0] : sb[1]], name: node.name)
        case let value:
            let weights = try constant(value, node, "weights")
            guard weights.shape.count == 2 else { throw .invalidGraph("\(node.label): weights \(weights.shape) are not 2-D") }
            let stored = transposeB ? weights : weights.transposed([1, 0])
            let w = try graphConstant(stored, name: "\(node.name)/weights")
            return try graph.fullyConnected(a, weights: w, name: node.name)
        }
    }

    /// BatchMatMul of an activation by a constant whose batch dimensions are all 1 (what Keras'
    /// Dense writes on rank > 2) → FULLY_CONNECTED with keep_num_dims, as TF's converter lowers it;
    /// nil when the right-hand side is not such a constant.
    func constantMatMulWeights(_ node: TFNode, _ inputs: [TFValue]) throws(ConvertError) -> TensorID? {
        guard inputs.count == 2, !node.bool("adj_x", default: false) else { return nil }
        let weights: TFConstant
        switch inputs[1] {
        case .tensor: return nil
        case let value: weights = try constant(value, node, "weights")
        }
        let a = try tensor(inputs[0], node, name: "\(node.name)/x")
        let rank = graph[a].shape.count
        guard weights.shape.count >= 2, rank >= 2, weights.shape.dropLast(2).allSatisfy({ $0 == 1 }), weights.shape.count <= rank else { return nil }
        let rows = weights.shape[weights.shape.count - 2], columns = weights.shape[weights.shape.count - 1]
        let matrix = TFConstant(shape: [rows, columns], values: weights.values, dtype: weights.dtype)
        let stored = node.bool("adj_y", default: false) ? matrix : matrix.transposed([1, 0])
        guard stored.shape[1] == graph[a].shape[rank - 1] else {
            throw .invalidGraph("\(node.label): \(graph[a].shape) times \(weights.shape) do not fit")
        }
        let w = try graphConstant(stored, name: "\(node.name)/weights")
        return try graph.fullyConnected(a, weights: w, keepNumDims: rank > 2, name: node.name)
    }

    /// Einsum in the patterns Keras writes for Dense on rank > 2 (`…i,ik->…k` with a constant
    /// `[i, k]` kernel) → FULLY_CONNECTED with keep_num_dims.
    func einsum(_ node: TFNode, _ inputs: [TFValue]) throws(ConvertError) -> TensorID {
        let equation = node.string("equation", default: "").replacingOccurrences(of: " ", with: "")
        let sides = equation.components(separatedBy: "->")
        let operands = sides.first?.components(separatedBy: ",") ?? []
        guard sides.count == 2, operands.count == 2, let lhs = operands.first.map(Array.init), let output = sides.last.map(Array.init),
              Array(operands[1]).count == 2, let contracted = lhs.last, Array(operands[1])[0] == contracted,
              output == Array(lhs.dropLast()) + [Array(operands[1])[1]], !lhs.contains(".") else {
            throw .unsupportedFeature("\(node.label): Einsum '\(equation)'; the importer converts the dense pattern '…i,ik->…k'")
        }
        let x = try tensor(try input(inputs, 0, node), node)
        let kernel = try constant(try input(inputs, 1, node), node, "kernel")
        let weights = try graphConstant(kernel.transposed([1, 0]), name: "\(node.name)/weights")
        return try graph.fullyConnected(x, weights: weights, keepNumDims: graph[x].shape.count > 2, name: node.name)
    }

    func convolution(_ node: TFNode, _ inputs: [TFValue]) throws(ConvertError) -> TensorID {
        guard node.string("data_format", default: "NHWC") == "NHWC" else {
            throw .unsupportedFeature("\(node.label): data_format \(node.string("data_format", default: "")); the importer converts NHWC")
        }
        let x = try tensor(try input(inputs, 0, node), node)
        let filter = try constant(try input(inputs, 1, node), node, "filter")
        guard filter.shape.count == 4 else { throw .invalidGraph("\(node.label): filter \(filter.shape) is not 4-D") }
        let strides = node.ints("strides") ?? [1, 1, 1, 1], dilations = node.ints("dilations") ?? [1, 1, 1, 1]
        guard strides.count == 4, dilations.count == 4 else { throw .invalidGraph("\(node.label): strides \(strides), dilations \(dilations)") }
        var input = x
        var pad = try node.string("padding", default: "VALID") == "EXPLICIT" ? Padding.valid : padding(node)
        if node.string("padding", default: "") == "EXPLICIT" {
            let explicit = node.ints("explicit_paddings") ?? []
            guard explicit.count == 8 else { throw .invalidGraph("\(node.label): explicit paddings \(explicit)") }
            input = try graph.pad(x, paddings: (0..<4).map { (explicit[2 * $0], explicit[2 * $0 + 1]) }, name: "\(node.name)/pad")
            pad = .valid
        }
        if node.op == "DepthwiseConv2dNative" {
            let multiplier = filter.shape[3]
            let reshaped = TFConstant(shape: [1, filter.shape[0], filter.shape[1], filter.shape[2] * multiplier], values: filter.values, dtype: filter.dtype)
            let f = try graphConstant(reshaped, name: "\(node.name)/filter")
            return try graph.depthwiseConv2D(input, filter: f, options: DepthwiseConv2DParameters(
                padding: pad, strideHeight: strides[1], strideWidth: strides[2], dilationHeight: dilations[1],
                dilationWidth: dilations[2], depthMultiplier: multiplier), name: node.name)
        }
        let f = try graphConstant(filter.transposed([3, 0, 1, 2]), name: "\(node.name)/filter")
        return try graph.conv2D(input, filter: f, options: Conv2DParameters(
            padding: pad, strideHeight: strides[1], strideWidth: strides[2], dilationHeight: dilations[1], dilationWidth: dilations[2]),
            name: node.name)
    }

    /// Conv2DBackpropInput (a transposed convolution) → TRANSPOSE_CONV, filter `[kh, kw, out, in]` → `[out, kh, kw, in]`.
    func transposeConvolution(_ node: TFNode, _ inputs: [TFValue]) throws(ConvertError) -> TensorID {
        let sizes = try constant(try input(inputs, 0, node), node, "output size").integers
        let filter = try constant(try input(inputs, 1, node), node, "filter")
        let x = try tensor(try input(inputs, 2, node), node)
        let strides = node.ints("strides") ?? [1, 1, 1, 1]
        guard filter.shape.count == 4, sizes.count == 4, strides.count == 4 else {
            throw .invalidGraph("\(node.label): filter \(filter.shape), sizes \(sizes), strides \(strides)")
        }
        guard (node.ints("dilations") ?? [1, 1, 1, 1]).allSatisfy({ $0 == 1 }) else {
            throw .unsupportedFeature("\(node.label): dilated Conv2DBackpropInput")
        }
        let f = try graphConstant(filter.transposed([2, 0, 1, 3]), name: "\(node.name)/filter")
        return try graph.transposeConv(x, filter: f, outputShape: sizes, options: TransposeConvParameters(
            padding: try padding(node), strideHeight: strides[1], strideWidth: strides[2]), name: node.name)
    }

    /// FusedBatchNorm in inference mode → MUL and ADD by per-channel constants (folded into a
    /// preceding convolution by the passes).
    func fusedBatchNorm(_ node: TFNode, _ inputs: [TFValue]) throws(ConvertError) -> [TFValue] {
        guard !node.bool("is_training", default: true) else {
            throw .unsupportedFeature("\(node.label): FusedBatchNorm in training mode")
        }
        let x = try tensor(try input(inputs, 0, node), node)
        let scale = try constant(try input(inputs, 1, node), node, "scale").floats
        let offset = try constant(try input(inputs, 2, node), node, "offset").floats
        let mean = try constant(try input(inputs, 3, node), node, "mean").floats
        let variance = try constant(try input(inputs, 4, node), node, "variance").floats
        let epsilon = node.float("epsilon", default: 0.0001)
        let channels = scale.count
        guard offset.count == channels, mean.count == channels, variance.count == channels, graph[x].shape.last == channels else {
            throw .invalidGraph("\(node.label): batch norm parameters do not match \(graph[x].shape)")
        }
        let multiplier = (0..<channels).map { scale[$0] / (variance[$0] + epsilon).squareRoot() }
        let shift = (0..<channels).map { offset[$0] - mean[$0] * multiplier[$0] }
        let scaled = try graph.mul(x, try graph.constant("\(node.name)/scale", shape: [channels], floats: multiplier), name: "\(node.name)/mul")
        let result = try graph.add(scaled, try graph.constant("\(node.name)/offset", shape: [channels], floats: shift), name: node.name)
        return [.tensor(result)]
    }

    func pad(_ node: TFNode, _ inputs: [TFValue]) throws(ConvertError) -> TensorID {
        let x = try tensor(try input(inputs, 0, node), node)
        let paddings = try constant(try input(inputs, 1, node), node, "paddings").integers
        let shape = graph[x].shape
        guard paddings.count == 2 * shape.count, paddings.allSatisfy({ $0 >= 0 }) else {
            throw .invalidGraph("\(node.label): paddings \(paddings) do not fit \(shape)")
        }
        let outputShape = shape.indices.map { shape[$0] + paddings[2 * $0] + paddings[2 * $0 + 1] }
        let paddingTensor = try graph.constant("\(node.name)/paddings", shape: [shape.count, 2], int32s: paddings.map { Int32($0) })
        switch node.op {
        case "MirrorPad":
            var options = TableValue(.mirrorPadOptions)
            let mode = node.string("mode", default: "REFLECT")
            if mode == "SYMMETRIC" { options["mode"] = .int(1) } else if mode != "REFLECT" {
                throw .unsupportedFeature("\(node.label): MirrorPad mode \(mode)")
            }
            return graph.append(.mirrorPad, .table(options), inputs: [x, paddingTensor], outputShape: outputShape, name: node.name)
        case "PadV2":
            let value = try constant(try input(inputs, 2, node), node, "constant value")
            let valueTensor = try graph.constant("\(node.name)/constant_values", shape: [], floats: [value.floats.first ?? 0])
            return graph.append(.padv2, .table(TableValue(.padV2Options)), inputs: [x, paddingTensor, valueTensor],
                                outputShape: outputShape, name: node.name)
        default:
            return graph.append(.pad, .table(TableValue(.padOptions)), inputs: [x, paddingTensor], outputShape: outputShape, name: node.name)
        }
    }

    func slice(_ node: TFNode, _ inputs: [TFValue]) throws(ConvertError) -> TensorID {
        let x = try tensor(try input(inputs, 0, node), node)
        let shape = graph[x].shape
        let begin = try constant(try input(inputs, 1, node), node, "begin").integers
        if node.op == "Slice" {
            let size = try constant(try input(inputs, 2, node), node, "size").integers
            let resolved = try TFShapes.slice(shape, begin: begin, size: size, node)
            let b = try graph.constant("\(node.name)/begin", shape: [begin.count], int32s: begin.map { Int32($0) })
            let s = try graph.constant("\(node.name)/size", shape: [size.count], int32s: resolved.counts.map { Int32($0) })
            return graph.append(.slice, .table(TableValue(.sliceOptions)), inputs: [x, b, s], outputShape: resolved.outputShape,
                                outputType: graph[x].type, name: node.name)
        }
        let end = try constant(try input(inputs, 2, node), node, "end").integers
        let strides = try constant(try input(inputs, 3, node), node, "strides").integers
        let resolved = try TFShapes.stridedSlice(shape, begin: begin, end: end, strides: strides, node)
        let parameters = StridedSliceParameters(beginMask: node.int("begin_mask", default: 0), endMask: node.int("end_mask", default: 0),
                                                shrinkAxisMask: node.int("shrink_axis_mask", default: 0))
        let b = try graph.constant("\(node.name)/begin", shape: [begin.count], int32s: begin.map { Int32($0) })
        let e = try graph.constant("\(node.name)/end", shape: [end.count], int32s: end.map { Int32($0) })
        let s = try graph.constant("\(node.name)/strides", shape: [strides.count], int32s: strides.map { Int32($0) })
        return graph.append(.stridedSlice, .stridedSlice(parameters), inputs: [x, b, e, s], outputShape: resolved.outputShape,
                            outputType: graph[x].type, name: node.name)
    }

    func splitV(_ node: TFNode, _ inputs: [TFValue]) throws(ConvertError) -> [TFValue] {
        let x = try tensor(try input(inputs, 0, node), node)
        var sizes = try constant(try input(inputs, 1, node), node, "size_splits").integers
        let axis = try constant(try input(inputs, 2, node), node, "axis").integers.first ?? 0
        let shape = graph[x].shape
        let normalized = try Graph.axis(axis, rank: shape.count, node.label)
        if let unknown = sizes.firstIndex(of: -1) { sizes[unknown] = shape[normalized] - sizes.filter { $0 != -1 }.reduce(0, +) }
        guard sizes.reduce(0, +) == shape[normalized], sizes.allSatisfy({ $0 >= 0 }) else {
            throw .invalidGraph("\(node.label): sizes \(sizes) do not split \(shape[normalized])")
        }
        let sizeTensor = try graph.constant("\(node.name)/size_splits", shape: [sizes.count], int32s: sizes.map { Int32($0) })
        let axisTensor = try graph.constant("\(node.name)/axis", shape: [], int32s: [Int32(normalized)])
        var options = TableValue(.splitVOptions)
        options["num_splits"] = .int(Int64(sizes.count))
        let outputs = sizes.enumerated().map { k, size -> TensorID in
            var part = shape
            part[normalized] = size
            return graph.add(GraphTensor(name: k == 0 ? node.name : "\(node.name):\(k)", shape: part, type: graph[x].type))
        }
        graph.operators.append(GraphOperator(code: .splitV, options: .table(options), inputs: [x, sizeTensor, axisTensor], outputs: outputs))
        return outputs.map { .tensor($0) }
    }
}
