import SwiftletFormat

/// The mapping of TensorFlow operators to TFLite operators on the graph being built.
extension TFGraphConverter {
    /// The TensorFlow operators the importer translates.
    static let supportedOperators = [
        "Abs", "Add", "AddV2", "ArgMax", "AvgPool", "BatchMatMulV2", "BiasAdd", "Cast", "ConcatV2", "Const", "Conv2D",
        "Conv2DBackpropInput", "DepthwiseConv2dNative", "Einsum (…i,ik->…k)", "Elu", "Erf/Erfc (in the exact Gelu pattern)", "Exp",
        "ExpandDims", "Fill", "FusedBatchNormV3", "GatherV2", "Identity", "IdentityN", "LeakyRelu", "Log", "LogSoftmax",
        "MatMul", "Max", "MaxPool", "Maximum", "Mean", "Min", "Minimum", "MirrorPad", "Mul", "Neg", "NoOp", "Pack", "Pad",
        "PadV2", "PartitionedCall", "Placeholder", "Prod", "Range", "ReadVariableOp", "RealDiv", "Relu", "Relu6", "Reshape",
        "ResizeBilinear", "ResizeNearestNeighbor", "Rsqrt", "Selu", "Shape", "Sigmoid", "Slice", "Softmax", "Softplus",
        "Split", "SplitV", "Sqrt", "Square", "SquaredDifference", "Squeeze", "StatefulPartitionedCall", "StopGradient",
        "StridedSlice", "Sub", "Sum", "Tanh", "Tile", "Transpose", "Unpack",
    ]

    /// Converts one node on its evaluated inputs, returning its outputs. `readers` is how many
    /// inputs in the node's function read it.
    func convert(_ node: TFNode, _ inputs: [TFValue], readers: Int) throws(ConvertError) -> [TFValue] {
        switch node.op {
        case "Const":
            guard let proto = node.tensor("value") else { throw .malformed(path: file.path, reason: "\(node.label) has no value") }
            return [.constant(try TFConstant(proto: proto, label: node.label))]
        case "ReadVariableOp":
            guard case .variable(let id) = try input(inputs, 0, node) else {
                throw .unsupportedFeature("\(node.label) reads a resource that is not a captured variable")
            }
            return [.constant(try variable(id))]
        case "StatefulPartitionedCall", "PartitionedCall":
            guard let function = node.function("f") else { throw .malformed(path: file.path, reason: "\(node.label) names no function") }
            return try call(function, inputs, from: node)
        case "NoOp":
            return []
        case "Placeholder":
            throw .invalidInput("\(node.label) is a placeholder the signature does not feed")
        case "While", "StatelessWhile":
            throw .unsupportedOperator(name: node.op, node: node.label,
                                       supported: "no loops: Keras LSTM/GRU layers export While loops, which the SavedModel importer does not convert yet (convert the .keras file instead, which unrolls them)")
        case "VarHandleOp":
            throw .unsupportedFeature("\(node.label): a variable handle outside the signature's captures")
        default:
            break
        }
        // Everything constant: fold.
        var constants: [TFConstant] = []
        for value in inputs {
            switch value {
            case .constant(let c): constants.append(c)
            case .variable(let id): constants.append(try variable(id))
            case .tensor: break
            }
        }
        if constants.count == inputs.count, !inputs.isEmpty, let folded = try TFConstantFolding.fold(node, constants) {
            return folded.map { .constant($0) }
        }
        return try convertOperator(node, inputs, readers: readers)
    }

    private func convertOperator(_ node: TFNode, _ inputs: [TFValue], readers: Int) throws(ConvertError) -> [TFValue] {
        let name = node.name
        func x() throws(ConvertError) -> TensorID { try tensor(try input(inputs, 0, node), node) }
        func const(_ index: Int, _ what: String) throws(ConvertError) -> TFConstant { try constant(try input(inputs, index, node), node, what) }
        func one(_ id: TensorID) -> [TFValue] { [.tensor(id)] }

        switch node.op {
        case "Identity", "StopGradient", "Snapshot", "PreventGradient":
            return [try input(inputs, 0, node)]
        case "IdentityN":
            return inputs
        case "Relu": return one(graph.unary(.relu, try x(), name: name))
        case "Relu6": return one(graph.unary(.relu6, try x(), name: name))
        case "Sigmoid": return one(graph.unary(.logistic, try x(), name: name))
        case "Tanh": return one(graph.unary(.tanh, try x(), name: name))
        case "Elu": return one(graph.unary(.elu, try x(), name: name))
        case "Exp": return one(graph.unary(.exp, try x(), name: name))
        case "Log": return one(graph.unary(.log, try x(), name: name))
        case "Abs": return one(graph.unary(.abs, try x(), name: name))
        case "Neg": return one(graph.unary(.neg, try x(), name: name))
        case "Sqrt": return one(graph.unary(.sqrt, try x(), name: name))
        case "Rsqrt": return one(graph.unary(.rsqrt, try x(), name: name))
        case "Square": return one(graph.unary(.square, try x(), name: name))
        case "LeakyRelu": return one(graph.leakyRelu(try x(), alpha: node.float("alpha", default: 0.2), name: name))
        case "Softmax": return one(graph.softmax(try x(), name: name))
        case "LogSoftmax": return one(graph.unary(.logSoftmax, try x(), .table(TableValue(.logSoftmaxOptions)), name: name))
        case "Softplus":
            // TF's converter lowers Softplus to log(exp(x) + 1).
            let e = graph.unary(.exp, try x(), name: "\(name)/exp")
            let one1 = try graph.constant("\(name)/one", shape: [], floats: [1])
            return one(graph.unary(.log, try graph.add(e, one1, name: "\(name)/add"), name: name))
        case "Selu":
            let v = try x()
            let alpha: Float = 1.6732632423543772, scale: Float = 1.0507009873554805
            let positive = graph.unary(.relu, v, name: "\(name)/relu")
            let elu = graph.unary(.elu, v, name: "\(name)/elu")
            let negative = try graph.binary(.minimum, elu, try graph.constant("\(name)/zero", shape: [], floats: [0]), name: "\(name)/min")
            let scaled = try graph.mul(negative, try graph.constant("\(name)/alpha", shape: [], floats: [alpha]), name: "\(name)/alpha_mul")
            let sum = try graph.add(positive, scaled, name: "\(name)/sum")
            return one(try graph.mul(sum, try graph.constant("\(name)/scale", shape: [], floats: [scale]), name: name))
        case "Erf", "Erfc":
            throw .unsupportedOperator(name: node.op, node: node.label,
                                       supported: "\(node.op) only inside the exact Gelu pattern 0.5·x·erfc(−x/√2) (tf.nn.gelu(approximate=False))")
        case "Add", "AddV2", "Sub", "Mul", "RealDiv", "Div", "Maximum", "Minimum", "SquaredDifference":
            let code: BuiltinOperator = ["Add": .add, "AddV2": .add, "Sub": .sub, "Mul": .mul, "RealDiv": .div, "Div": .div,
                                          "Maximum": .maximum, "Minimum": .minimum, "SquaredDifference": .squaredDifference][node.op]!
            let a = try tensor(try input(inputs, 0, node), node, name: "\(name)/x")
            let b = try tensor(try input(inputs, 1, node), node, name: "\(name)/y")
            return one(try graph.binary(code, a, b, name: name))
        case "BiasAdd":
            let bias = try const(1, "bias")
            let v = try x()
            if readers <= 1, let producer = graph.producer(of: v), [.conv2D, .depthwiseConv2D, .fullyConnected, .transposeConv].contains(graph.operators[producer].code),
               !graph.outputs.contains(v) {
                let op = graph.operators[producer]
                let biasSlot = op.code == .transposeConv ? 3 : 2
                if op.inputs.count > biasSlot, op.inputs[biasSlot] == nil, graph.consumers(of: v).isEmpty,
                   bias.shape == [graph[v].shape.last ?? -1] {
                    graph.operators[producer].inputs[biasSlot] = try graphConstant(bias, name: "\(name)/bias")
                    return one(v)
                }
            }
            return one(try graph.add(v, try graphConstant(bias, name: "\(name)/bias"), name: name))
        case "MatMul":
            return one(try matMul(node, inputs))
        case "BatchMatMulV2", "BatchMatMulV3", "BatchMatMul":
            if let weights = try constantMatMulWeights(node, inputs) { return one(weights) }
            let a = try tensor(try input(inputs, 0, node), node, name: "\(name)/x")
            let b = try tensor(try input(inputs, 1, node), node, name: "\(name)/y")
            let adjX = node.bool("adj_x", default: false), adjY = node.bool("adj_y", default: false)
            var sa = graph[a].shape, sb = graph[b].shape
            guard sa.count >= 2, sb.count >= 2 else { throw .invalidGraph("\(node.label): operands \(sa), \(sb) need rank ≥ 2") }
            if adjX { sa.swapAt(sa.count - 1, sa.count - 2) }
            if adjY { sb.swapAt(sb.count - 1, sb.count - 2) }
            let batch = try Graph.broadcast(Array(sa.dropLast(2)), Array(sb.dropLast(2)), node.label)
            return one(graph.append(.batchMatmul, .batchMatMul(adjointX: adjX, adjointY: adjY), inputs: [a, b],
                                    outputShape: batch + [sa[sa.count - 2], sb[sb.count - 1]], name: name))
        case "Einsum":
            return one(try einsum(node, inputs))
        case "Conv2D", "DepthwiseConv2dNative":
            return one(try convolution(node, inputs))
        case "Conv2DBackpropInput":
            return one(try transposeConvolution(node, inputs))
        case "MaxPool", "AvgPool":
            let ksize = node.ints("ksize") ?? [], strides = node.ints("strides") ?? []
            guard ksize.count == 4, strides.count == 4, node.string("data_format", default: "NHWC") == "NHWC" else {
                throw .unsupportedFeature("\(node.label): pooling needs NHWC with 4 ksize and strides values")
            }
            let parameters = Pool2DParameters(padding: try padding(node), strideHeight: strides[1], strideWidth: strides[2],
                                              filterHeight: ksize[1], filterWidth: ksize[2])
            return one(node.op == "MaxPool" ? try graph.maxPool2D(try x(), options: parameters, name: name)
                                            : try graph.averagePool2D(try x(), options: parameters, name: name))
        case "Mean", "Sum", "Max", "Min", "Prod":
            let code: BuiltinOperator = ["Mean": .mean, "Sum": .sum, "Max": .reduceMax, "Min": .reduceMin, "Prod": .reduceProd][node.op]!
            let axes = try const(1, "axes")
            return one(try graph.reduce(code, try x(), axes: axes.integers, keepDims: node.bool("keep_dims", default: false),
                                        axesAsVector: axes.shape.count == 1, name: name))
        case "Reshape":
            let v = try x()
            return one(try graph.reshape(v, to: try TFShapes.reshape(graph[v].shape, try const(1, "shape").integers, node), name: name))
        case "Squeeze":
            let v = try x()
            return one(try graph.reshape(v, to: try TFShapes.squeeze(graph[v].shape, node.ints("squeeze_dims") ?? [], node), name: name))
        case "ExpandDims":
            let v = try x()
            return one(try graph.reshape(v, to: try TFShapes.expandDims(graph[v].shape, try const(1, "axis").integers.first ?? 0, node), name: name))
        case "ConcatV2":
            guard inputs.count >= 2 else { throw .malformed(path: file.path, reason: "\(node.label) has no axis input") }
            let axis = try constant(inputs[inputs.count - 1], node, "axis").integers.first ?? 0
            var parts: [TensorID] = []
            for (k, value) in inputs.dropLast().enumerated() { parts.append(try tensor(value, node, name: "\(name)/part\(k)")) }
            return one(try graph.concatenation(parts, axis: axis, name: name))
        case "Pack":
            var parts: [TensorID] = []
            for (k, value) in inputs.enumerated() { parts.append(try tensor(value, node, name: "\(name)/part\(k)")) }
            return one(try graph.pack(parts, axis: node.int("axis", default: 0), name: name))
        case "Unpack":
            return try graph.unpack(try x(), axis: node.int("axis", default: 0), name: name).map { .tensor($0) }
        case "Split":
            let axis = try const(0, "axis").integers.first ?? 0
            return try graph.split(try tensor(try input(inputs, 1, node), node), count: node.int("num_split", default: 1), axis: axis, name: name).map { .tensor($0) }
        case "SplitV":
            return try splitV(node, inputs)
        case "Transpose":
            return one(try graph.transpose(try x(), permutation: try const(1, "permutation").integers, name: name))
        case "Tile":
            let v = try x()
            let multiples = try const(1, "multiples").integers
            let shape = graph[v].shape
            guard multiples.count == shape.count else { throw .invalidGraph("\(node.label): multiples \(multiples) do not fit \(shape)") }
            let m = try graph.constant("\(name)/multiples", shape: [multiples.count], int32s: multiples.map { Int32($0) })
            return one(graph.append(.tile, inputs: [v, m], outputShape: zip(shape, multiples).map { $0 * $1 }, outputType: graph[v].type, name: name))
        case "Pad", "PadV2", "MirrorPad":
            return one(try pad(node, inputs))
        case "StridedSlice", "Slice":
            return one(try slice(node, inputs))
        case "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3":
            return try fusedBatchNorm(node, inputs)
        case "Cast":
            let v = try x()
            let target = node.type("DstT") ?? .dtFloat
            let type: TensorType
            switch target {
            case .dtFloat: type = .float32
            case .dtInt32: type = .int32
            case .dtInt64: type = .int64
            default: throw .unsupportedFeature("\(node.label): Cast to \(TFDataType.name(target))")
            }
            if graph[v].type == type { return one(v) }
            return one(graph.append(.cast, .table(TableValue(.castOptions)), inputs: [v], outputShape: graph[v].shape, outputType: type, name: name))
        case "ArgMax":
            let v = try x()
            let axis = try const(1, "dimension").integers.first ?? 0
            let rank = graph[v].shape.count
            let normalized = axis < 0 ? axis + rank : axis
            guard normalized >= 0, normalized < rank else { throw .invalidGraph("\(node.label): axis \(axis) out of range") }
            let outputType: TensorType = node.type("output_type") == .dtInt32 ? .int32 : .int64
            var options = TableValue(.argMaxOptions)
            options["output_type"] = .int(outputType == .int32 ? 2 : 4)
            let axisTensor = try graph.constant("\(name)/dimension", shape: [1], int32s: [Int32(normalized)])
            var shape = graph[v].shape
            shape.remove(at: normalized)
            return one(graph.append(.argMax, .table(options), inputs: [v, axisTensor], outputShape: shape, outputType: outputType, name: name))
        case "GatherV2":
            let params = try tensor(try input(inputs, 0, node), node, name: "\(name)/params")
            let indices = try tensor(try input(inputs, 1, node), node, name: "\(name)/indices")
            let axis = inputs.count > 2 ? (try const(2, "axis").integers.first ?? 0) : 0
            return one(try graph.gather(params, indices: indices, axis: axis, name: name))
        case "ResizeBilinear", "ResizeNearestNeighbor":
            let v = try x()
            let size = try const(1, "size").integers
            let shape = graph[v].shape
            guard shape.count == 4, size.count == 2 else { throw .invalidGraph("\(node.label): resize of \(shape) to \(size)") }
            let sizeTensor = try graph.constant("\(name)/size", shape: [2], int32s: size.map { Int32($0) })
            let align = node.bool("align_corners", default: false), half = node.bool("half_pixel_centers", default: false)
            let options: OperatorOptions = node.op == "ResizeBilinear" ? .resizeBilinear(alignCorners: align, halfPixelCenters: half)
                                                                    : .resizeNearestNeighbor(alignCorners: align, halfPixelCenters: half)
            return one(graph.append(node.op == "ResizeBilinear" ? .resizeBilinear : .resizeNearestNeighbor, options, inputs: [v, sizeTensor],
                                    outputShape: [shape[0], size[0], size[1], shape[3]], name: name))
        case "Shape":
            return [.constant(TFConstant(ints: try shape(try input(inputs, 0, node))))]
        case "Size":
            return [.constant(TFConstant(scalar: Double(try shape(try input(inputs, 0, node)).reduce(1, *)), dtype: .dtInt32))]
        case "Rank":
            return [.constant(TFConstant(scalar: Double(try shape(try input(inputs, 0, node)).count), dtype: .dtInt32))]
        default:
            throw .unsupportedOperator(name: node.op, node: node.label, supported: Self.supportedOperators.joined(separator: ", "))
        }
    }
}
