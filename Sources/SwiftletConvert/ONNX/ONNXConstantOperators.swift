import Foundation

/// Operators folded to constants at conversion time: Constant, Shape, Size, ConstantOfShape,
/// Range, and Cast (of constants; a float-to-float Cast of an activation passes it through).
extension ONNXGraphConverter {
    mutating func convertConstantOperator(_ node: ONNXNode) throws(ConvertError) {
        switch node.opType {
        case "Constant":
            if let tensor = node.tensor("value") {
                define(node, .constant(try ONNXTensorDecoder.constant(tensor, directory: nil, path: path)))
            } else if node.has("value_float") {
                define(node, .constant(ONNXConstant(scalar: Double(node.float("value_float", default: 0)), isFloat: true)))
            } else if let floats = node.floats("value_floats") {
                define(node, .constant(ONNXConstant(shape: [floats.count], values: floats.map { Double($0) }, isFloat: true)))
            } else if node.has("value_int") {
                define(node, .constant(ONNXConstant(scalar: Double(node.int("value_int", default: 0)), isFloat: false)))
            } else if let ints = node.ints("value_ints") {
                define(node, .constant(ONNXConstant(shape: [ints.count], values: ints.map { Double($0) }, isFloat: false)))
            } else {
                throw .unsupportedFeature("\(node.label): a Constant with attributes \(node.attributeNames); the importer reads value, value_float(s) and value_int(s)")
            }
        case "Shape":
            let shape = onnxShape(try input(node, 0))
            let rank = shape.count
            func bound(_ value: Int) -> Int { min(max(value < 0 ? value + rank : value, 0), rank) }
            let start = bound(node.int("start", default: 0)), end = bound(node.int("end", default: rank))
            let dimensions = start < end ? Array(shape[start..<end]) : []
            define(node, .constant(ONNXConstant(shape: [dimensions.count], values: dimensions.map { Double($0) }, isFloat: false)))
        case "Size":
            define(node, .constant(ONNXConstant(scalar: Double(onnxShape(try input(node, 0)).reduce(1, *)), isFloat: false)))
        case "ConstantOfShape":
            guard let shape = try constantInput(node, 0, "shape") else {
                throw .malformed(path: path, reason: "\(node.label) has no shape")
            }
            var fill = ONNXConstant(scalar: 0, isFloat: true)
            if let tensor = node.tensor("value") { fill = try ONNXTensorDecoder.constant(tensor, directory: nil, path: path) }
            let dimensions = shape.integers
            define(node, .constant(ONNXConstant(shape: dimensions, values: [Double](repeating: fill.values.first ?? 0, count: dimensions.reduce(1, *)),
                                                isFloat: fill.isFloat)))
        case "Range":
            guard let start = try constantInput(node, 0, "start")?.values.first, let limit = try constantInput(node, 1, "limit")?.values.first,
                  let delta = try constantInput(node, 2, "delta")?.values.first, delta != 0,
                  case .constant(let first) = try input(node, 0) else {
                throw .malformed(path: path, reason: "\(node.label) needs scalar start, limit and a non-zero delta")
            }
            let count = max(Int(((limit - start) / delta).rounded(.up)), 0)
            define(node, .constant(ONNXConstant(shape: [count], values: (0..<count).map { start + Double($0) * delta }, isFloat: first.isFloat)))
        default: // Cast
            let target = node.int("to", default: ONNXDataType.float)
            let toFloat = target == ONNXDataType.float || target == ONNXDataType.double || target == ONNXDataType.float16
            switch try input(node, 0) {
            case .constant(var constant):
                if !toFloat {
                    constant.values = constant.values.map { target == ONNXDataType.bool ? ($0 != 0 ? 1 : 0) : $0.rounded(.towardZero) }
                } else if target == ONNXDataType.float {
                    constant.values = constant.values.map { Double(Float($0)) }
                }
                constant.isFloat = toFloat
                define(node, .constant(constant))
            case .tensor(let id, let layout):
                guard toFloat, graph[id].type == .float32 else {
                    throw .unsupportedFeature("\(node.label): Cast of an activation to \(ONNXDataType.name(target)); the importer keeps activations float32")
                }
                define(node, .tensor(id, layout))
            }
        }
    }
}

extension ONNXGraphConverter {
    /// Expand: folded for constants (PyTorch's zero initial states of LSTM/GRU); of an activation
    /// only when it changes no shape.
    mutating func convertExpand(_ node: ONNXNode) throws(ConvertError) {
        guard let target = try constantInput(node, 1, "shape") else {
            throw .malformed(path: path, reason: "\(node.label) has no shape")
        }
        let value = try input(node, 0)
        let shape = try Graph.broadcast(onnxShape(value), target.integers, node.label)
        switch value {
        case .constant(let constant):
            let ones = ONNXConstant(shape: target.integers, values: [Double](repeating: 0, count: target.integers.reduce(1, *)), isFloat: constant.isFloat)
            define(node, .constant(try ONNXConstant.broadcasting(constant, ones, node: node.label) { x, _ in x }))
        case .tensor:
            guard shape == onnxShape(value) else {
                throw .unsupportedFeature("\(node.label): Expand of an activation \(onnxShape(value)) to \(shape); the importer expands constants")
            }
            define(node, value)
        }
    }
}
