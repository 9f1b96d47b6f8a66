import SwiftletFormat

/// Concat, Split, Slice, Pad, Gather, Resize and the reductions, with their axes remapped to the
/// operand's stored layout.
extension ONNXGraphConverter {
    /// The layout a multi-operand node works in: channels-last when an activation operand is.
    func commonLayout(_ operands: [ONNXValue]) -> ONNXLayout {
        for case .tensor(let id, .channelsLast) in operands where graph[id].shape.count >= 3 { return .channelsLast }
        return .plain
    }

    mutating func convertConcat(_ node: ONNXNode) throws(ConvertError) {
        let name = outputName(node)
        let operands = try node.inputs.indices.map { (index: Int) throws(ConvertError) -> ONNXValue in try input(node, index) }
        guard let first = operands.first else { throw .malformed(path: path, reason: "\(node.label) has no inputs") }
        let rank = onnxShape(first).count
        let axis = try self.axis(node.int("axis", default: 0), rank: rank, node)
        let constants = operands.compactMap { value -> ONNXConstant? in
            if case .constant(let constant) = value { return constant } else { return nil }
        }
        if constants.count == operands.count {
            define(node, .constant(ONNXConstant.concatenating(constants, axis: axis)))
            return
        }
        let layout = commonLayout(operands)
        var tensors: [TensorID] = []
        for (index, operand) in operands.enumerated() where onnxShape(operand)[axis] > 0 {
            tensors.append(try tensor(operand, layout: layout, name: "\(name)/input\(index)"))
        }
        let result = try graph.concatenation(tensors, axis: layout.storedAxis(axis, rank: rank), name: name)
        define(node, .tensor(result, layout))
    }

    mutating func convertSplit(_ node: ONNXNode) throws(ConvertError) {
        let value = try input(node, 0)
        let shape = onnxShape(value)
        let axis = try self.axis(node.int("axis", default: 0), rank: shape.count, node)
        var sizes = opset >= 13 ? try constantInput(node, 1, "split")?.integers : node.ints("split")
        let count = node.outputs.count
        if sizes == nil {
            let parts = node.int("num_outputs", default: count)
            let size = (shape[axis] + parts - 1) / parts
            sizes = (0..<parts).map { min(size, shape[axis] - $0 * size) }
        }
        guard let sizes, sizes.count == count, sizes.reduce(0, +) == shape[axis] else {
            throw .malformed(path: path, reason: "\(node.label): split \(sizes ?? []) does not divide axis \(axis) of \(shape) into \(count) outputs")
        }
        var start = 0
        for (index, size) in sizes.enumerated() {
            var begin = [Int](repeating: 0, count: shape.count), end = shape
            begin[axis] = start
            end[axis] = start + size
            define(node, try slice(node, value, begin: begin, end: end, steps: [Int](repeating: 1, count: shape.count), output: index), output: index)
            start += size
        }
    }

    mutating func convertSlice(_ node: ONNXNode) throws(ConvertError) {
        let value = try input(node, 0)
        let shape = onnxShape(value)
        guard let starts = try constantInput(node, 1, "starts")?.values, let ends = try constantInput(node, 2, "ends")?.values else {
            throw .malformed(path: path, reason: "\(node.label) lacks starts or ends")
        }
        let axes = try constantInput(node, 3, "axes")?.integers ?? Array(0..<starts.count)
        let steps = try constantInput(node, 4, "steps")?.integers ?? [Int](repeating: 1, count: starts.count)
        guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
            throw .malformed(path: path, reason: "\(node.label): starts, ends, axes and steps differ in length")
        }
        var begin = [Int](repeating: 0, count: shape.count), end = shape, stride = [Int](repeating: 1, count: shape.count)
        for index in axes.indices {
            let axis = try self.axis(axes[index], rank: shape.count, node)
            guard steps[index] != 0 else {
                throw .malformed(path: path, reason: "\(node.label): Slice with step 0")
            }
            let size = Double(shape[axis])
            // ONNX clamps to [0, size] for positive steps and to [-1, size - 1] for negative ones
            // (an end of -1 then means "through index 0").
            let negative = steps[index] < 0
            func clamp(_ bound: Double) -> Int {
                let resolved = bound < 0 ? bound + size : bound
                return negative ? Int(Swift.min(Swift.max(resolved, -1), size - 1)) : Int(Swift.min(Swift.max(resolved, 0), size))
            }
            begin[axis] = clamp(starts[index])
            end[axis] = negative ? Swift.min(clamp(ends[index]), begin[axis]) : Swift.max(clamp(ends[index]), begin[axis])
            stride[axis] = steps[index]
        }
        define(node, try slice(node, value, begin: begin, end: end, steps: stride, output: 0))
    }

    /// A strided slice in ONNX coordinates, in the operand's stored layout.
    private mutating func slice(_ node: ONNXNode, _ value: ONNXValue, begin: [Int], end: [Int], steps: [Int],
                                output: Int) throws(ConvertError) -> ONNXValue {
        let shape = onnxShape(value)
        if case .constant(let constant) = value {
            let outputShape = shape.indices.map { Self.sliceCount(begin: begin[$0], end: end[$0], step: steps[$0]) }
            return .constant(constant.gathering(outputShape) { index in
                zip(index.indices, index).map { begin[$0] + $1 * steps[$0] }
            })
        }
        if begin == [Int](repeating: 0, count: shape.count), end == shape, steps.allSatisfy({ $0 == 1 }) { return value }
        let (x, layout) = try anyTensor(value, name: outputName(node, output) + "/input")
        let rank = shape.count
        let stored = ONNXLayout.channelsLastPermutation(rank: rank)
        func reorder(_ values: [Int]) -> [Int] { layout == .channelsLast && rank >= 3 ? stored.map { values[$0] } : values }
        let result = try stridedSlice(x, begin: reorder(begin), end: reorder(end), strides: reorder(steps), name: outputName(node, output))
        return .tensor(result, layout)
    }

    mutating func convertPad(_ node: ONNXNode) throws(ConvertError) {
        let name = outputName(node)
        let value = try input(node, 0)
        let shape = onnxShape(value)
        let rank = shape.count
        guard let given = opset >= 11 ? try constantInput(node, 1, "pads")?.integers : node.ints("pads") else {
            throw .malformed(path: path, reason: "\(node.label) has no pads")
        }
        let axes = try (try constantInput(node, 3, "axes")?.integers ?? Array(0..<rank)).map { (axis: Int) throws(ConvertError) -> Int in
            try self.axis(axis, rank: rank, node)
        }
        guard given.count == 2 * axes.count else {
            throw .malformed(path: path, reason: "\(node.label): \(given.count) pads for \(axes.count) axes")
        }
        var pads = [(Int, Int)](repeating: (0, 0), count: rank)
        for (index, axis) in axes.enumerated() { pads[axis] = (given[index], given[index + axes.count]) }
        guard pads.allSatisfy({ $0.0 >= 0 && $0.1 >= 0 }) else {
            throw .unsupportedFeature("\(node.label): negative pads \(given) (cropping); use Slice")
        }
        let fill = Float(try constantInput(node, 2, "constant_value")?.values.first ?? Double(node.float("value", default: 0)))
        let (x, layout) = try anyTensor(value, name: name + "/input")
        let storedPads = layout == .channelsLast && rank >= 3 ? ONNXLayout.channelsLastPermutation(rank: rank).map { pads[$0] } : pads
        let result: TensorID
        switch node.string("mode", default: "constant") {
        case "constant":
            result = fill == 0 ? try graph.pad(x, paddings: storedPads.map { (before: $0.0, after: $0.1) }, name: name)
                               : try padV2(x, paddings: storedPads, value: fill, name: name)
        case "reflect":
            let paddingTensor = try graph.constant(name + "/paddings", shape: [rank, 2], int32s: storedPads.flatMap { [Int32($0.0), Int32($0.1)] })
            let outputShape = zip(graph[x].shape, storedPads).map { $0 + $1.0 + $1.1 }
            result = graph.append(.mirrorPad, .table(TableValue(.mirrorPadOptions)), inputs: [x, paddingTensor],
                                  outputShape: outputShape, name: name)
        case let mode:
            throw .unsupportedFeature("\(node.label): Pad mode '\(mode)'; the importer converts constant and reflect")
        }
        define(node, .tensor(result, layout))
    }

    mutating func convertReduce(_ node: ONNXNode) throws(ConvertError) {
        let name = outputName(node)
        let value = try input(node, 0)
        let shape = onnxShape(value)
        let rank = shape.count
        let axesFromInput = node.opType == "ReduceSum" ? opset >= 13 : opset >= 18
        var axes = try (axesFromInput ? try constantInput(node, 1, "axes")?.integers : node.ints("axes"))?.map {
            (axis: Int) throws(ConvertError) -> Int in try self.axis(axis, rank: rank, node)
        } ?? []
        if axes.isEmpty {
            if node.int("noop_with_empty_axes", default: 0) != 0 { define(node, value); return }
            axes = Array(0..<rank)
        }
        let keepDims = node.int("keepdims", default: 1) != 0
        let code: BuiltinOperator
        switch node.opType {
        case "ReduceMean": code = .mean
        case "ReduceMax": code = .reduceMax
        case "ReduceMin": code = .reduceMin
        case "ReduceProd": code = .reduceProd
        default: code = .sum
        }
        var (x, layout) = try anyTensor(value, name: name + "/input")
        if !keepDims, layout == .channelsLast {
            // The kept axes must stay in ONNX order once the reduced ones are gone.
            let kept = ONNXLayout.channelsLastPermutation(rank: rank).filter { !axes.contains($0) }
            if kept != kept.sorted() {
                x = try tensor(value, layout: .plain, name: name + "/input")
                layout = .plain
            }
        }
        let storedAxes = axes.map { layout.storedAxis($0, rank: rank) }.sorted()
        let result = try graph.reduce(code, x, axes: storedAxes, keepDims: keepDims, name: name)
        define(node, .tensor(result, keepDims ? layout : .plain))
    }

    mutating func convertGather(_ node: ONNXNode) throws(ConvertError) {
        let name = outputName(node)
        let data = try input(node, 0)
        let shape = onnxShape(data)
        let axis = try self.axis(node.int("axis", default: 0), rank: shape.count, node)
        guard let indices = try constantInput(node, 1, "indices") else {
            throw .malformed(path: path, reason: "\(node.label) has no indices")
        }
        let positions = indices.integers.map { $0 < 0 ? $0 + shape[axis] : $0 }
        guard positions.allSatisfy({ $0 >= 0 && $0 < shape[axis] }) else {
            throw .malformed(path: path, reason: "\(node.label): indices \(indices.integers) out of range for axis \(axis) of \(shape)")
        }
        let outputShape = Array(shape[..<axis]) + indices.shape + Array(shape[(axis + 1)...])
        if case .constant(let constant) = data {
            define(node, .constant(constant.gathering(outputShape) { index in
                let flat = index[axis..<(axis + indices.shape.count)].enumerated().reduce(0) { sum, element in
                    sum + element.element * ONNXConstant.strides(indices.shape)[element.offset]
                }
                return Array(index[..<axis]) + [positions[flat]] + Array(index[(axis + indices.shape.count)...])
            }))
            return
        }
        // On an activation: one index is a slice that drops the axis, several a GATHER.
        if indices.shape.isEmpty {
            var (x, layout) = try anyTensor(data, name: name + "/input")
            if layout == .channelsLast && axis == 0 {
                // Dropping the batch axis leaves no channels-last shape: slice in ONNX order.
                x = try tensor(data, layout: .plain, name: name + "/input")
                layout = .plain
            }
            let storedAxis = layout.storedAxis(axis, rank: shape.count)
            var begin = [Int](repeating: 0, count: shape.count), end = graph[x].shape
            begin[storedAxis] = positions[0]
            end[storedAxis] = positions[0] + 1
            let sliced = try stridedSlice(x, begin: begin, end: end, strides: [Int](repeating: 1, count: shape.count),
                                          shrinkAxisMask: 1 << storedAxis, name: name)
            // Dropping the channel axis leaves ONNX order; dropping a spatial one keeps channels last.
            let keepsChannelsLast = layout == .channelsLast && axis >= 2 && shape.count - 1 >= 3
            define(node, .tensor(sliced, keepsChannelsLast ? .channelsLast : .plain))
            return
        }
        let plain = try tensor(data, layout: .plain, name: name + "/input")
        let indexTensor = try graph.constant(name + "/indices", shape: indices.shape, int32s: positions.map { Int32($0) })
        define(node, .tensor(graph.append(.gather, .gather(axis: axis, batchDims: 0), inputs: [plain, indexTensor],
                                          outputShape: outputShape, name: name), .plain))
    }

    mutating func convertResize(_ node: ONNXNode) throws(ConvertError) {
        let name = outputName(node)
        let value = try input(node, 0)
        let shape = onnxShape(value)
        guard shape.count == 4 else {
            throw .unsupportedFeature("\(node.label): \(node.opType) of a rank-\(shape.count) tensor; the importer resizes [N, C, H, W]")
        }
        var outputSize: [Int]
        if let sizes = try constantInput(node, 3, "sizes"), sizes.elementCount == 4 {
            outputSize = sizes.integers
        } else if let scales = try constantInput(node, node.opType == "Upsample" ? 1 : 2, "scales"), scales.elementCount == 4 {
            outputSize = zip(shape, scales.values).map { Int((Double($0) * $1).rounded(.down)) }
        } else {
            throw .unsupportedFeature("\(node.label): \(node.opType) needs constant scales or sizes for all 4 axes")
        }
        guard outputSize[0] == shape[0], outputSize[1] == shape[1] else {
            throw .unsupportedFeature("\(node.label): resizing the batch or channel axis (\(shape) → \(outputSize))")
        }
        let mode = node.string("mode", default: "nearest")
        let coordinates = node.string("coordinate_transformation_mode", default: node.opType == "Upsample" ? "asymmetric" : "half_pixel")
        let nearestMode = node.string("nearest_mode", default: "round_prefer_floor")
        let alignCorners = coordinates == "align_corners"
        let halfPixel = coordinates == "half_pixel" || coordinates == "pytorch_half_pixel"
        guard alignCorners || halfPixel || coordinates == "asymmetric" else {
            throw .unsupportedFeature("\(node.label): coordinate_transformation_mode '\(coordinates)'; the importer converts align_corners, asymmetric, half_pixel and pytorch_half_pixel")
        }
        let x = try tensor(value, layout: .channelsLast, name: name + "/input")
        let sizeTensor = try graph.constant(name + "/size", shape: [2], int32s: [Int32(outputSize[2]), Int32(outputSize[3])])
        let outputShape = [shape[0], outputSize[2], outputSize[3], shape[1]]
        let result: TensorID
        switch mode {
        case "nearest":
            // TFLite's nearest neighbour floors the (asymmetric) source coordinate, or rounds it
            // with half-pixel centers / aligned corners.
            guard (coordinates == "asymmetric" && nearestMode == "floor") || (halfPixel && nearestMode.hasPrefix("round"))
                    || (alignCorners && nearestMode.hasPrefix("round")) else {
                throw .unsupportedFeature("\(node.label): nearest resize with \(coordinates)/\(nearestMode); the importer converts asymmetric+floor, half_pixel+round and align_corners+round")
            }
            result = graph.append(.resizeNearestNeighbor, .resizeNearestNeighbor(alignCorners: alignCorners, halfPixelCenters: halfPixel),
                                  inputs: [x, sizeTensor], outputShape: outputShape, name: name)
        case "linear", "bilinear":
            result = graph.append(.resizeBilinear, .resizeBilinear(alignCorners: alignCorners, halfPixelCenters: halfPixel),
                                  inputs: [x, sizeTensor], outputShape: outputShape, name: name)
        default:
            throw .unsupportedFeature("\(node.label): resize mode '\(mode)'; the importer converts nearest and linear")
        }
        define(node, .tensor(result, .channelsLast))
    }
}

extension ONNXConstant {
    /// A constant of `shape` whose element at each index is this one's at `source(index)`.
    func gathering(_ outputShape: [Int], _ source: ([Int]) -> [Int]) -> ONNXConstant {
        let inputStrides = Self.strides(shape)
        let count = outputShape.reduce(1, *)
        var result: [Double] = []
        result.reserveCapacity(count)
        var index = [Int](repeating: 0, count: outputShape.count)
        for _ in 0..<count {
            let from = source(index)
            result.append(values[zip(from, inputStrides).reduce(0) { $0 + $1.0 * $1.1 }])
            var axis = outputShape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < outputShape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return ONNXConstant(shape: outputShape, values: result, isFloat: isFloat)
    }

    /// Constants joined along `axis`.
    static func concatenating(_ parts: [ONNXConstant], axis: Int) -> ONNXConstant {
        var shape = parts[0].shape
        shape[axis] = parts.map { $0.shape[axis] }.reduce(0, +)
        let outer = shape[..<axis].reduce(1, *)
        var values: [Double] = []
        for block in 0..<outer {
            for part in parts {
                let inner = part.shape[axis...].reduce(1, *)
                values.append(contentsOf: part.values[(block * inner)..<((block + 1) * inner)])
            }
        }
        return ONNXConstant(shape: shape, values: values, isFloat: parts.contains { $0.isFloat })
    }
}
