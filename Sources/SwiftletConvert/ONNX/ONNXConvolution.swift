import SwiftletFormat

/// Conv, ConvTranspose, MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool: 2-D windows
/// over channels-last activations (1-D ones run as 2-D with a height of 1).
extension ONNXGraphConverter {
    /// The spatial geometry of a windowed node, always two-dimensional.
    struct Window {
        var kernel: [Int]
        var strides: [Int]
        var dilations: [Int]
        /// Explicit `[top, left, bottom, right]` padding applied before a VALID window, when
        /// the ONNX padding is not TFLite's SAME.
        var explicitPads: [Int]?
        var padding: Padding
    }

    /// Reads kernel, strides, dilations and padding for an input of spatial size `spatial`
    /// (`[H, W]`, or `[1, L]` for 1-D nodes, with `oneDimensional` set) and decides between
    /// SAME, VALID and an explicit PAD followed by VALID.
    func window(_ node: ONNXNode, spatial: [Int], kernel: [Int], oneDimensional: Bool) throws(ConvertError) -> Window {
        func spatialAttribute(_ name: String, default value: Int) throws(ConvertError) -> [Int] {
            guard let values = node.ints(name) else { return [value, value] }
            guard values.count == (oneDimensional ? 1 : 2) else {
                throw .unsupportedFeature("\(node.label): \(name) \(values) — the ONNX importer converts 1-D and 2-D windows")
            }
            return oneDimensional ? [1] + values : values
        }
        let strides = try spatialAttribute("strides", default: 1)
        let dilations = try spatialAttribute("dilations", default: 1)
        var pads = [0, 0, 0, 0]
        if let given = node.ints("pads") {
            guard given.count == (oneDimensional ? 2 : 4), given.allSatisfy({ $0 >= 0 }) else {
                throw .unsupportedFeature("\(node.label): pads \(given) (non-negative begin/end pads for each spatial axis expected)")
            }
            pads = oneDimensional ? [0, given[0], 0, given[1]] : given
        }
        // The padding TFLite's SAME applies: the odd pixel at the end.
        var same = [0, 0, 0, 0]
        for axis in 0..<2 {
            let effective = (kernel[axis] - 1) * dilations[axis] + 1
            let output = (spatial[axis] + strides[axis] - 1) / strides[axis]
            let total = max((output - 1) * strides[axis] + effective - spatial[axis], 0)
            same[axis] = total / 2
            same[axis + 2] = total - total / 2
        }
        var geometry = Window(kernel: kernel, strides: strides, dilations: dilations, explicitPads: nil, padding: .valid)
        switch node.string("auto_pad", default: "NOTSET") {
        case "SAME_UPPER":
            geometry.padding = .same
        case "SAME_LOWER":
            let lower = [same[2], same[3], same[0], same[1]]
            if lower == same { geometry.padding = .same } else { geometry.explicitPads = lower }
        case "VALID":
            break
        case "NOTSET", "":
            if pads == [0, 0, 0, 0] {
                geometry.padding = .valid
            } else if pads == same {
                geometry.padding = .same
            } else {
                geometry.explicitPads = pads
            }
        case let other:
            throw .malformed(path: path, reason: "\(node.label): auto_pad '\(other)' is not NOTSET, VALID, SAME_UPPER or SAME_LOWER")
        }
        return geometry
    }

    /// Input `index` as a channels-last 4-D tensor: 1-D inputs `[N, C, L]` become `[N, 1, L, C]`.
    /// Returns the tensor and whether the node is one-dimensional.
    mutating func windowInput(_ node: ONNXNode) throws(ConvertError) -> (TensorID, Bool) {
        let value = try input(node, 0)
        let shape = onnxShape(value)
        guard shape.count == 4 || shape.count == 3 else {
            throw .unsupportedFeature("\(node.label): input of shape \(shape); the ONNX importer converts 1-D and 2-D windows ([N, C, L] or [N, C, H, W])")
        }
        let id = try tensor(value, layout: .channelsLast, name: outputName(node) + "/input")
        if shape.count == 4 { return (id, false) }
        return (try graph.reshape(id, to: [shape[0], 1, shape[2], shape[1]], name: outputName(node) + "/as_2d"), true)
    }

    /// Applies `window.explicitPads` (with `value` in the padded cells) to a channels-last input.
    mutating func padForWindow(_ input: TensorID, _ window: Window, value: Float, name: String) throws(ConvertError) -> TensorID {
        guard let pads = window.explicitPads else { return input }
        let paddings = [(0, 0), (pads[0], pads[2]), (pads[1], pads[3]), (0, 0)]
        if value == 0 {
            return try graph.pad(input, paddings: paddings.map { (before: $0.0, after: $0.1) }, name: name)
        }
        return try padV2(input, paddings: paddings, value: value, name: name)
    }

    /// PADV2: padding with a constant value.
    mutating func padV2(_ input: TensorID, paddings: [(Int, Int)], value: Float, name: String) throws(ConvertError) -> TensorID {
        let shape = graph[input].shape
        let paddingTensor = try graph.constant(name + "/paddings", shape: [shape.count, 2], int32s: paddings.flatMap { [Int32($0.0), Int32($0.1)] })
        let valueTensor = try graph.constant(name + "/constant_values", shape: [], floats: [value])
        let outputShape = zip(shape, paddings).map { $0 + $1.0 + $1.1 }
        return graph.append(.padv2, .table(TableValue(.padV2Options)), inputs: [input, paddingTensor, valueTensor],
                            outputShape: outputShape, name: name)
    }

    /// Brings a 2-D result of a 1-D node back to `[N, L, C]`.
    mutating func finishWindow(_ node: ONNXNode, _ result: TensorID, oneDimensional: Bool) throws(ConvertError) {
        var output = result
        if oneDimensional {
            let shape = graph[result].shape
            output = try graph.reshape(result, to: [shape[0], shape[2], shape[3]], name: outputName(node))
        }
        define(node, .tensor(output, .channelsLast))
    }

    // MARK: - Conv

    mutating func convertConv(_ node: ONNXNode) throws(ConvertError) {
        let (x, oneDimensional) = try windowInput(node)
        let name = outputName(node)
        guard var weights = try constantInput(node, 1, "weight") else {
            throw .malformed(path: path, reason: "\(node.label) has no weight input")
        }
        if oneDimensional, weights.shape.count == 3 {
            weights.shape = [weights.shape[0], weights.shape[1], 1, weights.shape[2]]
        }
        guard weights.shape.count == 4 else {
            throw .malformed(path: path, reason: "\(node.label): weight shape \(weights.shape) is not [O, I/group, kH, kW]")
        }
        let inputShape = graph[x].shape
        let channels = inputShape[3], outputChannels = weights.shape[0]
        let groups = node.int("group", default: 1)
        guard groups >= 1, channels % groups == 0, outputChannels % groups == 0, weights.shape[1] * groups == channels else {
            throw .malformed(path: path, reason: "\(node.label): \(channels) input channels, weights \(weights.shape) and group \(groups) do not fit")
        }
        let bias = try constantInput(node, 2, "bias")?.floats ?? [Float](repeating: 0, count: outputChannels)
        guard bias.count == outputChannels else {
            throw .malformed(path: path, reason: "\(node.label): bias of \(bias.count) values for \(outputChannels) output channels")
        }
        let geometry = try window(node, spatial: [inputShape[1], inputShape[2]], kernel: [weights.shape[2], weights.shape[3]],
                                  oneDimensional: oneDimensional)
        let padded = try padForWindow(x, geometry, value: 0, name: name + "/pad")
        let result: TensorID
        if groups == 1 {
            let filter = try graph.constant(name + "/filter", shape: [outputChannels, weights.shape[2], weights.shape[3], channels],
                                            floats: weights.transposed([0, 2, 3, 1]).floats)
            let biasTensor = try graph.constant(name + "/bias", shape: [outputChannels], floats: bias)
            result = try graph.conv2D(padded, filter: filter, bias: biasTensor, options: Conv2DParameters(
                padding: geometry.padding, strideHeight: geometry.strides[0], strideWidth: geometry.strides[1],
                dilationHeight: geometry.dilations[0], dilationWidth: geometry.dilations[1]), name: name)
        } else if groups == channels {
            // Depthwise: output channel o reads input channel o / multiplier, as TFLite's depthwise.
            let filter = try graph.constant(name + "/filter", shape: [1, weights.shape[2], weights.shape[3], outputChannels],
                                            floats: weights.transposed([1, 2, 3, 0]).floats)
            let biasTensor = try graph.constant(name + "/bias", shape: [outputChannels], floats: bias)
            result = try graph.depthwiseConv2D(padded, filter: filter, bias: biasTensor, options: DepthwiseConv2DParameters(
                padding: geometry.padding, strideHeight: geometry.strides[0], strideWidth: geometry.strides[1],
                dilationHeight: geometry.dilations[0], dilationWidth: geometry.dilations[1],
                depthMultiplier: outputChannels / channels), name: name)
        } else {
            // Grouped: one CONV_2D per group on a channel slice, concatenated.
            let groupInput = channels / groups, groupOutput = outputChannels / groups
            var parts: [TensorID] = []
            let paddedShape = graph[padded].shape
            for group in 0..<groups {
                let slice = try stridedSlice(padded, begin: [0, 0, 0, group * groupInput],
                                             end: [paddedShape[0], paddedShape[1], paddedShape[2], (group + 1) * groupInput],
                                             strides: [1, 1, 1, 1], name: "\(name)/group\(group)/input")
                let groupWeights = ONNXConstant(shape: [groupOutput] + weights.shape.dropFirst(),
                                                values: Array(weights.values[(group * groupOutput * weights.values.count / outputChannels)..<((group + 1) * groupOutput * weights.values.count / outputChannels)]),
                                                isFloat: true)
                let filter = try graph.constant("\(name)/group\(group)/filter", shape: [groupOutput, weights.shape[2], weights.shape[3], groupInput],
                                                floats: groupWeights.transposed([0, 2, 3, 1]).floats)
                let biasTensor = try graph.constant("\(name)/group\(group)/bias", shape: [groupOutput],
                                                    floats: Array(bias[(group * groupOutput)..<((group + 1) * groupOutput)]))
                parts.append(try graph.conv2D(slice, filter: filter, bias: biasTensor, options: Conv2DParameters(
                    padding: geometry.padding, strideHeight: geometry.strides[0], strideWidth: geometry.strides[1],
                    dilationHeight: geometry.dilations[0], dilationWidth: geometry.dilations[1]), name: "\(name)/group\(group)"))
            }
            result = try graph.concatenation(parts, axis: 3, name: name)
        }
        try finishWindow(node, result, oneDimensional: oneDimensional)
    }

    /// STRIDED_SLICE with explicit begin/end/strides on every axis.
    /// A STRIDED_SLICE; with a negative stride, an `end` of -1 means "through index 0" (written
    /// with the axis' end mask, as TFLite reads a negative end from the back).
    mutating func stridedSlice(_ input: TensorID, begin: [Int], end: [Int], strides: [Int], shrinkAxisMask: Int = 0,
                               name: String) throws(ConvertError) -> TensorID {
        let rank = graph[input].shape.count
        var endMask = 0, storedEnd = end
        for axis in 0..<rank where strides[axis] < 0 && end[axis] < 0 {
            endMask |= 1 << axis
            storedEnd[axis] = 0
        }
        let beginTensor = try graph.constant(name + "/begin", shape: [rank], int32s: begin.map { Int32($0) })
        let endTensor = try graph.constant(name + "/end", shape: [rank], int32s: storedEnd.map { Int32($0) })
        let strideTensor = try graph.constant(name + "/strides", shape: [rank], int32s: strides.map { Int32($0) })
        var outputShape: [Int] = []
        for axis in 0..<rank where shrinkAxisMask & (1 << axis) == 0 {
            outputShape.append(ONNXGraphConverter.sliceCount(begin: begin[axis], end: end[axis], step: strides[axis]))
        }
        return graph.append(.stridedSlice, .stridedSlice(StridedSliceParameters(endMask: endMask, shrinkAxisMask: shrinkAxisMask)),
                            inputs: [input, beginTensor, endTensor, strideTensor], outputShape: outputShape, name: name)
    }

    /// How many indices `begin, begin + step, …` stop before `end` (either direction).
    static func sliceCount(begin: Int, end: Int, step: Int) -> Int {
        step > 0 ? max(0, (end - begin + step - 1) / step) : max(0, (begin - end - step - 1) / -step)
    }

    // MARK: - ConvTranspose

    mutating func convertConvTranspose(_ node: ONNXNode) throws(ConvertError) {
        let (x, oneDimensional) = try windowInput(node)
        let name = outputName(node)
        guard !oneDimensional, let weights = try constantInput(node, 1, "weight"), weights.shape.count == 4 else {
            throw .unsupportedFeature("\(node.label): the ONNX importer converts 2-D ConvTranspose with constant [C, O, kH, kW] weights")
        }
        let groups = node.int("group", default: 1)
        let dilations = node.ints("dilations") ?? [1, 1]
        guard groups == 1, dilations == [1, 1] else {
            throw .unsupportedFeature("\(node.label): ConvTranspose with group \(groups) and dilations \(dilations); TRANSPOSE_CONV supports group 1 without dilation")
        }
        let inputShape = graph[x].shape
        let outputChannels = weights.shape[1], kernel = [weights.shape[2], weights.shape[3]]
        let strides = node.ints("strides") ?? [1, 1]
        let outputPadding = node.ints("output_padding") ?? [0, 0]
        let pads = node.ints("pads") ?? [0, 0, 0, 0]
        let autoPad = node.string("auto_pad", default: "NOTSET")
        var outputSize = [0, 0]
        var padding = Padding.valid
        for axis in 0..<2 {
            let full = strides[axis] * (inputShape[axis + 1] - 1) + outputPadding[axis] + kernel[axis]
            if autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" {
                outputSize[axis] = inputShape[axis + 1] * strides[axis]
            } else {
                outputSize[axis] = full - pads[axis] - pads[axis + 2]
            }
        }
        if let explicitShape = node.ints("output_shape") { outputSize = Array(explicitShape.suffix(2)) }
        // TFLite's TRANSPOSE_CONV: VALID gives the full output (stride·(in−1)+k); SAME gives in·stride,
        // cropping the total padding with the odd pixel at the end.
        let full = (0..<2).map { strides[$0] * (inputShape[$0 + 1] - 1) + kernel[$0] }
        let sameOutput = (0..<2).map { inputShape[$0 + 1] * strides[$0] }
        if outputSize == full, pads == [0, 0, 0, 0] {
            padding = .valid
        } else if outputSize == sameOutput, autoPad == "SAME_UPPER" || (0..<2).allSatisfy({ axis in
            let total = full[axis] - sameOutput[axis]
            return pads[axis] == total / 2 && pads[axis + 2] == total - total / 2 }) {
            padding = .same
        } else {
            throw .unsupportedFeature("\(node.label): ConvTranspose pads \(pads) / output_padding \(outputPadding) match neither TFLite's SAME nor VALID")
        }
        // ONNX weights [C_in, C_out, kH, kW] → TFLite [C_out, kH, kW, C_in].
        let filter = try graph.constant(name + "/filter", shape: [outputChannels, kernel[0], kernel[1], inputShape[3]],
                                        floats: weights.transposed([1, 2, 3, 0]).floats)
        let bias = try constantInput(node, 2, "bias")?.floats
        let biasTensor = try bias.map { (values: [Float]) throws(ConvertError) -> TensorID in
            try graph.constant(name + "/bias", shape: [outputChannels], floats: values)
        }
        let result = try graph.transposeConv(x, filter: filter, bias: biasTensor,
                                             outputShape: [inputShape[0], outputSize[0], outputSize[1], outputChannels],
                                             options: TransposeConvParameters(padding: padding, strideHeight: strides[0], strideWidth: strides[1]),
                                             name: name)
        define(node, .tensor(result, .channelsLast))
    }

    // MARK: - Pools

    mutating func convertPool(_ node: ONNXNode) throws(ConvertError) {
        let (x, oneDimensional) = try windowInput(node)
        let name = outputName(node)
        guard let kernelAttribute = node.ints("kernel_shape"), kernelAttribute.count == (oneDimensional ? 1 : 2) else {
            throw .unsupportedFeature("\(node.label): the ONNX importer converts 1-D and 2-D pools with a kernel_shape")
        }
        let kernel = oneDimensional ? [1] + kernelAttribute : kernelAttribute
        let inputShape = graph[x].shape
        var geometry = try window(node, spatial: [inputShape[1], inputShape[2]], kernel: kernel, oneDimensional: oneDimensional)
        guard geometry.dilations == [1, 1] else {
            throw .unsupportedFeature("\(node.label): pool dilations \(geometry.dilations); TFLite pools have none")
        }
        let isMax = node.opType == "MaxPool"
        let includePad = node.int("count_include_pad", default: 0) != 0
        // ceil_mode: the last window may start inside the input and run off its end.
        if node.int("ceil_mode", default: 0) != 0 {
            var pads = geometry.explicitPads ?? [0, 0, 0, 0]
            if geometry.padding == .same, geometry.explicitPads == nil {
                for axis in 0..<2 {
                    let output = (inputShape[axis + 1] + geometry.strides[axis] - 1) / geometry.strides[axis]
                    let total = max((output - 1) * geometry.strides[axis] + kernel[axis] - inputShape[axis + 1], 0)
                    pads[axis] = total / 2
                    pads[axis + 2] = total - total / 2
                }
            }
            var extra = false
            for axis in 0..<2 {
                let span = inputShape[axis + 1] + pads[axis] + pads[axis + 2] - kernel[axis]
                let floorOutput = span / geometry.strides[axis] + 1
                var ceilOutput = (span + geometry.strides[axis] - 1) / geometry.strides[axis] + 1
                // ONNX drops a last window that would start in the end padding.
                if (ceilOutput - 1) * geometry.strides[axis] >= inputShape[axis + 1] + pads[axis] { ceilOutput -= 1 }
                if ceilOutput > floorOutput {
                    pads[axis + 2] += (ceilOutput - 1) * geometry.strides[axis] + kernel[axis] - (inputShape[axis + 1] + pads[axis] + pads[axis + 2])
                    extra = true
                }
            }
            if extra {
                guard isMax else {
                    throw .unsupportedFeature("\(node.label): AveragePool with ceil_mode that adds a partial window; TFLite's average pool cannot count it the ONNX way")
                }
                geometry.explicitPads = pads
                geometry.padding = .valid
            }
        }
        if !isMax, includePad, geometry.padding == .same {
            // TFLite's SAME average excludes the padding; count_include_pad wants it counted.
            var pads = [0, 0, 0, 0]
            for axis in 0..<2 {
                let output = (inputShape[axis + 1] + geometry.strides[axis] - 1) / geometry.strides[axis]
                let total = max((output - 1) * geometry.strides[axis] + kernel[axis] - inputShape[axis + 1], 0)
                pads[axis] = total / 2
                pads[axis + 2] = total - total / 2
            }
            if pads != [0, 0, 0, 0] {
                geometry.explicitPads = pads
                geometry.padding = .valid
            } else {
                geometry.padding = .valid
            }
        }
        if !isMax, !includePad, geometry.explicitPads != nil {
            throw .unsupportedFeature("\(node.label): AveragePool with pads \(geometry.explicitPads!) that are not TFLite's SAME and count_include_pad=0; TFLite's average pool would count the padding")
        }
        let padded = try padForWindow(x, geometry, value: isMax ? -Float.greatestFiniteMagnitude : 0, name: name + "/pad")
        let parameters = Pool2DParameters(padding: geometry.padding, strideHeight: geometry.strides[0], strideWidth: geometry.strides[1],
                                          filterHeight: kernel[0], filterWidth: kernel[1])
        let result = isMax ? try graph.maxPool2D(padded, options: parameters, name: name)
                           : try graph.averagePool2D(padded, options: parameters, name: name)
        try finishWindow(node, result, oneDimensional: oneDimensional)
    }

    mutating func convertGlobalPool(_ node: ONNXNode) throws(ConvertError) {
        let value = try input(node, 0)
        let shape = onnxShape(value)
        guard shape.count >= 3 else {
            throw .malformed(path: path, reason: "\(node.label): input \(shape) has no spatial axes")
        }
        let name = outputName(node)
        let x = try tensor(value, layout: .channelsLast, name: name + "/input")
        let result: TensorID
        if node.opType == "GlobalAveragePool" {
            result = try graph.reduce(.mean, x, axes: Array(1..<(shape.count - 1)), keepDims: true, name: name)
        } else if shape.count == 4 {
            result = try graph.maxPool2D(x, options: Pool2DParameters(strideHeight: 1, strideWidth: 1,
                                                                      filterHeight: shape[2], filterWidth: shape[3]), name: name)
        } else {
            result = try graph.reduce(.reduceMax, x, axes: Array(1..<(shape.count - 1)), keepDims: true, name: name)
        }
        define(node, .tensor(result, .channelsLast))
    }
}
