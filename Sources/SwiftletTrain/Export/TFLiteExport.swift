import SwiftletConvert
import SwiftletFormat

/// Export of a trained model to a float32 `.tflite`, through the converter's
/// graph IR and writer (the same path as the Keras importer), with the
/// converter's passes (BatchNormalization folded into the preceding
/// convolution, activations fused). Batch size 1, as TFLM runs models.
///
/// Layer mapping, as TensorFlow's converter does it: Dense → FULLY_CONNECTED
/// (ReLU/ReLU6 fused; other activations as their own operator), Conv2D →
/// CONV_2D, Conv1D → RESHAPE + CONV_2D + RESHAPE, DepthwiseConv2D →
/// DEPTHWISE_CONV_2D, pools → MAX_POOL_2D / AVERAGE_POOL_2D,
/// GlobalAveragePool2D → MEAN, Flatten and Reshape → RESHAPE,
/// BatchNormalization → MUL + ADD (then folded), Add → ADD, Concatenate →
/// CONCATENATION, activations → RELU, RELU6, LEAKY_RELU, LOGISTIC, TANH,
/// SOFTMAX. Dropout is left out.
extension Model {
    /// The float32 graph of this model, optimized by the converter's passes.
    public func exportGraph() throws -> Graph {
        do {
            return try buildGraph()
        } catch {
            throw TrainError.exportFailed(error.description)
        }
    }

    /// The float32 `.tflite` bytes of this model.
    public func exportTFLite() throws -> [UInt8] {
        let graph = try exportGraph()
        do {
            return try GraphWriter.serialize(graph)
        } catch {
            throw TrainError.exportFailed(error.description)
        }
    }

    private func buildGraph() throws(ConvertError) -> Graph {
        var graph = Graph()
        var values = [graph.input(inputName, shape: [1] + inputShape)]
        for node in nodes {
            let inputs = node.inputs.map { values[$0] }
            let output = try GraphExport.append(node.layer, inputs: inputs, outputShape: [1] + node.outputShape, to: &graph)
            values.append(output)
        }
        graph.output(values[values.count - 1])
        GraphPasses.optimize(&graph)
        return graph
    }
}

/// Each layer's operators in the graph.
enum GraphExport {
    static func append(_ layer: any Layer, inputs: [TensorID], outputShape: [Int],
                       to graph: inout Graph) throws(ConvertError) -> TensorID {
        let name = layer.name
        switch layer {
        case let dense as Dense:
            let kernel = dense.kernel.value
            let (inputUnits, units) = (kernel.shape[0], kernel.shape[1])
            var weights = [Float](repeating: 0, count: kernel.count)
            for i in 0..<inputUnits { for j in 0..<units { weights[j * inputUnits + i] = kernel.scalars[i * units + j] } }
            let w = try graph.constant("\(name)/kernel", shape: [units, inputUnits], floats: weights)
            let b = try dense.bias.map { (bias) throws(ConvertError) -> TensorID in
                try graph.constant("\(name)/bias", shape: [units], floats: bias.value.scalars)
            }
            let (fused, separate) = split(dense.activation)
            let output = try graph.fullyConnected(inputs[0], weights: w, bias: b, activation: fused,
                                                  keepNumDims: outputShape.count > 2, name: separate == nil ? name : "\(name)/MatMul")
            return activation(separate, output, name: name, graph: &graph)
        case let conv as Conv2D:
            return try convolution(conv, input: inputs[0], name: name, graph: &graph)
        case let conv as Conv1D:
            let inner = conv.convolution
            let image = try graph.reshape(inputs[0], to: [1, 1] + graph[inputs[0]].shape.dropFirst(), name: "\(name)/ExpandDims")
            let output = try convolution(inner, input: image, name: "\(name)/Conv2D", graph: &graph)
            return try graph.reshape(output, to: outputShape, name: name)
        case let conv as DepthwiseConv2D:
            let channels = conv.kernel.value.shape[2] * conv.depthMultiplier
            // [kh, kw, in, multiplier] and TFLite's [1, kh, kw, in·multiplier] hold the same row-major order.
            let filter = try graph.constant("\(name)/depthwise_kernel",
                                            shape: [1, conv.kernelSize.height, conv.kernelSize.width, channels],
                                            floats: conv.kernel.value.scalars)
            let bias = try conv.bias.map { (bias) throws(ConvertError) -> TensorID in
                try graph.constant("\(name)/bias", shape: [channels], floats: bias.value.scalars)
            }
            let (fused, separate) = split(conv.activation)
            let parameters = DepthwiseConv2DParameters(
                padding: padding(conv.padding), strideHeight: conv.strides.height, strideWidth: conv.strides.width,
                depthMultiplier: conv.depthMultiplier, activation: fused)
            let output = try graph.depthwiseConv2D(inputs[0], filter: filter, bias: bias, options: parameters,
                                                   name: separate == nil ? name : "\(name)/depthwise")
            return activation(separate, output, name: name, graph: &graph)
        case let pool as MaxPool2D:
            return try graph.maxPool2D(inputs[0], options: Pool2DParameters(
                padding: padding(pool.padding), strideHeight: pool.strides.height, strideWidth: pool.strides.width,
                filterHeight: pool.poolSize.height, filterWidth: pool.poolSize.width), name: name)
        case let pool as AveragePool2D:
            return try graph.averagePool2D(inputs[0], options: Pool2DParameters(
                padding: padding(pool.padding), strideHeight: pool.strides.height, strideWidth: pool.strides.width,
                filterHeight: pool.poolSize.height, filterWidth: pool.poolSize.width), name: name)
        case is GlobalAveragePool2D:
            return try graph.reduce(.mean, inputs[0], axes: [1, 2], name: name)
        case is Flatten, is Reshape:
            return try graph.reshape(inputs[0], to: outputShape, name: name)
        case is Dropout:
            return inputs[0]
        case let normalization as BatchNormalization:
            let (scale, shift) = normalization.inferenceScaleAndShift()
            let channels = [scale.count]
            let scaled = try graph.mul(inputs[0], try graph.constant("\(name)/scale", shape: channels, floats: scale),
                                       name: "\(name)/mul")
            return try graph.add(scaled, try graph.constant("\(name)/shift", shape: channels, floats: shift), name: name)
        case let activationLayer as Activation:
            let (fused, separate) = split(activationLayer.function)
            if fused == .relu { return graph.unary(.relu, inputs[0], name: name) }
            if fused == .relu6 { return graph.unary(.relu6, inputs[0], name: name) }
            return activation(separate, inputs[0], name: name, graph: &graph)
        case is Add:
            var sum = inputs[0]
            for (k, input) in inputs.dropFirst().enumerated() {
                sum = try graph.add(sum, input, name: k == inputs.count - 2 ? name : "\(name)/\(k)")
            }
            return sum
        case is Concatenate:
            return try graph.concatenation(inputs, axis: outputShape.count - 1, name: name)
        default:
            throw .invalidGraph("layer '\(name)' (\(layer.kindName)) has no TFLite export")
        }
    }

    private static func convolution(_ conv: Conv2D, input: TensorID, name: String,
                                    graph: inout Graph) throws(ConvertError) -> TensorID {
        let kernel = conv.kernel.value
        let (kh, kw, cin, cout) = (kernel.shape[0], kernel.shape[1], kernel.shape[2], kernel.shape[3])
        // Keras [kh, kw, in, out] → TFLite [out, kh, kw, in].
        var filter = [Float](repeating: 0, count: kernel.count)
        for y in 0..<kh { for x in 0..<kw { for i in 0..<cin { for o in 0..<cout {
            filter[((o * kh + y) * kw + x) * cin + i] = kernel.scalars[((y * kw + x) * cin + i) * cout + o]
        } } } }
        let f = try graph.constant("\(name)/kernel", shape: [cout, kh, kw, cin], floats: filter)
        let bias = try conv.bias.map { (bias) throws(ConvertError) -> TensorID in
            try graph.constant("\(name)/bias", shape: [cout], floats: bias.value.scalars)
        }
        let (fused, separate) = split(conv.activation)
        let parameters = Conv2DParameters(padding: padding(conv.padding), strideHeight: conv.strides.height,
                                          strideWidth: conv.strides.width, activation: fused)
        let output = try graph.conv2D(input, filter: f, bias: bias, options: parameters,
                                      name: separate == nil ? name : "\(name)/Conv2D")
        return activation(separate, output, name: name, graph: &graph)
    }

    /// The part of an activation a weighted operator can fuse (TFLM fuses ReLU and ReLU6), and the rest.
    private static func split(_ function: ActivationFunction) -> (SwiftletFormat.ActivationFunction, ActivationFunction?) {
        switch function {
        case .linear: return (.none, nil)
        case .relu: return (.relu, nil)
        case .relu6: return (.relu6, nil)
        default: return (.none, function)
        }
    }

    /// The operator for an activation that is not fused (nil: none).
    private static func activation(_ function: ActivationFunction?, _ input: TensorID, name: String,
                                   graph: inout Graph) -> TensorID {
        switch function {
        case nil, .linear?: return input
        case .relu?: return graph.unary(.relu, input, name: name)
        case .relu6?: return graph.unary(.relu6, input, name: name)
        case .leakyReLU(let alpha)?: return graph.leakyRelu(input, alpha: alpha, name: name)
        case .sigmoid?: return graph.unary(.logistic, input, name: name)
        case .tanh?: return graph.unary(.tanh, input, name: name)
        case .softmax?: return graph.softmax(input, name: name)
        }
    }

    private static func padding(_ padding: Padding) -> SwiftletFormat.Padding {
        padding == .same ? .same : .valid
    }
}
