/// Static shape rules of TensorFlow's shape operators (Reshape, Squeeze, ExpandDims, Slice,
/// StridedSlice), shared by constant folding and the operator mapping.
enum TFShapes {
    /// A resolved slice: per input dimension, the first index, the step and the count taken;
    /// and the output shape (with shrunk axes removed).
    struct Slice {
        var begin: [Int]
        var strides: [Int]
        var counts: [Int]
        var outputShape: [Int]

        /// The row-major indices of the input elements the slice takes, in output order.
        func sourceIndices(_ shape: [Int]) -> [Int] {
            let strides = TFConstant.strides(shape)
            var result: [Int] = []
            let total = counts.reduce(1, *)
            result.reserveCapacity(total)
            var index = [Int](repeating: 0, count: counts.count)
            for _ in 0..<total {
                var offset = 0
                for axis in 0..<counts.count { offset += (begin[axis] + index[axis] * self.strides[axis]) * strides[axis] }
                result.append(offset)
                var axis = counts.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    if index[axis] < counts[axis] { break }
                    index[axis] = 0
                    axis -= 1
                }
            }
            return result
        }
    }

    static func reshape(_ shape: [Int], _ target: [Int], _ node: TFNode) throws(ConvertError) -> [Int] {
        let count = shape.reduce(1, *)
        var resolved = target
        if let unknown = target.firstIndex(of: -1) {
            let known = target.filter { $0 != -1 }.reduce(1, *)
            guard known > 0, count % known == 0 else { throw .invalidGraph("\(node.label): cannot reshape \(shape) to \(target)") }
            resolved[unknown] = count / known
        }
        guard resolved.reduce(1, *) == count, resolved.allSatisfy({ $0 >= 0 }) else {
            throw .invalidGraph("\(node.label): cannot reshape \(shape) to \(target)")
        }
        return resolved
    }

    static func squeeze(_ shape: [Int], _ axes: [Int], _ node: TFNode) throws(ConvertError) -> [Int] {
        let normalized = Set(axes.map { $0 < 0 ? $0 + shape.count : $0 })
        guard normalized.allSatisfy({ $0 >= 0 && $0 < shape.count && shape[$0] == 1 }) else {
            throw .invalidGraph("\(node.label): cannot squeeze axes \(axes) of \(shape)")
        }
        return shape.enumerated().filter { axes.isEmpty ? $0.element != 1 : !normalized.contains($0.offset) }.map(\.element)
    }

    static func expandDims(_ shape: [Int], _ axis: Int, _ node: TFNode) throws(ConvertError) -> [Int] {
        let normalized = axis < 0 ? axis + shape.count + 1 : axis
        guard normalized >= 0, normalized <= shape.count else { throw .invalidGraph("\(node.label): axis \(axis) out of range for \(shape)") }
        var result = shape
        result.insert(1, at: normalized)
        return result
    }

    static func slice(_ shape: [Int], begin: [Int], size: [Int], _ node: TFNode) throws(ConvertError) -> Slice {
        guard begin.count == shape.count, size.count == shape.count else {
            throw .invalidGraph("\(node.label): begin \(begin) and size \(size) do not fit \(shape)")
        }
        var counts: [Int] = []
        for axis in shape.indices {
            let count = size[axis] == -1 ? shape[axis] - begin[axis] : size[axis]
            guard begin[axis] >= 0, count >= 0, begin[axis] + count <= shape[axis] else {
                throw .invalidGraph("\(node.label): slice \(begin)+\(size) is outside \(shape)")
            }
            counts.append(count)
        }
        return Slice(begin: begin, strides: [Int](repeating: 1, count: shape.count), counts: counts, outputShape: counts)
    }

    /// TensorFlow's StridedSlice rule with begin/end/shrink-axis masks (no ellipsis or new axes).
    static func stridedSlice(_ shape: [Int], begin: [Int], end: [Int], strides: [Int], _ node: TFNode) throws(ConvertError) -> Slice {
        let beginMask = node.int("begin_mask", default: 0), endMask = node.int("end_mask", default: 0)
        let shrinkMask = node.int("shrink_axis_mask", default: 0)
        guard node.int("ellipsis_mask", default: 0) == 0, node.int("new_axis_mask", default: 0) == 0 else {
            throw .unsupportedFeature("\(node.label): StridedSlice with an ellipsis or new axes")
        }
        guard begin.count == end.count, begin.count == strides.count, begin.count <= shape.count else {
            throw .invalidGraph("\(node.label): begin \(begin), end \(end), strides \(strides) do not fit \(shape)")
        }
        var result = Slice(begin: [], strides: [], counts: [], outputShape: [])
        for axis in shape.indices {
            let size = shape[axis]
            guard axis < begin.count else {
                result.begin.append(0); result.strides.append(1); result.counts.append(size); result.outputShape.append(size)
                continue
            }
            let stride = strides[axis]
            guard stride != 0 else { throw .invalidGraph("\(node.label): stride 0") }
            if shrinkMask & (1 << axis) != 0 {
                let index = begin[axis] < 0 ? begin[axis] + size : begin[axis]
                guard index >= 0, index < size else { throw .invalidGraph("\(node.label): index \(begin[axis]) outside \(size)") }
                result.begin.append(index); result.strides.append(1); result.counts.append(1)
                continue
            }
            func clamp(_ value: Int, masked: Bool, isBegin: Bool) -> Int {
                if masked { return stride > 0 ? (isBegin ? 0 : size) : (isBegin ? size - 1 : -1) }
                let v = value < 0 ? value + size : value
                return stride > 0 ? min(max(v, 0), size) : min(max(v, -1), size - 1)
            }
            let first = clamp(begin[axis], masked: beginMask & (1 << axis) != 0, isBegin: true)
            let last = clamp(end[axis], masked: endMask & (1 << axis) != 0, isBegin: false)
            let count = stride > 0 ? max(0, (last - first + stride - 1) / stride) : max(0, (first - last + (-stride) - 1) / (-stride))
            result.begin.append(first); result.strides.append(stride); result.counts.append(count); result.outputShape.append(count)
        }
        return result
    }
}
