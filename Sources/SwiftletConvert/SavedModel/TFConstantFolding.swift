import Foundation

/// Folding of TensorFlow operators whose inputs are all constant: the shape arithmetic a
/// SavedModel carries (Shape, StridedSlice, Pack, Prod …) and the weight preprocessing Keras
/// writes (BatchNormalization's Rsqrt/Mul/Sub on its variables, Reshape and Squeeze of biases).
enum TFConstantFolding {
    /// The folded outputs, or nil when `op` is not folded here.
    static func fold(_ node: TFNode, _ inputs: [TFConstant]) throws(ConvertError) -> [TFConstant]? {
        func arg(_ index: Int) throws(ConvertError) -> TFConstant {
            guard index < inputs.count else { throw .malformed(path: node.function, reason: "\(node.label) lacks its input \(index)") }
            return inputs[index]
        }
        switch node.op {
        case "Identity", "StopGradient", "Snapshot", "PreventGradient":
            return [try arg(0)]
        case "IdentityN":
            return inputs
        case "Add", "AddV2", "Sub", "Mul", "RealDiv", "Div", "Maximum", "Minimum", "SquaredDifference", "FloorDiv", "FloorMod", "Pow":
            return [try binary(node, try arg(0), try arg(1))]
        case "Rsqrt", "Sqrt", "Square", "Neg", "Abs", "Exp", "Log", "Relu", "Relu6", "Sigmoid", "Tanh", "Reciprocal":
            let x = try arg(0)
            return [TFConstant(shape: x.shape, values: x.values.map { unary(node.op, $0, isFloat: x.isFloat) }, dtype: x.dtype)]
        case "Cast":
            let x = try arg(0)
            let target = node.type("DstT") ?? .dtFloat
            let values = TFDataType.isFloat(target) ? x.values.map { Double(Float($0)) } : x.values.map { $0.rounded(.towardZero) }
            return [TFConstant(shape: x.shape, values: values, dtype: target)]
        case "Reshape":
            let x = try arg(0)
            return [TFConstant(shape: try TFShapes.reshape(x.shape, try arg(1).integers, node), values: x.values, dtype: x.dtype)]
        case "Squeeze":
            let x = try arg(0)
            return [TFConstant(shape: try TFShapes.squeeze(x.shape, node.ints("squeeze_dims") ?? [], node), values: x.values, dtype: x.dtype)]
        case "ExpandDims":
            let x = try arg(0)
            return [TFConstant(shape: try TFShapes.expandDims(x.shape, try arg(1).integers.first ?? 0, node), values: x.values, dtype: x.dtype)]
        case "Shape":
            return [TFConstant(ints: try arg(0).shape)]
        case "Size":
            return [TFConstant(scalar: Double(try arg(0).elementCount), dtype: .dtInt32)]
        case "Rank":
            return [TFConstant(scalar: Double(try arg(0).shape.count), dtype: .dtInt32)]
        case "Pack":
            let axis = node.int("axis", default: 0)
            guard let first = inputs.first, inputs.allSatisfy({ $0.shape == first.shape }) else { return nil }
            let stacked = TFConstant(shape: [inputs.count] + first.shape, values: inputs.flatMap(\.values), dtype: first.dtype)
            let rank = first.shape.count + 1
            let normalized = axis < 0 ? axis + rank : axis
            guard normalized >= 0, normalized < rank else { throw .malformed(path: node.function, reason: "\(node.label): axis \(axis) out of range") }
            var permutation = Array(1..<rank)
            permutation.insert(0, at: normalized)
            return [stacked.transposed(permutation)]
        case "ConcatV2":
            guard inputs.count >= 2 else { return nil }
            let axisValue = inputs[inputs.count - 1].integers.first ?? 0
            return [try concat(Array(inputs.dropLast()), axis: axisValue, node)]
        case "Transpose":
            return [try arg(0).transposed(try arg(1).integers)]
        case "Fill":
            let dims = try arg(0).integers, value = try arg(1)
            return [TFConstant(shape: dims, values: [Double](repeating: value.values.first ?? 0, count: dims.reduce(1, *)), dtype: value.dtype)]
        case "Range":
            let start = try arg(0).values[0], limit = try arg(1).values[0], delta = try arg(2).values[0]
            guard delta != 0 else { return nil }
            var values: [Double] = []
            var v = start
            while (delta > 0 && v < limit) || (delta < 0 && v > limit) { values.append(v); v += delta }
            return [TFConstant(shape: [values.count], values: values, dtype: try arg(0).dtype)]
        case "Prod", "Sum", "Max", "Min", "Mean":
            return [try reduce(node, try arg(0), try arg(1).integers)]
        case "StridedSlice", "Slice":
            let x = try arg(0)
            let slice = node.op == "Slice" ? try TFShapes.slice(x.shape, begin: try arg(1).integers, size: try arg(2).integers, node)
                                           : try TFShapes.stridedSlice(x.shape, begin: try arg(1).integers, end: try arg(2).integers,
                                                                      strides: try arg(3).integers, node)
            return [TFConstant(shape: slice.outputShape, values: slice.sourceIndices(x.shape).map { x.values[$0] }, dtype: x.dtype)]
        case "GatherV2":
            let params = try arg(0), indices = try arg(1)
            let axis = inputs.count > 2 ? (inputs[2].integers.first ?? 0) : 0
            return [try gather(params, indices, axis: axis, node)]
        case "ZerosLike":
            let x = try arg(0)
            return [TFConstant(shape: x.shape, values: [Double](repeating: 0, count: x.elementCount), dtype: x.dtype)]
        case "OnesLike":
            let x = try arg(0)
            return [TFConstant(shape: x.shape, values: [Double](repeating: 1, count: x.elementCount), dtype: x.dtype)]
        default:
            return nil
        }
    }

    static func unary(_ op: String, _ value: Double, isFloat: Bool) -> Double {
        let x = Float(value)
        let result: Float
        switch op {
        case "Rsqrt": result = 1 / x.squareRoot()
        case "Sqrt": result = x.squareRoot()
        case "Square": return isFloat ? Double(x * x) : value * value
        case "Neg": return -value
        case "Abs": return abs(value)
        case "Exp": result = Foundation.exp(x)
        case "Log": result = Foundation.log(x)
        case "Relu": return max(value, 0)
        case "Relu6": return min(max(value, 0), 6)
        case "Sigmoid": result = 1 / (1 + Foundation.exp(-x))
        case "Tanh": result = Foundation.tanh(x)
        case "Reciprocal": result = 1 / x
        default: result = x
        }
        return Double(result)
    }

    static func binary(_ node: TFNode, _ a: TFConstant, _ b: TFConstant) throws(ConvertError) -> TFConstant {
        let shape = try Graph.broadcast(a.shape, b.shape, node.label)
        let isFloat = a.isFloat || b.isFloat
        let count = shape.reduce(1, *)
        let aIndex = broadcastIndices(from: a.shape, to: shape), bIndex = broadcastIndices(from: b.shape, to: shape)
        var values = [Double](repeating: 0, count: count)
        for i in 0..<count {
            let x = a.values[aIndex[i]], y = b.values[bIndex[i]]
            if isFloat {
                let p = Float(x), q = Float(y)
                let r: Float
                switch node.op {
                case "Add", "AddV2": r = p + q
                case "Sub": r = p - q
                case "Mul": r = p * q
                case "RealDiv", "Div": r = p / q
                case "Maximum": r = max(p, q)
                case "Minimum": r = min(p, q)
                case "SquaredDifference": r = (p - q) * (p - q)
                case "FloorDiv": r = (p / q).rounded(.down)
                case "FloorMod": r = p - (p / q).rounded(.down) * q
                default: r = Foundation.pow(p, q)
                }
                values[i] = Double(r)
            } else {
                switch node.op {
                case "Add", "AddV2": values[i] = x + y
                case "Sub": values[i] = x - y
                case "Mul": values[i] = x * y
                case "RealDiv", "Div": values[i] = y == 0 ? 0 : (x / y).rounded(.towardZero)
                case "FloorDiv": values[i] = y == 0 ? 0 : (x / y).rounded(.down)
                case "FloorMod": values[i] = y == 0 ? 0 : x - (x / y).rounded(.down) * y
                case "Maximum": values[i] = max(x, y)
                case "Minimum": values[i] = min(x, y)
                case "SquaredDifference": values[i] = (x - y) * (x - y)
                default: values[i] = Foundation.pow(x, y)
                }
            }
        }
        return TFConstant(shape: shape, values: values, dtype: isFloat ? (a.isFloat ? a.dtype : b.dtype) : a.dtype)
    }

    /// For each element of `shape` (row-major), the index of the element of `source` it reads
    /// under NumPy broadcasting.
    static func broadcastIndices(from source: [Int], to shape: [Int]) -> [Int] {
        let padded = [Int](repeating: 1, count: shape.count - source.count) + source
        let strides = TFConstant.strides(padded)
        let count = shape.reduce(1, *)
        var result = [Int](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: shape.count)
        for position in 0..<count {
            var offset = 0
            for axis in 0..<shape.count where padded[axis] != 1 { offset += index[axis] * strides[axis] }
            result[position] = offset
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    static func concat(_ parts: [TFConstant], axis: Int, _ node: TFNode) throws(ConvertError) -> TFConstant {
        guard let first = parts.first else { throw .malformed(path: node.function, reason: "\(node.label): nothing to concatenate") }
        let rank = first.shape.count
        let normalized = axis < 0 ? axis + rank : axis
        guard normalized >= 0, normalized < max(rank, 1), parts.allSatisfy({ $0.shape.count == rank }) else {
            throw .malformed(path: node.function, reason: "\(node.label): cannot concatenate \(parts.map(\.shape)) on axis \(axis)")
        }
        if rank == 0 { return TFConstant(shape: [parts.count], values: parts.flatMap(\.values), dtype: first.dtype) }
        let outer = first.shape[..<normalized].reduce(1, *)
        var shape = first.shape
        shape[normalized] = parts.map { $0.shape[normalized] }.reduce(0, +)
        var values: [Double] = []
        for o in 0..<outer {
            for part in parts {
                let chunk = part.shape[normalized...].reduce(1, *)
                values += part.values[(o * chunk)..<((o + 1) * chunk)]
            }
        }
        return TFConstant(shape: shape, values: values, dtype: first.dtype)
    }

    static func reduce(_ node: TFNode, _ x: TFConstant, _ axes: [Int]) throws(ConvertError) -> TFConstant {
        let rank = x.shape.count
        let normalized = Set(axes.map { $0 < 0 ? $0 + rank : $0 })
        let keep = node.bool("keep_dims", default: false)
        var outShape: [Int] = [], keptShape: [Int] = []
        for (axis, size) in x.shape.enumerated() {
            if normalized.contains(axis) { keptShape.append(1); if keep { outShape.append(1) } } else { keptShape.append(size); outShape.append(size) }
        }
        let count = keptShape.reduce(1, *)
        let targetStrides = TFConstant.strides(keptShape)
        var accumulators = [Double](repeating: node.op == "Prod" ? 1 : (node.op == "Max" ? -.infinity : (node.op == "Min" ? .infinity : 0)), count: count)
        var index = [Int](repeating: 0, count: rank)
        for position in 0..<x.elementCount {
            var target = 0
            for axis in 0..<rank where !normalized.contains(axis) { target += index[axis] * targetStrides[axis] }
            let v = x.values[position]
            switch node.op {
            case "Prod": accumulators[target] *= v
            case "Max": accumulators[target] = max(accumulators[target], v)
            case "Min": accumulators[target] = min(accumulators[target], v)
            default: accumulators[target] += v
            }
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < x.shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        if node.op == "Mean" {
            let n = Double(max(x.elementCount / max(count, 1), 1))
            accumulators = accumulators.map { x.isFloat ? Double(Float($0) / Float(n)) : ($0 / n).rounded(.towardZero) }
        }
        return TFConstant(shape: outShape, values: accumulators, dtype: x.dtype)
    }

    static func gather(_ params: TFConstant, _ indices: TFConstant, axis: Int, _ node: TFNode) throws(ConvertError) -> TFConstant {
        let rank = params.shape.count
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else { throw .malformed(path: node.function, reason: "\(node.label): axis \(axis) out of range") }
        let outer = params.shape[..<a].reduce(1, *), inner = params.shape[(a + 1)...].reduce(1, *), size = params.shape[a]
        var values: [Double] = []
        for o in 0..<outer {
            for index in indices.integers {
                guard index >= 0, index < size else { throw .invalidInput("\(node.label): index \(index) outside 0..<\(size)") }
                let base = (o * size + index) * inner
                values += params.values[base..<(base + inner)]
            }
        }
        return TFConstant(shape: Array(params.shape[..<a]) + indices.shape + Array(params.shape[(a + 1)...]), values: values, dtype: params.dtype)
    }
}
