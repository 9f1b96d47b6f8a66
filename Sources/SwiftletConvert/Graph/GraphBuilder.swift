import SwiftletFormat

/// Operator constructors: each checks its operands' shapes, infers the output shape, appends the
/// operator and returns its output tensor. Filters and weights are given in TFLite layout
/// (`[out, kh, kw, in]`, depthwise `[1, kh, kw, in·multiplier]`, fully connected `[out, in]`).
///
/// ```swift
/// var graph = Graph()
/// let x = graph.input("x", shape: [1, 4])
/// let w = try graph.constant("w", shape: [3, 4], floats: weights)
/// let b = try graph.constant("b", shape: [3], floats: bias)
/// let y = try graph.fullyConnected(x, weights: w, bias: b, activation: .relu)
/// graph.output(try graph.softmax(y))
/// let bytes = try GraphWriter.serialize(graph)
/// ```
extension Graph {
    // MARK: - Weighted operators

    /// FULLY_CONNECTED: `input [..., in]` × `weights [out, in]` (+ `bias [out]`). The output is
    /// `[..., out]` with `keepNumDims`, else `[elements / in, out]`.
    public mutating func fullyConnected(_ input: TensorID, weights: TensorID, bias: TensorID? = nil,
                                        activation: ActivationFunction = .none, keepNumDims: Bool = false,
                                        name: String? = nil) throws(ConvertError) -> TensorID {
        let inputShape = self[input].shape, weightShape = self[weights].shape
        guard weightShape.count == 2, let depth = inputShape.last, depth == weightShape[1] else {
            throw .invalidGraph("fully connected \(name ?? ""): input \(inputShape) does not match weights \(weightShape) ([out, in])")
        }
        try checkBias(bias, count: weightShape[0], for: "fully connected \(name ?? "")")
        let outputShape = keepNumDims ? Array(inputShape.dropLast()) + [weightShape[0]]
                                      : [self[input].elementCount / max(depth, 1), weightShape[0]]
        return append(.fullyConnected, .fullyConnected(activation: activation, keepNumDims: keepNumDims),
                      inputs: [input, weights, bias], outputShape: outputShape, name: name ?? defaultName("fully_connected"))
    }

    /// CONV_2D: `input [n, h, w, c]`, `filter [out, kh, kw, c / groups]`, optional `bias [out]`.
    public mutating func conv2D(_ input: TensorID, filter: TensorID, bias: TensorID? = nil,
                                options parameters: Conv2DParameters = Conv2DParameters(), name: String? = nil) throws(ConvertError) -> TensorID {
        let label = "conv2d \(name ?? "")"
        let inputShape = self[input].shape, filterShape = self[filter].shape
        guard inputShape.count == 4, filterShape.count == 4, filterShape[3] > 0, inputShape[3] % filterShape[3] == 0,
              filterShape[0] % (inputShape[3] / filterShape[3]) == 0 else {
            throw .invalidGraph("\(label): input \(inputShape) does not match filter \(filterShape) ([out, kh, kw, in/groups])")
        }
        try checkBias(bias, count: filterShape[0], for: label)
        let height = try Self.windowOutput(inputShape[1], filterShape[1], parameters.strideHeight, parameters.dilationHeight, parameters.padding, label)
        let width = try Self.windowOutput(inputShape[2], filterShape[2], parameters.strideWidth, parameters.dilationWidth, parameters.padding, label)
        return append(.conv2D, .conv2D(parameters), inputs: [input, filter, bias],
                      outputShape: [inputShape[0], height, width, filterShape[0]], name: name ?? defaultName("conv2d"))
    }

    /// DEPTHWISE_CONV_2D: `input [n, h, w, c]`, `filter [1, kh, kw, c·multiplier]`, optional bias.
    public mutating func depthwiseConv2D(_ input: TensorID, filter: TensorID, bias: TensorID? = nil,
                                         options parameters: DepthwiseConv2DParameters = DepthwiseConv2DParameters(), name: String? = nil) throws(ConvertError) -> TensorID {
        let label = "depthwise conv2d \(name ?? "")"
        let inputShape = self[input].shape, filterShape = self[filter].shape
        guard inputShape.count == 4, filterShape.count == 4, filterShape[0] == 1,
              filterShape[3] == inputShape[3] * parameters.depthMultiplier else {
            throw .invalidGraph("\(label): input \(inputShape) and multiplier \(parameters.depthMultiplier) do not match filter \(filterShape) ([1, kh, kw, in·multiplier])")
        }
        try checkBias(bias, count: filterShape[3], for: label)
        let height = try Self.windowOutput(inputShape[1], filterShape[1], parameters.strideHeight, parameters.dilationHeight, parameters.padding, label)
        let width = try Self.windowOutput(inputShape[2], filterShape[2], parameters.strideWidth, parameters.dilationWidth, parameters.padding, label)
        return append(.depthwiseConv2D, .depthwiseConv2D(parameters), inputs: [input, filter, bias],
                      outputShape: [inputShape[0], height, width, filterShape[3]], name: name ?? defaultName("depthwise_conv2d"))
    }

    /// TRANSPOSE_CONV: `input [n, h, w, c]`, `filter [out, kh, kw, c]`, the output shape given
    /// (written as an int32 input tensor, as TFLite wants), optional bias (a fourth input only when given).
    public mutating func transposeConv(_ input: TensorID, filter: TensorID, bias: TensorID? = nil, outputShape: [Int],
                                       options parameters: TransposeConvParameters = TransposeConvParameters(), name: String? = nil) throws(ConvertError) -> TensorID {
        let label = "transpose conv \(name ?? "")"
        let inputShape = self[input].shape, filterShape = self[filter].shape
        guard inputShape.count == 4, filterShape.count == 4, filterShape[3] == inputShape[3], outputShape.count == 4,
              outputShape[3] == filterShape[0], outputShape[0] == inputShape[0] else {
            throw .invalidGraph("\(label): input \(inputShape), filter \(filterShape) and output \(outputShape) do not fit")
        }
        try checkBias(bias, count: filterShape[0], for: label)
        let shape = try constant(defaultName("output_shape"), shape: [4], int32s: outputShape.map { Int32($0) })
        // Without a bias TF writes three inputs (TFLM and LiteRT read a fourth only when present).
        return append(.transposeConv, .transposeConv(parameters), inputs: bias == nil ? [shape, filter, input] : [shape, filter, input, bias],
                      outputShape: outputShape, name: name ?? defaultName("transpose_conv"))
    }

    // MARK: - Pooling and reductions

    /// MAX_POOL_2D over `[n, h, w, c]`.
    public mutating func maxPool2D(_ input: TensorID, options parameters: Pool2DParameters, name: String? = nil) throws(ConvertError) -> TensorID {
        try pool(.maxPool2D, input, parameters, name: name ?? defaultName("max_pool"))
    }

    /// AVERAGE_POOL_2D over `[n, h, w, c]` (padding excluded from the average, as TFLite does).
    public mutating func averagePool2D(_ input: TensorID, options parameters: Pool2DParameters, name: String? = nil) throws(ConvertError) -> TensorID {
        try pool(.averagePool2D, input, parameters, name: name ?? defaultName("average_pool"))
    }

    private mutating func pool(_ code: BuiltinOperator, _ input: TensorID, _ parameters: Pool2DParameters, name: String) throws(ConvertError) -> TensorID {
        let shape = self[input].shape
        guard shape.count == 4 else { throw .invalidGraph("pool \(name): input \(shape) is not [n, h, w, c]") }
        let height = try Self.windowOutput(shape[1], parameters.filterHeight, parameters.strideHeight, 1, parameters.padding, name)
        let width = try Self.windowOutput(shape[2], parameters.filterWidth, parameters.strideWidth, 1, parameters.padding, name)
        return append(code, .pool2D(parameters), inputs: [input], outputShape: [shape[0], height, width, shape[3]], name: name)
    }

    /// A reduction (MEAN, SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD) over `axes`, with the axes
    /// as an int32 input tensor.
    /// The axes are written as a scalar for one axis and a vector for several (as TF's converter writes
    /// Keras's reductions), or always as a vector when `axesAsVector` (a source graph's `[1]`-shaped axes).
    public mutating func reduce(_ code: BuiltinOperator = .mean, _ input: TensorID, axes: [Int], keepDims: Bool = false,
                                axesAsVector: Bool = false, name: String? = nil) throws(ConvertError) -> TensorID {
        let shape = self[input].shape
        let normalized = try axes.map { (axis: Int) throws(ConvertError) -> Int in try Self.axis(axis, rank: shape.count, "reduce") }
        var outputShape: [Int] = []
        for (dimension, size) in shape.enumerated() {
            if normalized.contains(dimension) { if keepDims { outputShape.append(1) } } else { outputShape.append(size) }
        }
        let axesTensor = try constant(defaultName("reduction_indices"), shape: axes.count == 1 && !axesAsVector ? [] : [axes.count],
                                      int32s: normalized.map { Int32($0) })
        return append(code, .reducer(keepDims: keepDims), inputs: [input, axesTensor], outputShape: outputShape,
                      name: name ?? defaultName("mean"))
    }

    // MARK: - Shape and data movement

    /// RESHAPE to `shape` (one −1 allowed), with the shape as an int32 input tensor and no
    /// options, as TensorFlow's converter writes it.
    public mutating func reshape(_ input: TensorID, to shape: [Int], name: String? = nil) throws(ConvertError) -> TensorID {
        let count = self[input].elementCount
        var resolved = shape
        if let unknown = shape.firstIndex(of: -1) {
            let known = shape.filter { $0 != -1 }.reduce(1, *)
            guard known > 0, count % known == 0 else { throw .invalidGraph("reshape \(name ?? ""): cannot reshape \(self[input].shape) to \(shape)") }
            resolved[unknown] = count / known
        }
        guard resolved.reduce(1, *) == count, resolved.allSatisfy({ $0 >= 0 }) else {
            throw .invalidGraph("reshape \(name ?? ""): cannot reshape \(self[input].shape) (\(count) elements) to \(shape)")
        }
        let shapeTensor = try constant(defaultName("shape"), shape: [resolved.count], int32s: resolved.map { Int32($0) })
        return append(.reshape, inputs: [input, shapeTensor], outputShape: resolved, name: name ?? defaultName("reshape"))
    }

    /// TRANSPOSE by `permutation` (an int32 input tensor).
    public mutating func transpose(_ input: TensorID, permutation: [Int], name: String? = nil) throws(ConvertError) -> TensorID {
        let shape = self[input].shape
        guard permutation.sorted() == Array(0..<shape.count) else {
            throw .invalidGraph("transpose \(name ?? ""): \(permutation) is not a permutation of \(shape.count) axes")
        }
        let permutationTensor = try constant(defaultName("perm"), shape: [shape.count], int32s: permutation.map { Int32($0) })
        return append(.transpose, .table(TableValue(.transposeOptions)), inputs: [input, permutationTensor],
                      outputShape: permutation.map { shape[$0] }, name: name ?? defaultName("transpose"))
    }

    /// PAD with zeros: `paddings[d] = (before, after)` per dimension (an int32 `[rank, 2]` tensor).
    public mutating func pad(_ input: TensorID, paddings: [(before: Int, after: Int)], name: String? = nil) throws(ConvertError) -> TensorID {
        let shape = self[input].shape
        guard paddings.count == shape.count, paddings.allSatisfy({ $0.before >= 0 && $0.after >= 0 }) else {
            throw .invalidGraph("pad \(name ?? ""): \(paddings.count) non-negative paddings needed for \(shape)")
        }
        let values = paddings.flatMap { [Int32($0.before), Int32($0.after)] }
        let paddingTensor = try constant(defaultName("paddings"), shape: [shape.count, 2], int32s: values)
        let outputShape = zip(shape, paddings).map { $0 + $1.before + $1.after }
        return append(.pad, .table(TableValue(.padOptions)), inputs: [input, paddingTensor], outputShape: outputShape,
                      name: name ?? defaultName("pad"))
    }

    /// CONCATENATION along `axis` (negative counts from the end).
    public mutating func concatenation(_ inputs: [TensorID], axis: Int, activation: ActivationFunction = .none,
                                       name: String? = nil) throws(ConvertError) -> TensorID {
        guard let first = inputs.first else { throw .invalidGraph("concatenation \(name ?? ""): no inputs") }
        let shape = self[first].shape
        let normalized = try Self.axis(axis, rank: shape.count, "concatenation")
        var outputShape = shape
        outputShape[normalized] = 0
        for input in inputs {
            let other = self[input].shape
            guard other.count == shape.count,
                  other.indices.allSatisfy({ $0 == normalized || other[$0] == shape[$0] }) else {
                throw .invalidGraph("concatenation \(name ?? ""): shapes \(inputs.map { self[$0].shape }) differ off axis \(axis)")
            }
            outputShape[normalized] += other[normalized]
        }
        // A negative axis is written as given (TF keeps Keras's `axis=-1`); the shape check uses the normalized one.
        return append(.concatenation, .concatenation(axis: axis < 0 ? axis : normalized, activation: activation), inputs: inputs,
                      outputShape: outputShape, name: name ?? defaultName("concatenation"))
    }

    /// SPLIT of `input` into `count` equal parts along `axis` (the axis as an int32 scalar input).
    public mutating func split(_ input: TensorID, count: Int, axis: Int, name: String? = nil) throws(ConvertError) -> [TensorID] {
        let shape = self[input].shape
        let normalized = try Self.axis(axis, rank: shape.count, "split")
        guard count > 0, shape[normalized] % count == 0 else {
            throw .invalidGraph("split \(name ?? ""): \(shape[normalized]) does not split into \(count)")
        }
        let axisTensor = try constant(defaultName("split_dim"), shape: [], int32s: [Int32(normalized)])
        var partShape = shape
        partShape[normalized] /= count
        let stem = name ?? defaultName("split")
        let outputs = (0..<count).map { add(GraphTensor(name: $0 == 0 ? stem : "\(stem):\($0)", shape: partShape, type: self[input].type)) }
        operators.append(GraphOperator(code: .split, options: .split(count: count), inputs: [axisTensor, input], outputs: outputs))
        return outputs
    }

    /// UNPACK of `input` along `axis` into its slices.
    public mutating func unpack(_ input: TensorID, axis: Int, name: String? = nil) throws(ConvertError) -> [TensorID] {
        let shape = self[input].shape
        let normalized = try Self.axis(axis, rank: shape.count, "unpack")
        var partShape = shape
        partShape.remove(at: normalized)
        let stem = name ?? defaultName("unpack")
        let outputs = (0..<shape[normalized]).map { add(GraphTensor(name: $0 == 0 ? stem : "\(stem):\($0)", shape: partShape, type: self[input].type)) }
        operators.append(GraphOperator(code: .unpack, options: .unpack(axis: normalized, count: shape[normalized]), inputs: [input], outputs: outputs))
        return outputs
    }

    /// PACK of same-shaped tensors along a new `axis`.
    public mutating func pack(_ inputs: [TensorID], axis: Int, name: String? = nil) throws(ConvertError) -> TensorID {
        guard let first = inputs.first, inputs.allSatisfy({ self[$0].shape == self[first].shape }) else {
            throw .invalidGraph("pack \(name ?? ""): inputs of different shapes")
        }
        var shape = self[first].shape
        let normalized = try Self.axis(axis, rank: shape.count + 1, "pack")
        shape.insert(inputs.count, at: normalized)
        return append(.pack, .pack(axis: normalized, count: inputs.count), inputs: inputs, outputShape: shape,
                      outputType: self[first].type, name: name ?? defaultName("pack"))
    }

    /// GATHER of `params` rows (along `axis`) by int32 `indices`.
    public mutating func gather(_ params: TensorID, indices: TensorID, axis: Int = 0, name: String? = nil) throws(ConvertError) -> TensorID {
        let shape = self[params].shape
        let normalized = try Self.axis(axis, rank: shape.count, "gather")
        guard self[indices].type == .int32 || self[indices].type == .int64 else {
            throw .invalidGraph("gather \(name ?? ""): indices must be int32 or int64")
        }
        let outputShape = Array(shape[..<normalized]) + self[indices].shape + Array(shape[(normalized + 1)...])
        return append(.gather, .gather(axis: normalized, batchDims: 0), inputs: [params, indices], outputShape: outputShape,
                      outputType: self[params].type, name: name ?? defaultName("gather"))
    }

    // MARK: - Element-wise

    /// A broadcasting binary operator: ADD, SUB, MUL, DIV (with a fused activation), or MAXIMUM,
    /// MINIMUM, SQUARED_DIFFERENCE, POW (without).
    public mutating func binary(_ code: BuiltinOperator, _ left: TensorID, _ right: TensorID,
                                activation: ActivationFunction = .none, name: String? = nil) throws(ConvertError) -> TensorID {
        let outputShape = try Self.broadcast(self[left].shape, self[right].shape, "binary operator \(name ?? "")")
        let options: OperatorOptions
        switch code {
        case .add: options = .add(activation: activation)
        case .sub: options = .sub(activation: activation)
        case .mul: options = .mul(activation: activation)
        case .div: options = .div(activation: activation)
        case .maximum, .minimum: options = .table(TableValue(.maximumMinimumOptions))
        case .squaredDifference: options = .table(TableValue(.squaredDifferenceOptions))
        case .pow: options = .table(TableValue(.powOptions))
        default: throw .invalidGraph("\(code.rawValue) is not a binary element-wise operator")
        }
        guard activation == .none || options.fusedActivation != nil else {
            throw .invalidGraph("binary operator \(name ?? ""): \(code.rawValue) has no fused activation")
        }
        return append(code, options, inputs: [left, right], outputShape: outputShape, name: name ?? defaultName("binary"))
    }

    /// ADD.
    public mutating func add(_ left: TensorID, _ right: TensorID, activation: ActivationFunction = .none, name: String? = nil) throws(ConvertError) -> TensorID {
        try binary(.add, left, right, activation: activation, name: name ?? defaultName("add"))
    }

    /// MUL.
    public mutating func mul(_ left: TensorID, _ right: TensorID, activation: ActivationFunction = .none, name: String? = nil) throws(ConvertError) -> TensorID {
        try binary(.mul, left, right, activation: activation, name: name ?? defaultName("mul"))
    }

    /// A shape-preserving operator of one input without options (RELU, RELU6, RELU_N1_TO_1,
    /// LOGISTIC, TANH, HARD_SWISH, ELU, EXP, …) or with the options given.
    public mutating func unary(_ code: BuiltinOperator, _ input: TensorID, _ options: OperatorOptions = .none,
                               name: String? = nil) -> TensorID {
        append(code, options, inputs: [input], outputShape: self[input].shape, outputType: self[input].type,
               name: name ?? defaultName("unary"))
    }

    /// SOFTMAX over the last axis.
    public mutating func softmax(_ input: TensorID, beta: Float = 1, name: String? = nil) -> TensorID {
        unary(.softmax, input, .softmax(beta: beta), name: name ?? defaultName("softmax"))
    }

    /// LEAKY_RELU.
    public mutating func leakyRelu(_ input: TensorID, alpha: Float, name: String? = nil) -> TensorID {
        unary(.leakyRelu, input, .leakyRelu(alpha: alpha), name: name ?? defaultName("leaky_relu"))
    }

    /// PRELU with a per-element (broadcast) slope tensor.
    public mutating func prelu(_ input: TensorID, alpha: TensorID, name: String? = nil) throws(ConvertError) -> TensorID {
        let shape = try Self.broadcast(self[input].shape, self[alpha].shape, "prelu \(name ?? "")")
        return append(.prelu, inputs: [input, alpha], outputShape: shape, name: name ?? defaultName("prelu"))
    }

    // MARK: - Shape helpers

    /// The output size of a window operator along one dimension (TFLite's rule: SAME gives
    /// `ceil(in / stride)`, VALID `ceil((in − effective + 1) / stride)`).
    public static func windowOutput(_ size: Int, _ kernel: Int, _ stride: Int, _ dilation: Int, _ padding: Padding,
                                    _ label: String) throws(ConvertError) -> Int {
        guard kernel > 0, stride > 0, dilation > 0 else {
            throw .invalidGraph("\(label): kernel \(kernel), stride \(stride) and dilation \(dilation) must be positive")
        }
        let effective = (kernel - 1) * dilation + 1
        switch padding {
        case .same: return (size + stride - 1) / stride
        case .valid:
            guard size >= effective else { throw .invalidGraph("\(label): window \(effective) is larger than the input \(size) (VALID padding)") }
            return (size - effective) / stride + 1
        }
    }

    /// NumPy broadcasting of two shapes.
    public static func broadcast(_ left: [Int], _ right: [Int], _ label: String) throws(ConvertError) -> [Int] {
        let rank = max(left.count, right.count)
        let a = [Int](repeating: 1, count: rank - left.count) + left
        let b = [Int](repeating: 1, count: rank - right.count) + right
        var result: [Int] = []
        for (x, y) in zip(a, b) {
            guard x == y || x == 1 || y == 1 else { throw .invalidGraph("\(label): shapes \(left) and \(right) do not broadcast") }
            result.append(x == 1 ? y : x)
        }
        return result
    }

    static func axis(_ axis: Int, rank: Int, _ label: String) throws(ConvertError) -> Int {
        let normalized = axis < 0 ? axis + rank : axis
        guard normalized >= 0, normalized < rank else { throw .invalidGraph("\(label): axis \(axis) out of range for rank \(rank)") }
        return normalized
    }

    private func checkBias(_ bias: TensorID?, count: Int, for label: String) throws(ConvertError) {
        guard let bias else { return }
        guard self[bias].shape == [count] else {
            throw .invalidGraph("\(label): bias \(self[bias].shape) should be [\(count)]")
        }
    }

    /// A fresh tensor name: `stem` followed by the tensor count.
    func defaultName(_ stem: String) -> String { "\(stem)_\(tensors.count)" }
}
