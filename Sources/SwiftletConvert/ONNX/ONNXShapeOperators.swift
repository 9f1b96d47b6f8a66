import SwiftletFormat

/// Flatten, Reshape, Squeeze, Unsqueeze and Transpose: operators that move no data in ONNX's
/// order but may in the channels-last one.
extension ONNXGraphConverter {
    mutating func convertFlatten(_ node: ONNXNode) throws(ConvertError) {
        let value = try input(node, 0)
        let shape = onnxShape(value)
        let axis = try self.axis(node.int("axis", default: 1), rank: shape.count + 1, node)
        let target = [shape[..<axis].reduce(1, *), shape[axis...].reduce(1, *)]
        define(node, try reshape(node, value, to: target))
    }

    mutating func convertReshape(_ node: ONNXNode) throws(ConvertError) {
        let value = try input(node, 0)
        guard let requested = try constantInput(node, 1, "shape") else {
            throw .malformed(path: path, reason: "\(node.label) has no shape input")
        }
        let shape = onnxShape(value)
        let allowZero = node.int("allowzero", default: 0) != 0
        var target = requested.integers
        for (index, size) in target.enumerated() where size == 0 && !allowZero {
            guard index < shape.count else {
                throw .malformed(path: path, reason: "\(node.label): shape \(requested.integers) copies dimension \(index) of \(shape)")
            }
            target[index] = shape[index]
        }
        if let unknown = target.firstIndex(of: -1) {
            let known = target.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            guard known > 0 else { throw .malformed(path: path, reason: "\(node.label): cannot reshape \(shape) to \(requested.integers)") }
            target[unknown] = shape.reduce(1, *) / known
        }
        guard target.reduce(1, *) == shape.reduce(1, *), target.allSatisfy({ $0 >= 0 }) else {
            throw .malformed(path: path, reason: "\(node.label): cannot reshape \(shape) to \(requested.integers)")
        }
        define(node, try reshape(node, value, to: target))
    }

    mutating func convertSqueeze(_ node: ONNXNode) throws(ConvertError) {
        let value = try input(node, 0)
        let shape = onnxShape(value)
        let given = opset >= 13 ? try constantInput(node, 1, "axes")?.integers : node.ints("axes")
        var target: [Int]
        if node.opType == "Squeeze" {
            let axes = try (given ?? shape.indices.filter { shape[$0] == 1 }).map { (axis: Int) throws(ConvertError) -> Int in
                try self.axis(axis, rank: shape.count, node)
            }
            guard axes.allSatisfy({ shape[$0] == 1 }) else {
                throw .malformed(path: path, reason: "\(node.label): cannot squeeze axes \(axes) of \(shape)")
            }
            target = shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
        } else {
            guard let given else { throw .malformed(path: path, reason: "\(node.label) has no axes") }
            let rank = shape.count + given.count
            let axes = try given.map { (axis: Int) throws(ConvertError) -> Int in try self.axis(axis, rank: rank, node) }
            target = []
            var source = shape.makeIterator()
            for index in 0..<rank { target.append(axes.contains(index) ? 1 : source.next() ?? 1) }
        }
        define(node, try reshape(node, value, to: target))
    }

    /// `value` reshaped to the ONNX shape `target`: a constant is refolded; an activation whose
    /// channels-last element order differs from ONNX's is flattened spatial-major (Flatten to
    /// `[N, C·S]`, for a following Gemm) or transposed back to ONNX order first.
    mutating func reshape(_ node: ONNXNode, _ value: ONNXValue, to target: [Int]) throws(ConvertError) -> ONNXValue {
        let name = outputName(node)
        switch value {
        case .constant(var constant):
            constant.shape = target
            return .constant(constant)
        case .tensor(let id, let layout):
            let shape = onnxShape(value)
            if target == shape { return value }
            if layout == .channelsLast, shape.count >= 3, !ONNXLayout.sameElementOrder(shape) {
                if target == [shape[0], shape[1...].reduce(1, *)] {
                    return .tensor(try graph.reshape(id, to: target, name: name), .flattenedChannelsLast(channels: shape[1]))
                }
                let plain = try tensor(value, layout: .plain, name: name + "/input")
                return .tensor(try graph.reshape(plain, to: target, name: name), .plain)
            }
            if case .flattenedChannelsLast(let channels) = layout, channels != 1, channels != shape[1] {
                let plain = try tensor(value, layout: .plain, name: name + "/input")
                return .tensor(try graph.reshape(plain, to: target, name: name), .plain)
            }
            return .tensor(try graph.reshape(id, to: target, name: name), .plain)
        }
    }

    mutating func convertTranspose(_ node: ONNXNode) throws(ConvertError) {
        let value = try input(node, 0)
        let shape = onnxShape(value)
        let permutation = node.ints("perm") ?? Array((0..<shape.count).reversed())
        guard permutation.sorted() == Array(0..<shape.count) else {
            throw .malformed(path: path, reason: "\(node.label): perm \(permutation) is not a permutation of \(shape.count) axes")
        }
        if case .constant(let constant) = value {
            define(node, .constant(constant.transposed(permutation)))
            return
        }
        let (x, layout) = try anyTensor(value, name: outputName(node) + "/input")
        let rank = shape.count
        // Stored permutation giving the output in plain order…
        let toPlain = permutation.map { layout.storedAxis($0, rank: rank) }
        if toPlain == Array(0..<rank) { define(node, .tensor(x, .plain)); return }
        // …or in channels-last order.
        if rank >= 3 {
            let toChannelsLast = ONNXLayout.channelsLastPermutation(rank: rank).map { layout.storedAxis(permutation[$0], rank: rank) }
            if toChannelsLast == Array(0..<rank) { define(node, .tensor(x, .channelsLast)); return }
        }
        // A permutation that only moves axes of size 1 keeps the element order: a RESHAPE.
        let stored = graph[x].shape
        let moved = toPlain.map { stored[$0] }
        if toPlain.filter({ stored[$0] != 1 }) == (0..<rank).filter({ stored[$0] != 1 }) {
            define(node, .tensor(try graph.reshape(x, to: moved, name: outputName(node)), .plain))
            return
        }
        define(node, .tensor(try graph.transpose(x, permutation: toPlain, name: outputName(node)), .plain))
    }
}
