import Foundation
import SwiftletFormat

/// Broadcasting arithmetic, activations, Softmax/LogSoftmax and BatchNormalization. Element-wise
/// operators keep their operand's layout; constants are broadcast to the output's rank and
/// permuted into it.
extension ONNXGraphConverter {
    // MARK: - Binary

    mutating func convertBinary(_ node: ONNXNode) throws(ConvertError) {
        let name = outputName(node)
        let operands = try node.inputs.indices.map { (index: Int) throws(ConvertError) -> ONNXValue in try input(node, index) }
        guard operands.count >= (node.opType == "Sum" || node.opType == "Min" || node.opType == "Max" ? 1 : 2) else {
            throw .malformed(path: path, reason: "\(node.label) has \(operands.count) inputs")
        }
        if operands.count == 1 { define(node, operands[0]); return }
        var result = operands[0]
        for (index, next) in operands.dropFirst().enumerated() {
            let stepName = index == operands.count - 2 ? name : "\(name)/\(index)"
            result = try binary(node, result, next, name: stepName)
        }
        define(node, result)
    }

    /// One broadcasting step of `node`'s operator.
    private mutating func binary(_ node: ONNXNode, _ left: ONNXValue, _ right: ONNXValue, name: String) throws(ConvertError) -> ONNXValue {
        let op = node.opType
        if case .constant(let a) = left, case .constant(let b) = right {
            return .constant(try ONNXConstant.broadcasting(a, b, node: node.label) { x, y in
                switch op {
                case "Add", "Sum": return x + y
                case "Sub": return x - y
                case "Mul": return x * y
                case "Div": return a.isFloat || b.isFloat ? x / y : (x / y).rounded(.towardZero)
                case "Pow": return Foundation.pow(x, y)
                case "Min": return Swift.min(x, y)
                default: return Swift.max(x, y)
                }
            })
        }
        // x^2 → x·x, x^0.5 → SQRT, x^1 → x.
        if op == "Pow", case .constant(let exponent) = right, exponent.elementCount == 1 {
            switch exponent.values[0] {
            case 1: return left
            case 2:
                let (x, layout) = try anyTensor(left, name: name + "/base")
                return .tensor(try graph.mul(x, x, name: name), layout)
            case 0.5:
                let (x, layout) = try anyTensor(left, name: name + "/base")
                return .tensor(graph.unary(.sqrt, x, name: name), layout)
            default: break
            }
        }
        let outputRank = max(onnxShape(left).count, onnxShape(right).count)
        // Channels-last when an activation operand of the output's rank is.
        var layout = ONNXLayout.plain
        for case .tensor(let id, let operandLayout) in [left, right]
        where operandLayout == .channelsLast && graph[id].shape.count == outputRank && outputRank >= 3 {
            layout = .channelsLast
        }
        var code: BuiltinOperator
        switch op {
        case "Add", "Sum": code = .add
        case "Sub": code = .sub
        case "Mul": code = .mul
        case "Div": code = .div
        case "Pow": code = .pow
        case "Min": code = .minimum
        default: code = .maximum
        }
        var rightValue = right
        // Division by a constant is multiplication by its reciprocal (TFLM's DIV is float-only
        // and slower).
        if code == .div, case .constant(let divisor) = right, divisor.isFloat {
            code = .mul
            rightValue = .constant(ONNXConstant(shape: divisor.shape, values: divisor.values.map { 1 / $0 }, isFloat: true))
        }
        let x = try operand(left, rank: outputRank, layout: layout, name: name + "/x")
        let y = try operand(rightValue, rank: outputRank, layout: layout, name: name + "/y")
        return .tensor(try graph.binary(code, x, y, name: name), layout)
    }

    /// A binary operand in the output's layout: constants broadcast to `rank` first (or kept as
    /// all-ones shapes when single-valued), lower-rank activations reshaped to `rank`.
    private mutating func operand(_ value: ONNXValue, rank: Int, layout: ONNXLayout, name: String) throws(ConvertError) -> TensorID {
        switch value {
        case .constant(let constant):
            if constant.elementCount == 1 { return try graphConstant(constant, name: name) }
            return try graphConstant(constant.expanded(toRank: rank), layout: layout, name: name)
        case .tensor:
            let shape = onnxShape(value)
            if layout == .channelsLast, shape.count < rank {
                let plain = try tensor(value, layout: .plain, name: name)
                let expanded = [Int](repeating: 1, count: rank - shape.count) + shape
                let reshaped = try graph.reshape(plain, to: expanded, name: name + "/expand")
                return try tensor(.tensor(reshaped, .plain), layout: .channelsLast, name: name + "/expanded")
            }
            return try tensor(value, layout: layout, name: name)
        }
    }

    // MARK: - Activations

    mutating func convertActivation(_ node: ONNXNode) throws(ConvertError) {
        let name = outputName(node)
        let (x, layout) = try anyTensor(try input(node, 0), name: name + "/input")
        let result: TensorID
        switch node.opType {
        case "Relu": result = graph.unary(.relu, x, name: name)
        case "Sigmoid": result = graph.unary(.logistic, x, name: name)
        case "Tanh": result = graph.unary(.tanh, x, name: name)
        case "HardSwish": result = graph.unary(.hardSwish, x, name: name)
        case "Exp": result = graph.unary(.exp, x, name: name)
        case "Log": result = graph.unary(.log, x, name: name)
        case "Sqrt": result = graph.unary(.sqrt, x, name: name)
        case "Abs": result = graph.unary(.abs, x, name: name)
        case "Neg": result = graph.unary(.neg, x, name: name)
        case "Reciprocal":
            let one = try graph.constant(name + "/one", shape: [], floats: [1])
            result = try graph.binary(.div, one, x, name: name)
        case "Elu":
            guard node.float("alpha", default: 1) == 1 else {
                throw .unsupportedFeature("\(node.label): Elu with alpha \(node.float("alpha", default: 1)); TFLite's ELU has alpha 1")
            }
            result = graph.unary(.elu, x, name: name)
        case "LeakyRelu": result = graph.leakyRelu(x, alpha: node.float("alpha", default: 0.01), name: name)
        case "Selu":
            // γ·(x > 0 ? x : α(eˣ − 1)) = γ·ELU(x) + γ(α − 1)·min(ELU(x), 0).
            let alpha = node.float("alpha", default: 1.67326319217681884765625)
            let gamma = node.float("gamma", default: 1.05070102214813232421875)
            let elu = graph.unary(.elu, x, name: name + "/elu")
            let zero = try graph.constant(name + "/zero", shape: [], floats: [0])
            let negative = try graph.binary(.minimum, elu, zero, name: name + "/negative")
            let gammaTensor = try graph.constant(name + "/gamma", shape: [], floats: [gamma])
            let extra = try graph.constant(name + "/gamma_alpha_1", shape: [], floats: [gamma * (alpha - 1)])
            let scaled = try graph.mul(elu, gammaTensor, name: name + "/scaled")
            let correction = try graph.mul(negative, extra, name: name + "/correction")
            result = try graph.add(scaled, correction, name: name)
        case "Gelu":
            var options = TableValue(.geluOptions)
            if node.string("approximate", default: "none") == "tanh" { options["approximate"] = .bool(true) }
            result = graph.unary(.gelu, x, .table(options.droppingDefaults()), name: name)
        case "PRelu":
            guard let slope = try constantInput(node, 1, "slope") else {
                throw .malformed(path: path, reason: "\(node.label) has no slope")
            }
            let rank = graph[x].shape.count
            let slopeTensor = try graphConstant(slope.elementCount == 1 ? slope : slope.expanded(toRank: rank), layout: layout, name: name + "/alpha")
            result = try graph.prelu(x, alpha: slopeTensor, name: name)
        case "HardSigmoid":
            // max(0, min(1, alpha·x + beta))
            let alpha = try graph.constant(name + "/alpha", shape: [], floats: [node.float("alpha", default: 0.2)])
            let beta = try graph.constant(name + "/beta", shape: [], floats: [node.float("beta", default: 0.5)])
            let one = try graph.constant(name + "/one", shape: [], floats: [1])
            let scaled = try graph.mul(x, alpha, name: name + "/scaled")
            let shifted = try graph.add(scaled, beta, activation: .relu, name: name + "/shifted")
            result = try graph.binary(.minimum, shifted, one, name: name)
        case "Clip":
            result = try clip(node, x, name: name)
        default:
            throw .unsupportedOperator(name: node.opType, node: node.label, supported: Self.supportedOperators.joined(separator: ", "))
        }
        define(node, .tensor(result, layout))
    }

    /// Clip → RELU (min 0), RELU6 (0…6), RELU_N1_TO_1 (−1…1), else MAXIMUM/MINIMUM.
    private mutating func clip(_ node: ONNXNode, _ x: TensorID, name: String) throws(ConvertError) -> TensorID {
        var lower = try constantInput(node, 1, "min")?.values.first
        var upper = try constantInput(node, 2, "max")?.values.first
        if opset < 11 {
            lower = node.has("min") ? Double(node.float("min", default: 0)) : nil
            upper = node.has("max") ? Double(node.float("max", default: 0)) : nil
        }
        switch (lower, upper) {
        case (0, nil): return graph.unary(.relu, x, name: name)
        case (0, 6): return graph.unary(.relu6, x, name: name)
        case (-1, 1): return graph.unary(.reluN1To1, x, name: name)
        case (nil, nil): return x
        default:
            var result = x
            if let lower {
                let bound = try graph.constant(name + "/min", shape: [], floats: [Float(lower)])
                result = try graph.binary(.maximum, result, bound, name: upper == nil ? name : name + "/lower")
            }
            if let upper {
                let bound = try graph.constant(name + "/max", shape: [], floats: [Float(upper)])
                result = try graph.binary(.minimum, result, bound, name: name)
            }
            return result
        }
    }

    // MARK: - Softmax

    mutating func convertSoftmax(_ node: ONNXNode) throws(ConvertError) {
        let name = outputName(node)
        let value = try input(node, 0)
        let shape = onnxShape(value)
        let rank = shape.count
        let axis = try self.axis(node.int("axis", default: opset >= 13 ? -1 : 1), rank: rank, node)
        // The axes the softmax normalizes over: one from opset 13, the flattened tail before.
        let axes = opset >= 13 ? [axis] : Array(axis..<rank)
        let effective = axes.filter { shape[$0] != 1 }
        guard effective.count <= 1 else {
            throw .unsupportedFeature("\(node.label): softmax over axes \(axes) of \(shape) (opset \(opset) flattens them); TFLite normalizes one axis")
        }
        let normalized = effective.first ?? rank - 1
        var (x, layout) = try anyTensor(value, name: name + "/input")
        if layout.storedAxis(normalized, rank: rank) != rank - 1 {
            // Move the axis last by changing the layout (channels-last puts ONNX axis 1 last).
            let other: ONNXLayout = layout == .channelsLast ? .plain : .channelsLast
            guard other.storedAxis(normalized, rank: rank) == rank - 1 else {
                throw .unsupportedFeature("\(node.label): softmax over axis \(normalized) of \(shape); the importer converts softmax over the last axis or the channels")
            }
            x = try tensor(value, layout: other, name: name + "/input")
            layout = other
        }
        let result = node.opType == "Softmax" ? graph.softmax(x, name: name)
                                              : graph.unary(.logSoftmax, x, .table(TableValue(.logSoftmaxOptions)), name: name)
        define(node, .tensor(result, layout))
    }

    // MARK: - BatchNormalization

    /// Inference BatchNormalization as a per-channel MUL and ADD, which `GraphPasses` folds into
    /// the convolution or fully-connected operator before it.
    mutating func convertBatchNormalization(_ node: ONNXNode) throws(ConvertError) {
        let name = outputName(node)
        guard let scale = try constantInput(node, 1, "scale"), let offset = try constantInput(node, 2, "bias"),
              let mean = try constantInput(node, 3, "mean"), let variance = try constantInput(node, 4, "variance") else {
            throw .malformed(path: path, reason: "\(node.label) lacks scale, bias, mean or variance")
        }
        let value = try input(node, 0)
        let shape = onnxShape(value)
        guard shape.count >= 2 else { throw .malformed(path: path, reason: "\(node.label): input \(shape) has no channel axis") }
        let channels = shape[1]
        guard [scale, offset, mean, variance].allSatisfy({ $0.elementCount == channels }) else {
            throw .malformed(path: path, reason: "\(node.label): parameters do not have \(channels) values")
        }
        let epsilon = Double(node.float("epsilon", default: 1e-5))
        var multiplier = [Float](), shift = [Float]()
        for c in 0..<channels {
            let s = Float(scale.values[c]) / (Float(variance.values[c]) + Float(epsilon)).squareRoot()
            multiplier.append(s)
            shift.append(Float(offset.values[c]) - Float(mean.values[c]) * s)
        }
        let layout: ONNXLayout = shape.count >= 3 ? .channelsLast : .plain
        let x = try tensor(value, layout: layout, name: name + "/input")
        // Channels are the last stored axis in both cases.
        let scaleTensor = try graph.constant(name + "/scale", shape: [channels], floats: multiplier)
        let shiftTensor = try graph.constant(name + "/shift", shape: [channels], floats: shift)
        let scaled = try graph.mul(x, scaleTensor, name: name + "/scaled")
        define(node, .tensor(try graph.add(scaled, shiftTensor, name: name), layout))
    }
}

extension ONNXConstant {
    /// NumPy-broadcast `combine` of two constants.
    static func broadcasting(_ a: ONNXConstant, _ b: ONNXConstant, node: String,
                             _ combine: (Double, Double) -> Double) throws(ConvertError) -> ONNXConstant {
        let shape = try Graph.broadcast(a.shape, b.shape, node)
        let left = a.expanded(toRank: shape.count), right = b.expanded(toRank: shape.count)
        let leftStrides = strides(left.shape), rightStrides = strides(right.shape)
        let count = shape.reduce(1, *)
        var values = [Double](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: shape.count)
        for position in 0..<count {
            var i = 0, j = 0
            for axis in shape.indices {
                if left.shape[axis] != 1 { i += index[axis] * leftStrides[axis] }
                if right.shape[axis] != 1 { j += index[axis] * rightStrides[axis] }
            }
            values[position] = combine(left.values[i], right.values[j])
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return ONNXConstant(shape: shape, values: values, isFloat: a.isFloat || b.isFloat)
    }
}
