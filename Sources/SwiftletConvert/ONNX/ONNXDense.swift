import SwiftletFormat

/// Gemm and MatMul with constant weights → FULLY_CONNECTED (`[out, in]` weights); MatMul of two
/// activations → BATCH_MATMUL.
extension ONNXGraphConverter {
    mutating func convertGemm(_ node: ONNXNode) throws(ConvertError) {
        var a = try input(node, 0)
        if node.int("transA", default: 0) != 0 {
            // FULLY_CONNECTED takes the activation as [batch, in]: A is [in, batch] here.
            if case .constant(let constantA) = a {
                a = .constant(constantA.transposed([1, 0]))
            } else {
                let plain = try tensor(a, layout: .plain, name: outputName(node) + "/a")
                guard graph[plain].shape.count == 2 else {
                    throw .unsupportedFeature("\(node.label): Gemm with transA=1 of a \(graph[plain].shape.count)-D A; Gemm's A is 2-D")
                }
                a = .tensor(try graph.transpose(plain, permutation: [1, 0], name: outputName(node) + "/a_t"), .plain)
            }
        }
        guard let b = try constantInput(node, 1, "weight (B)"), b.shape.count == 2 else {
            throw .unsupportedFeature("\(node.label): Gemm needs a constant 2-D B")
        }
        let alpha = Double(node.float("alpha", default: 1)), beta = Double(node.float("beta", default: 1))
        // FULLY_CONNECTED wants [N, K]; transB=0 gives [K, N].
        var weights = node.int("transB", default: 0) != 0 ? b : b.transposed([1, 0])
        if alpha != 1 { weights.values = weights.values.map { $0 * alpha } }
        let outputs = weights.shape[0]
        var bias: [Float]?
        var addAfter: ONNXConstant?
        if let c = try constantInput(node, 2, "bias (C)") {
            if c.elementCount == outputs, c.shape.dropLast().allSatisfy({ $0 == 1 }) {
                bias = c.values.map { Float($0 * beta) }
            } else if c.elementCount == 1 {
                bias = [Float](repeating: Float(c.values[0] * beta), count: outputs)
            } else {
                addAfter = ONNXConstant(shape: c.shape, values: c.values.map { $0 * beta }, isFloat: true)
            }
        }
        let result = try fullyConnected(node, a, weights: weights, bias: bias, keepNumDims: false)
        if let addAfter {
            let constant = try graphConstant(addAfter, name: outputName(node) + "/c")
            define(node, .tensor(try graph.add(result, constant, name: outputName(node) + "/add_c"), .plain))
        } else {
            define(node, .tensor(result, .plain))
        }
    }

    mutating func convertMatMul(_ node: ONNXNode) throws(ConvertError) {
        let a = try input(node, 0), b = try input(node, 1)
        let name = outputName(node)
        if case .constant(let constantB) = b, constantB.shape.count == 2 {
            let rank = onnxShape(a).count
            guard rank >= 2 else {
                throw .unsupportedFeature("\(node.label): MatMul of a 1-D input; reshape it to [1, K] in the model")
            }
            let result = try fullyConnected(node, a, weights: constantB.transposed([1, 0]), bias: nil, keepNumDims: rank > 2)
            define(node, .tensor(result, .plain))
            return
        }
        let left = try tensor(a, layout: .plain, name: name + "/a")
        let right = try tensor(b, layout: .plain, name: name + "/b")
        let leftShape = graph[left].shape, rightShape = graph[right].shape
        guard leftShape.count >= 2, rightShape.count >= 2, leftShape.last == rightShape[rightShape.count - 2] else {
            throw .unsupportedFeature("\(node.label): MatMul of \(leftShape) and \(rightShape); the importer converts matrices of rank 2 and above")
        }
        let batch = try Graph.broadcast(Array(leftShape.dropLast(2)), Array(rightShape.dropLast(2)), node.label)
        let result = graph.append(.batchMatmul, .batchMatMul(adjointX: false, adjointY: false), inputs: [left, right],
                                  outputShape: batch + [leftShape[leftShape.count - 2], rightShape.last!], name: name)
        define(node, .tensor(result, .plain))
    }

    /// FULLY_CONNECTED of `input` with ONNX-order `weights [N, K]`. A flattened channels-last
    /// input reads its features spatial-major, so the weight columns are permuted to match.
    private mutating func fullyConnected(_ node: ONNXNode, _ input: ONNXValue, weights: ONNXConstant, bias: [Float]?,
                                         keepNumDims: Bool) throws(ConvertError) -> TensorID {
        let name = outputName(node)
        var columns = weights
        let x: TensorID
        if case .tensor(let id, .flattenedChannelsLast(let channels)) = input {
            let features = weights.shape[1], spatial = features / channels
            // Stored feature s·C + c is ONNX feature c·S + s.
            var permuted = [Double](repeating: 0, count: weights.values.count)
            for row in 0..<weights.shape[0] {
                for s in 0..<spatial {
                    for c in 0..<channels {
                        permuted[row * features + s * channels + c] = weights.values[row * features + c * spatial + s]
                    }
                }
            }
            columns.values = permuted
            x = id
        } else {
            x = try tensor(input, layout: .plain, name: name + "/input")
        }
        guard graph[x].shape.last == weights.shape[1] else {
            throw .malformed(path: path, reason: "\(node.label): input \(onnxShape(input)) does not match weights of \(weights.shape[1]) inputs")
        }
        let weightTensor = try graph.constant(name + "/weights", shape: weights.shape, floats: columns.floats)
        let biasTensor = try bias.map { (values: [Float]) throws(ConvertError) -> TensorID in
            try graph.constant(name + "/bias", shape: [values.count], floats: values)
        }
        return try graph.fullyConnected(x, weights: weightTensor, bias: biasTensor, keepNumDims: keepNumDims, name: name)
    }
}
