import Foundation
import SwiftletFormat

/// Translates one Keras layer call into TFLite operators on a `Graph`, the way TensorFlow's
/// converter does before its fusion passes (BatchNormalization becomes MUL + ADD and activations
/// separate operators; `GraphPasses` then folds and fuses them as TF does).
struct KerasLayerConverter {
    let path: String
    let weights: [String: [KerasWeight]]
    var graph = Graph()
    /// Constants already made for a layer (shared layers reuse their weights).
    private var constants: [String: TensorID] = [:]

    init(path: String, weights: [String: [KerasWeight]]) {
        self.path = path
        self.weights = weights
    }

    /// The layer classes `convert` understands.
    static let supported = [
        "InputLayer", "Dense", "Conv1D", "Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose",
        "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D",
        "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "Flatten", "Reshape", "Permute",
        "Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "ActivityRegularization",
        "BatchNormalization", "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "Add", "Subtract",
        "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "ZeroPadding1D", "ZeroPadding2D",
        "UpSampling2D", "Rescaling", "Normalization", "Embedding", "LSTM", "GRU",
    ]

    // MARK: - Dispatch

    mutating func convert(_ layer: KerasLayerEntry, inputs: [TensorID]) throws(ConvertError) -> [TensorID] {
        let c = layer.config
        let name = layer.name
        guard let x = inputs.first else { throw .malformed(path: path, reason: "\(c.layer) is called without inputs") }
        if c.has("data_format"), try c.string("data_format", default: "channels_last") != "channels_last" {
            throw .unsupportedFeature("\(c.layer): data_format channels_first; TFLite is NHWC (save the model channels_last)")
        }
        switch layer.className {
        case "InputLayer":
            return [x]
        case "Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "ActivityRegularization":
            return [x]  // identities at inference
        case "Dense":
            return [try dense(layer, x)]
        case "Conv2D":
            return [try conv2D(layer, x)]
        case "Conv1D":
            return [try conv1D(layer, x)]
        case "DepthwiseConv2D":
            return [try depthwise(layer, x)]
        case "SeparableConv2D":
            return [try separable(layer, x)]
        case "Conv2DTranspose":
            return [try transposeConv(layer, x)]
        case "MaxPooling2D", "AveragePooling2D":
            return [try pool2D(layer, x, max: layer.className.hasPrefix("Max"))]
        case "MaxPooling1D", "AveragePooling1D":
            return [try pool1D(layer, x, max: layer.className.hasPrefix("Max"))]
        case "GlobalAveragePooling2D", "GlobalMaxPooling2D", "GlobalAveragePooling1D", "GlobalMaxPooling1D":
            let axes = layer.className.hasSuffix("2D") ? [1, 2] : [1]
            let code: BuiltinOperator = layer.className.hasPrefix("GlobalAverage") ? .mean : .reduceMax
            return [try graph.reduce(code, x, axes: axes, keepDims: try c.bool("keepdims", default: false), name: name)]
        case "Flatten":
            return [try graph.reshape(x, to: [graph[x].shape[0], -1], name: name)]
        case "Reshape":
            return [try graph.reshape(x, to: [graph[x].shape[0]] + (try c.ints("target_shape")), name: name)]
        case "Permute":
            let dims = try c.ints("dims")
            return [try graph.transpose(x, permutation: [0] + dims, name: name)]
        case "BatchNormalization":
            return [try batchNormalization(layer, x)]
        case "Activation":
            return [try activation(try c.string("activation", default: "linear"), x, layer: layer, name: name)]
        case "ReLU":
            return [try relu(layer, x)]
        case "LeakyReLU":
            let alpha = c.has("negative_slope") ? try c.float("negative_slope", default: 0.3) : try c.float("alpha", default: 0.3)
            return [graph.leakyRelu(x, alpha: Float(alpha), name: name)]
        case "ELU":
            guard try c.float("alpha", default: 1) == 1 else { throw .unsupportedFeature("\(c.layer): ELU with alpha ≠ 1 (TFLite ELU has alpha 1)") }
            return [graph.unary(.elu, x, name: name)]
        case "PReLU":
            return [try prelu(layer, x)]
        case "Softmax":
            let axis = try c.ints("axis").first ?? -1
            guard axis == -1 || axis == graph[x].shape.count - 1 else { throw .unsupportedFeature("\(c.layer): softmax over axis \(axis) (TFLite's is over the last axis)") }
            return [graph.softmax(x, name: name)]
        case "Add", "Subtract", "Multiply", "Maximum", "Minimum", "Average":
            return [try merge(layer, inputs)]
        case "Concatenate":
            return [try graph.concatenation(inputs, axis: try c.int("axis", default: -1), name: name)]
        case "ZeroPadding2D":
            let padding = try pairs(c, "padding", count: 2)
            return [try graph.pad(x, paddings: [(0, 0), padding[0], padding[1], (0, 0)], name: name)]
        case "ZeroPadding1D":
            let padding = try pairs(c, "padding", count: 1)
            return [try graph.pad(x, paddings: [(0, 0), padding[0], (0, 0)], name: name)]
        case "UpSampling2D":
            return [try upSampling(layer, x)]
        case "Rescaling":
            return [try rescaling(layer, x)]
        case "Normalization":
            return [try normalization(layer, x)]
        case "LSTM", "GRU":
            return [try recurrent(layer, x)]
        case "Embedding":
            let vars = try variables(layer, count: 1)
            guard vars[0].shape.count == 2 else { throw .malformed(path: path, reason: "\(c.layer): embeddings of shape \(vars[0].shape)") }
            let table = try constant(layer, "embeddings", shape: vars[0].shape) { vars[0].values }
            guard graph[x].type == .int32 else {
                throw .unsupportedFeature("\(c.layer): float token ids; give the Input layer dtype=\"int32\"")
            }
            return [try graph.gather(table, indices: x, axis: 0, name: name)]
        default:
            throw .unsupportedOperator(name: layer.className, node: "layer \(name)",
                                       supported: Self.supported.joined(separator: ", "))
        }
    }

    // MARK: - Weights

    func variables(_ layer: KerasLayerEntry, count: Int) throws(ConvertError) -> [KerasWeight] {
        guard let found = weights[layer.name], found.count >= count else {
            throw .malformed(path: path, reason: "\(layer.config.layer) needs \(count) weight arrays, the file has \(weights[layer.name]?.count ?? 0)")
        }
        return found
    }

    /// A float constant, made once per layer and key.
    mutating func constant(_ layer: KerasLayerEntry, _ key: String, shape: [Int], _ values: () -> [Float]) throws(ConvertError) -> TensorID {
        let cacheKey = "\(layer.name)/\(key)"
        if let known = constants[cacheKey] { return known }
        let made = try graph.constant(cacheKey, shape: shape, floats: values())
        constants[cacheKey] = made
        return made
    }

    /// Reorders a row-major array of `shape` by `permutation` (like `numpy.transpose`).
    static func transposed(_ values: [Float], shape: [Int], permutation: [Int]) -> [Float] {
        let rank = shape.count
        var strides = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * shape[d + 1] }
        let outputShape = permutation.map { shape[$0] }
        var result = [Float](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: rank)
        for position in 0..<values.count {
            var source = 0
            for d in 0..<rank { source += index[d] * strides[permutation[d]] }
            result[position] = values[source]
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < outputShape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return result
    }

    private func padding(_ c: KerasConfig) throws(ConvertError) -> Padding {
        switch try c.string("padding", default: "valid").lowercased() {
        case "same": return .same
        case "valid": return .valid
        case let other: throw .unsupportedFeature("\(c.layer): padding \(other) (supported: same, valid)")
        }
    }

    /// `((top, bottom), (left, right))`-style paddings, from an int, a pair or pairs.
    private func pairs(_ c: KerasConfig, _ key: String, count: Int) throws(ConvertError) -> [(before: Int, after: Int)] {
        if let single = KerasConfig.integer(c.values[key]) { return [(before: Int, after: Int)](repeating: (single, single), count: count) }
        guard let list = c.values[key] as? [Any], list.count == (count == 1 && KerasConfig.integer(list.first) != nil ? 2 : count) else {
            throw .malformed(path: path, reason: "\(c.layer): padding \(String(describing: c.values[key]))")
        }
        if count == 1, list.count == 2, let a = KerasConfig.integer(list[0]), let b = KerasConfig.integer(list[1]) { return [(a, b)] }
        var result: [(before: Int, after: Int)] = []
        for item in list {
            if let single = KerasConfig.integer(item) { result.append((single, single)); continue }
            guard let pair = item as? [Any], pair.count == 2, let a = KerasConfig.integer(pair[0]), let b = KerasConfig.integer(pair[1]) else {
                throw .malformed(path: path, reason: "\(c.layer): padding \(String(describing: c.values[key]))")
            }
            result.append((a, b))
        }
        return result
    }

    // MARK: - Weighted layers

    private mutating func dense(_ layer: KerasLayerEntry, _ x: TensorID) throws(ConvertError) -> TensorID {
        let c = layer.config
        let useBias = try c.bool("use_bias", default: true)
        let vars = try variables(layer, count: useBias ? 2 : 1)
        let kernel = vars[0]
        guard kernel.shape.count == 2 else { throw .unsupportedFeature("\(c.layer): kernel of shape \(kernel.shape)") }
        let weightsTensor = try constant(layer, "kernel", shape: [kernel.shape[1], kernel.shape[0]]) {
            Self.transposed(kernel.values, shape: kernel.shape, permutation: [1, 0])
        }
        // TF's converter drops an all-zero Dense bias.
        var bias: TensorID?
        if useBias, vars[1].values.contains(where: { $0 != 0 }) {
            bias = try constant(layer, "bias", shape: [kernel.shape[1]]) { vars[1].values }
        }
        let keep = graph[x].shape.count > 2
        let y = try graph.fullyConnected(x, weights: weightsTensor, bias: bias, keepNumDims: keep, name: layer.name + (c.has("activation") ? "/linear" : ""))
        return try activation(try c.string("activation", default: "linear"), y, layer: layer, name: layer.name)
    }

    private mutating func convolutionBias(_ layer: KerasLayerEntry, _ vars: [KerasWeight], index: Int, count: Int, useBias: Bool) throws(ConvertError) -> TensorID {
        // A convolution keeps a bias tensor even when the layer has none (zeros), as TF's converter does.
        try constant(layer, "bias", shape: [count]) { useBias ? vars[index].values : [Float](repeating: 0, count: count) }
    }

    private mutating func conv2D(_ layer: KerasLayerEntry, _ x: TensorID) throws(ConvertError) -> TensorID {
        let c = layer.config
        let useBias = try c.bool("use_bias", default: true)
        let vars = try variables(layer, count: useBias ? 2 : 1)
        let kernel = vars[0]
        guard kernel.shape.count == 4 else { throw .malformed(path: path, reason: "\(c.layer): kernel of shape \(kernel.shape)") }
        let filter = try constant(layer, "kernel", shape: [kernel.shape[3], kernel.shape[0], kernel.shape[1], kernel.shape[2]]) {
            Self.transposed(kernel.values, shape: kernel.shape, permutation: [3, 0, 1, 2])
        }
        let bias = try convolutionBias(layer, vars, index: 1, count: kernel.shape[3], useBias: useBias)
        let strides = try c.ints("strides", count: 2, default: [1, 1])
        let dilation = try c.ints("dilation_rate", count: 2, default: [1, 1])
        let y = try graph.conv2D(x, filter: filter, bias: bias, options: Conv2DParameters(
            padding: try padding(c), strideHeight: strides[0], strideWidth: strides[1],
            dilationHeight: dilation[0], dilationWidth: dilation[1]), name: layer.name + "/convolution")
        return try activation(try c.string("activation", default: "linear"), y, layer: layer, name: layer.name)
    }

    private mutating func conv1D(_ layer: KerasLayerEntry, _ x: TensorID) throws(ConvertError) -> TensorID {
        let c = layer.config
        let shape = graph[x].shape
        guard shape.count == 3 else { throw .invalidGraph("\(c.layer): input \(shape) is not [batch, steps, channels]") }
        guard try c.string("padding", default: "valid") != "causal" else { throw .unsupportedFeature("\(c.layer): causal padding") }
        let useBias = try c.bool("use_bias", default: true)
        let vars = try variables(layer, count: useBias ? 2 : 1)
        let kernel = vars[0]  // (k, in/groups, out)
        guard kernel.shape.count == 3 else { throw .malformed(path: path, reason: "\(c.layer): kernel of shape \(kernel.shape)") }
        let filter = try constant(layer, "kernel", shape: [kernel.shape[2], 1, kernel.shape[0], kernel.shape[1]]) {
            Self.transposed(kernel.values, shape: kernel.shape, permutation: [2, 0, 1])
        }
        let bias = try convolutionBias(layer, vars, index: 1, count: kernel.shape[2], useBias: useBias)
        let stride = try c.ints("strides", count: 1, default: [1])[0]
        let dilation = try c.ints("dilation_rate", count: 1, default: [1])[0]
        let expanded = try graph.reshape(x, to: [shape[0], 1, shape[1], shape[2]], name: layer.name + "/ExpandDims")
        let y = try graph.conv2D(expanded, filter: filter, bias: bias, options: Conv2DParameters(
            padding: try padding(c), strideHeight: 1, strideWidth: stride, dilationHeight: 1, dilationWidth: dilation),
            name: layer.name + "/convolution")
        // The activation goes before the squeeze (they commute) so that it can fuse into the convolution.
        let activated = try activation(try c.string("activation", default: "linear"), y, layer: layer, name: layer.name + "/activation")
        return try graph.reshape(activated, to: [shape[0], graph[y].shape[2], graph[y].shape[3]], name: layer.name)
    }

    private mutating func depthwise(_ layer: KerasLayerEntry, _ x: TensorID) throws(ConvertError) -> TensorID {
        let c = layer.config
        let useBias = try c.bool("use_bias", default: true)
        let vars = try variables(layer, count: useBias ? 2 : 1)
        let kernel = vars[0]  // (kh, kw, in, multiplier)
        guard kernel.shape.count == 4 else { throw .malformed(path: path, reason: "\(c.layer): kernel of shape \(kernel.shape)") }
        let channels = kernel.shape[2] * kernel.shape[3]
        let filter = try constant(layer, "depthwise_kernel", shape: [1, kernel.shape[0], kernel.shape[1], channels]) { kernel.values }
        let bias = try convolutionBias(layer, vars, index: 1, count: channels, useBias: useBias)
        let strides = try c.ints("strides", count: 2, default: [1, 1])
        let dilation = try c.ints("dilation_rate", count: 2, default: [1, 1])
        let y = try graph.depthwiseConv2D(x, filter: filter, bias: bias, options: DepthwiseConv2DParameters(
            padding: try padding(c), strideHeight: strides[0], strideWidth: strides[1], dilationHeight: dilation[0],
            dilationWidth: dilation[1], depthMultiplier: kernel.shape[3]), name: layer.name + "/depthwise")
        return try activation(try c.string("activation", default: "linear"), y, layer: layer, name: layer.name)
    }

    private mutating func separable(_ layer: KerasLayerEntry, _ x: TensorID) throws(ConvertError) -> TensorID {
        let c = layer.config
        let useBias = try c.bool("use_bias", default: true)
        let vars = try variables(layer, count: useBias ? 3 : 2)
        let depthKernel = vars[0], pointKernel = vars[1]  // (kh, kw, in, m), (1, 1, in·m, out)
        guard depthKernel.shape.count == 4, pointKernel.shape.count == 4 else {
            throw .malformed(path: path, reason: "\(c.layer): kernels of shapes \(depthKernel.shape), \(pointKernel.shape)")
        }
        let channels = depthKernel.shape[2] * depthKernel.shape[3]
        let depthFilter = try constant(layer, "depthwise_kernel", shape: [1, depthKernel.shape[0], depthKernel.shape[1], channels]) { depthKernel.values }
        let depthBias = try constant(layer, "depthwise_bias", shape: [channels]) { [Float](repeating: 0, count: channels) }
        let strides = try c.ints("strides", count: 2, default: [1, 1])
        let dilation = try c.ints("dilation_rate", count: 2, default: [1, 1])
        let depthOutput = try graph.depthwiseConv2D(x, filter: depthFilter, bias: depthBias, options: DepthwiseConv2DParameters(
            padding: try padding(c), strideHeight: strides[0], strideWidth: strides[1], dilationHeight: dilation[0],
            dilationWidth: dilation[1], depthMultiplier: depthKernel.shape[3]), name: layer.name + "/depthwise")
        let outputs = pointKernel.shape[3]
        let pointFilter = try constant(layer, "pointwise_kernel", shape: [outputs, 1, 1, channels]) {
            Self.transposed(pointKernel.values, shape: pointKernel.shape, permutation: [3, 0, 1, 2])
        }
        let bias = try convolutionBias(layer, vars, index: 2, count: outputs, useBias: useBias)
        let y = try graph.conv2D(depthOutput, filter: pointFilter, bias: bias, options: Conv2DParameters(padding: .valid),
                                 name: layer.name + "/pointwise")
        return try activation(try c.string("activation", default: "linear"), y, layer: layer, name: layer.name)
    }

    private mutating func transposeConv(_ layer: KerasLayerEntry, _ x: TensorID) throws(ConvertError) -> TensorID {
        let c = layer.config
        guard !c.has("output_padding") else { throw .unsupportedFeature("\(c.layer): output_padding") }
        let useBias = try c.bool("use_bias", default: true)
        let vars = try variables(layer, count: useBias ? 2 : 1)
        let kernel = vars[0]  // (kh, kw, out, in)
        guard kernel.shape.count == 4 else { throw .malformed(path: path, reason: "\(c.layer): kernel of shape \(kernel.shape)") }
        guard try c.ints("dilation_rate", count: 2, default: [1, 1]) == [1, 1] else { throw .unsupportedFeature("\(c.layer): dilated transposed convolution") }
        let filter = try constant(layer, "kernel", shape: [kernel.shape[2], kernel.shape[0], kernel.shape[1], kernel.shape[3]]) {
            Self.transposed(kernel.values, shape: kernel.shape, permutation: [2, 0, 1, 3])
        }
        let bias = useBias ? try constant(layer, "bias", shape: [kernel.shape[2]]) { vars[1].values } : nil
        let strides = try c.ints("strides", count: 2, default: [1, 1])
        let pad = try padding(c)
        let shape = graph[x].shape
        func size(_ input: Int, _ k: Int, _ s: Int) -> Int { pad == .same ? input * s : (input - 1) * s + k }
        let outputShape = [shape[0], size(shape[1], kernel.shape[0], strides[0]), size(shape[2], kernel.shape[1], strides[1]), kernel.shape[2]]
        let y = try graph.transposeConv(x, filter: filter, bias: bias, outputShape: outputShape, options: TransposeConvParameters(
            padding: pad, strideHeight: strides[0], strideWidth: strides[1]), name: layer.name + "/conv_transpose")
        return try activation(try c.string("activation", default: "linear"), y, layer: layer, name: layer.name)
    }

    // MARK: - Pooling

    private mutating func pool2D(_ layer: KerasLayerEntry, _ x: TensorID, max: Bool) throws(ConvertError) -> TensorID {
        let c = layer.config
        let size = try c.ints("pool_size", count: 2, default: [2, 2])
        let strides = c.has("strides") ? try c.ints("strides", count: 2) : size
        let options = Pool2DParameters(padding: try padding(c), strideHeight: strides[0], strideWidth: strides[1],
                                       filterHeight: size[0], filterWidth: size[1])
        return max ? try graph.maxPool2D(x, options: options, name: layer.name) : try graph.averagePool2D(x, options: options, name: layer.name)
    }

    private mutating func pool1D(_ layer: KerasLayerEntry, _ x: TensorID, max: Bool) throws(ConvertError) -> TensorID {
        let c = layer.config
        let shape = graph[x].shape
        guard shape.count == 3 else { throw .invalidGraph("\(c.layer): input \(shape) is not [batch, steps, channels]") }
        let size = try c.ints("pool_size", count: 1, default: [2])[0]
        let stride = c.has("strides") ? try c.ints("strides", count: 1)[0] : size
        let options = Pool2DParameters(padding: try padding(c), strideHeight: 1, strideWidth: stride, filterHeight: 1, filterWidth: size)
        let expanded = try graph.reshape(x, to: [shape[0], 1, shape[1], shape[2]], name: layer.name + "/ExpandDims")
        let pooled = max ? try graph.maxPool2D(expanded, options: options, name: layer.name + "/pool")
                         : try graph.averagePool2D(expanded, options: options, name: layer.name + "/pool")
        return try graph.reshape(pooled, to: [shape[0], graph[pooled].shape[2], shape[2]], name: layer.name)
    }

    // MARK: - Normalization

    private mutating func batchNormalization(_ layer: KerasLayerEntry, _ x: TensorID) throws(ConvertError) -> TensorID {
        let c = layer.config
        let rank = graph[x].shape.count
        let axis = try c.ints("axis").first ?? -1
        guard axis == -1 || axis == rank - 1 else { throw .unsupportedFeature("\(c.layer): normalization over axis \(axis) (only the last, channels_last)") }
        let center = try c.bool("center", default: true), scale = try c.bool("scale", default: true)
        let vars = try variables(layer, count: 2 + (center ? 1 : 0) + (scale ? 1 : 0))
        var index = 0
        let gamma = scale ? vars[index].values : nil
        if scale { index += 1 }
        let beta = center ? vars[index].values : nil
        if center { index += 1 }
        let mean = vars[index].values, variance = vars[index + 1].values
        let epsilon = Float(try c.float("epsilon", default: 1e-3))
        let channels = mean.count
        guard variance.count == channels, gamma.map({ $0.count == channels }) ?? true, beta.map({ $0.count == channels }) ?? true,
              graph[x].shape.last == channels else {
            throw .malformed(path: path, reason: "\(c.layer): statistics of \(channels) channels for input \(graph[x].shape)")
        }
        // tf.nn.batch_normalization: inv = rsqrt(var + ε)·γ; y = x·inv + (β − μ·inv).
        var multiplier = [Float](repeating: 0, count: channels)
        var offset = [Float](repeating: 0, count: channels)
        for i in 0..<channels {
            var inv = 1 / (variance[i] + epsilon).squareRoot()
            if let gamma { inv *= gamma[i] }
            multiplier[i] = inv
            offset[i] = (beta?[i] ?? 0) - mean[i] * inv
        }
        let scaleTensor = try constant(layer, "mul", shape: [channels]) { multiplier }
        let offsetTensor = try constant(layer, "sub", shape: [channels]) { offset }
        let scaled = try graph.mul(x, scaleTensor, name: layer.name + "/mul")
        return try graph.add(scaled, offsetTensor, name: layer.name)
    }

    private mutating func rescaling(_ layer: KerasLayerEntry, _ x: TensorID) throws(ConvertError) -> TensorID {
        let c = layer.config
        let scale = Float(try c.float("scale", default: 1)), offset = Float(try c.float("offset", default: 0))
        let scaleTensor = try constant(layer, "scale", shape: []) { [scale] }
        let scaled = try graph.mul(x, scaleTensor, name: layer.name + "/mul")
        guard offset != 0 else { return scaled }
        let offsetTensor = try constant(layer, "offset", shape: []) { [offset] }
        return try graph.add(scaled, offsetTensor, name: layer.name)
    }

    private mutating func normalization(_ layer: KerasLayerEntry, _ x: TensorID) throws(ConvertError) -> TensorID {
        let c = layer.config
        guard !(try c.bool("invert", default: false)) else { throw .unsupportedFeature("\(c.layer): invert=True") }
        let vars = try variables(layer, count: 2)
        let mean = vars[0], variance = vars[1]
        // (x − mean) / max(√variance, ε), ε = Keras' backend epsilon 1e-7.
        let shape = mean.shape.count == graph[x].shape.count ? mean.shape : [mean.values.count]
        let meanTensor = try constant(layer, "mean", shape: shape) { mean.values }
        let reciprocal = try constant(layer, "reciprocal_std", shape: shape) { variance.values.map { 1 / max($0.squareRoot(), 1e-7) } }
        let centered = try graph.binary(.sub, x, meanTensor, name: layer.name + "/sub")
        return try graph.mul(centered, reciprocal, name: layer.name)
    }

    // MARK: - Activations

    private mutating func relu(_ layer: KerasLayerEntry, _ x: TensorID) throws(ConvertError) -> TensorID {
        let c = layer.config
        let maxValue = c.has("max_value") ? try c.float("max_value", default: 0) : nil
        let slope = try c.float("negative_slope", default: 0), threshold = try c.float("threshold", default: 0)
        guard threshold == 0 else { throw .unsupportedFeature("\(c.layer): ReLU threshold \(threshold)") }
        switch (maxValue, slope) {
        case (nil, 0): return graph.unary(.relu, x, name: layer.name)
        case (6?, 0): return graph.unary(.relu6, x, name: layer.name)
        case (nil, let alpha): return graph.leakyRelu(x, alpha: Float(alpha), name: layer.name)
        default: throw .unsupportedFeature("\(c.layer): ReLU with max_value \(maxValue ?? 0) and negative_slope \(slope) (supported: plain, max_value 6, or negative_slope alone)")
        }
    }

    private mutating func prelu(_ layer: KerasLayerEntry, _ x: TensorID) throws(ConvertError) -> TensorID {
        let vars = try variables(layer, count: 1)
        let alpha = try constant(layer, "alpha", shape: vars[0].shape) { vars[0].values }
        return try graph.prelu(x, alpha: alpha, name: layer.name)
    }

    /// The Keras activation `name` applied to `x` (the identity for `linear`).
    mutating func activation(_ activationName: String, _ x: TensorID, layer: KerasLayerEntry, name: String) throws(ConvertError) -> TensorID {
        switch activationName {
        case "linear", "": return x
        case "relu": return graph.unary(.relu, x, name: name)
        case "relu6": return graph.unary(.relu6, x, name: name)
        case "sigmoid": return graph.unary(.logistic, x, name: name)
        case "tanh": return graph.unary(.tanh, x, name: name)
        case "softmax": return graph.softmax(x, name: name)
        case "elu": return graph.unary(.elu, x, name: name)
        case "exponential": return graph.unary(.exp, x, name: name)
        case "hard_swish", "hard_silu": return graph.unary(.hardSwish, x, name: name)
        case "leaky_relu": return graph.leakyRelu(x, alpha: 0.2, name: name)
        case "log_softmax": return graph.unary(.logSoftmax, x, .table(TableValue(.logSoftmaxOptions)), name: name)
        case "gelu":
            var options = TableValue(.geluOptions)
            options["approximate"] = .bool(false)
            return graph.unary(.gelu, x, .table(options.droppingDefaults()), name: name)
        case "swish", "silu":
            let sigmoid = graph.unary(.logistic, x, name: name + "/Sigmoid")
            return try graph.mul(x, sigmoid, name: name)
        case "hard_sigmoid":
            // Keras 3: relu6(x + 3) / 6.
            let three = try constant(layer, "hard_sigmoid_three", shape: []) { [3] }
            let sixth = try constant(layer, "hard_sigmoid_sixth", shape: []) { [1.0 / 6.0] }
            let shifted = try graph.add(x, three, activation: .relu6, name: name + "/add")
            return try graph.mul(shifted, sixth, name: name)
        default:
            throw .unsupportedOperator(name: "activation \(activationName)", node: "layer \(layer.config.layer)",
                                       supported: "linear, relu, relu6, sigmoid, tanh, softmax, elu, exponential, hard_swish, hard_sigmoid, swish/silu, gelu, leaky_relu, log_softmax")
        }
    }

    // MARK: - Merging and resampling

    private mutating func merge(_ layer: KerasLayerEntry, _ inputs: [TensorID]) throws(ConvertError) -> TensorID {
        guard inputs.count >= 2 else { throw .malformed(path: path, reason: "\(layer.config.layer) merges \(inputs.count) tensor(s)") }
        let code: BuiltinOperator
        switch layer.className {
        case "Add", "Average": code = .add
        case "Subtract": code = .sub
        case "Multiply": code = .mul
        case "Maximum": code = .maximum
        default: code = .minimum
        }
        guard code != .sub || inputs.count == 2 else { throw .malformed(path: path, reason: "\(layer.config.layer) subtracts \(inputs.count) tensors") }
        var result = inputs[0]
        for (k, input) in inputs.dropFirst().enumerated() {
            let last = k == inputs.count - 2 && layer.className != "Average"
            result = try graph.binary(code, result, input, name: last ? layer.name : "\(layer.name)/\(k)")
        }
        if layer.className == "Average" {
            let reciprocal = try constant(layer, "reciprocal_count", shape: []) { [1 / Float(inputs.count)] }
            result = try graph.mul(result, reciprocal, name: layer.name)
        }
        return result
    }

    private mutating func upSampling(_ layer: KerasLayerEntry, _ x: TensorID) throws(ConvertError) -> TensorID {
        let c = layer.config
        let size = try c.ints("size", count: 2, default: [2, 2])
        let shape = graph[x].shape
        guard shape.count == 4 else { throw .invalidGraph("\(c.layer): input \(shape) is not [n, h, w, c]") }
        let interpolation = try c.string("interpolation", default: "nearest")
        let newSize = try graph.constant(layer.name + "/size", shape: [2], int32s: [Int32(shape[1] * size[0]), Int32(shape[2] * size[1])])
        let outputShape = [shape[0], shape[1] * size[0], shape[2] * size[1], shape[3]]
        switch interpolation {
        case "nearest":
            return graph.append(.resizeNearestNeighbor, .resizeNearestNeighbor(alignCorners: false, halfPixelCenters: false),
                                inputs: [x, newSize], outputShape: outputShape, name: layer.name)
        case "bilinear":
            return graph.append(.resizeBilinear, .resizeBilinear(alignCorners: false, halfPixelCenters: true),
                                inputs: [x, newSize], outputShape: outputShape, name: layer.name)
        default:
            throw .unsupportedFeature("\(c.layer): interpolation \(interpolation) (supported: nearest, bilinear)")
        }
    }
}
