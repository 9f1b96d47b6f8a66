import SwiftletFormat

/// LSTM and GRU (forward direction), unrolled over their static time steps into FULLY_CONNECTED,
/// STRIDED_SLICE, LOGISTIC, TANH, MUL, ADD, SUB and CONCATENATION: operators TFLM runs and the
/// full-integer quantizer handles (steps and gates are sliced rather than UNPACKed or SPLIT).
/// ONNX gate orders: LSTM i, o, f, c; GRU z, r, h.
extension ONNXGraphConverter {
    mutating func convertRecurrent(_ node: ONNXNode) throws(ConvertError) {
        let isLSTM = node.opType == "LSTM"
        let name = outputName(node)
        let gates = isLSTM ? 4 : 3
        guard node.string("direction", default: "forward") == "forward" else {
            throw .unsupportedFeature("\(node.label): direction \(node.string("direction", default: "forward")); the importer converts forward \(node.opType)s")
        }
        guard node.int("layout", default: 0) == 0, !node.has("clip"), node.int("input_forget", default: 0) == 0 else {
            throw .unsupportedFeature("\(node.label): layout=1, clip or input_forget; the importer converts PyTorch's default \(node.opType)")
        }
        if let activations = node.strings("activations"),
           activations != (isLSTM ? ["Sigmoid", "Tanh", "Tanh"] : ["Sigmoid", "Tanh"]) {
            throw .unsupportedFeature("\(node.label): activations \(activations); the importer converts sigmoid/tanh")
        }
        if !isLSTM, node.int("linear_before_reset", default: 0) != 1 {
            throw .unsupportedFeature("\(node.label): GRU with linear_before_reset=0; PyTorch exports linear_before_reset=1, which the importer converts")
        }
        if node.input(4) != nil { throw .unsupportedFeature("\(node.label): sequence_lens; the importer runs every step") }
        if isLSTM, node.input(7) != nil { throw .unsupportedFeature("\(node.label): peephole weights P") }
        guard let w = try constantInput(node, 1, "W"), let r = try constantInput(node, 2, "R") else {
            throw .malformed(path: path, reason: "\(node.label) lacks W or R")
        }
        let x = try tensor(try input(node, 0), layout: .plain, name: name + "/input")
        let xShape = graph[x].shape
        let units = node.int("hidden_size", default: r.shape.last ?? 0)
        guard xShape.count == 3, w.shape == [1, gates * units, xShape[2]], r.shape == [1, gates * units, units] else {
            throw .malformed(path: path, reason: "\(node.label): X \(xShape), W \(w.shape), R \(r.shape) do not fit hidden_size \(units)")
        }
        let batch = xShape[1]
        let bias = try constantInput(node, 3, "B")
        if let bias, bias.elementCount != 2 * gates * units {
            throw .malformed(path: path, reason: "\(node.label): B has \(bias.elementCount) values, not \(2 * gates * units)")
        }
        let inputWeights = try graph.constant(name + "/W", shape: [gates * units, xShape[2]], floats: w.floats)
        let recurrentWeights = try graph.constant(name + "/R", shape: [gates * units, units], floats: r.floats)
        var inputBias: TensorID?, recurrentBias: TensorID?, recurrentBiasValues: [Float]?
        if let bias {
            let values = bias.floats, size = gates * units
            if isLSTM {
                inputBias = try graph.constant(name + "/B", shape: [size], floats: (0..<size).map { values[$0] + values[size + $0] })
            } else {
                inputBias = try graph.constant(name + "/Wb", shape: [size], floats: Array(values[..<size]))
                recurrentBiasValues = Array(values[size...])
                recurrentBias = try graph.constant(name + "/Rb", shape: [size], floats: Array(values[size...]))
            }
        }
        // A zero state (absent or all-zero initial state, so step 0 of PyTorch's exports) reads no
        // FULLY_CONNECTED: the quantizer calibrates activations, not constant inputs.
        var state = try initialState(node, 5, batch: batch, units: units, name: name + "/initial_h")
        var cellState = isLSTM ? try initialState(node, 6, batch: batch, units: units, name: name + "/initial_c") : nil
        var outputs: [TensorID] = []
        let stepCount = xShape[0]
        guard stepCount > 0 else { throw .malformed(path: path, reason: "\(node.label) runs over no steps") }
        for t in 0..<stepCount {
            let label = "\(name)/step\(t)"
            let step = try stridedSlice(x, begin: [t, 0, 0], end: [t + 1, batch, xShape[2]], strides: [1, 1, 1],
                                        shrinkAxisMask: 1, name: label + "/input")
            let fromInput = try graph.fullyConnected(step, weights: inputWeights, bias: inputBias, name: label + "/x")
            let fromState = try state.map { (h: TensorID) throws(ConvertError) -> TensorID in
                try graph.fullyConnected(h, weights: recurrentWeights, bias: recurrentBias, name: label + "/h")
            }
            let h: TensorID
            if isLSTM {
                let sum = try fromState.map { (r: TensorID) throws(ConvertError) -> TensorID in try graph.add(fromInput, r, name: label + "/z") } ?? fromInput
                let parts = try gateSlices(sum, count: 4, units: units, name: label + "/gates")
                let inputGate = graph.unary(.logistic, parts[0], name: label + "/i")
                let outputGate = graph.unary(.logistic, parts[1], name: label + "/o")
                let forget = graph.unary(.logistic, parts[2], name: label + "/f")
                let candidate = graph.unary(.tanh, parts[3], name: label + "/c")
                let written = try graph.mul(inputGate, candidate, name: label + "/ic")
                let cell: TensorID
                if let previous = cellState {
                    cell = try graph.add(try graph.mul(forget, previous, name: label + "/fc"), written, name: label + "/cell")
                } else {
                    cell = written
                }
                cellState = cell
                h = try graph.mul(outputGate, graph.unary(.tanh, cell, name: label + "/tanh_c"), name: label + "/out")
            } else {
                let x3 = try gateSlices(fromInput, count: 3, units: units, name: label + "/x_gates")
                // The state's contribution per gate: sliced from its FULLY_CONNECTED, or, from a
                // zero state, the recurrent bias alone (nil without one).
                var h3: [TensorID?]
                if let fromState {
                    h3 = try gateSlices(fromState, count: 3, units: units, name: label + "/h_gates")
                } else if let values = recurrentBiasValues {
                    h3 = try (0..<3).map { (gate: Int) throws(ConvertError) -> TensorID? in
                        try graph.constant("\(label)/h_gates/\(gate)", shape: [units], floats: Array(values[(gate * units)..<((gate + 1) * units)]))
                    }
                } else {
                    h3 = [nil, nil, nil]
                }
                func plus(_ a: TensorID, _ b: TensorID?, _ suffix: String) throws(ConvertError) -> TensorID {
                    guard let b else { return a }
                    return try graph.add(a, b, name: label + suffix)
                }
                let update = graph.unary(.logistic, try plus(x3[0], h3[0], "/z_sum"), name: label + "/z")
                let reset = graph.unary(.logistic, try plus(x3[1], h3[1], "/r_sum"), name: label + "/r")
                let gated = try h3[2].map { (b: TensorID) throws(ConvertError) -> TensorID in try graph.mul(reset, b, name: label + "/rh") }
                let candidate = graph.unary(.tanh, try plus(x3[2], gated, "/hh_sum"), name: label + "/hh")
                if let previous = state {
                    // h = (1 − z)·hh + z·h_prev = hh + z·(h_prev − hh)
                    let delta = try graph.binary(.sub, previous, candidate, name: label + "/delta")
                    h = try graph.add(candidate, try graph.mul(update, delta, name: label + "/z_delta"), name: label + "/out")
                } else {
                    // h_prev = 0: h = hh − z·hh
                    h = try graph.binary(.sub, candidate, try graph.mul(update, candidate, name: label + "/z_hh"), name: label + "/out")
                }
            }
            state = h
            outputs.append(h)
        }
        let h = outputs[outputs.count - 1]
        // Y [steps, 1, batch, units] only when something reads it; Y_h and Y_c [1, batch, units].
        if used(node.outputs.first) {
            let joined = outputs.count == 1 ? outputs[0] : try graph.concatenation(outputs, axis: 0, name: name + "/sequence")
            define(node, .tensor(try graph.reshape(joined, to: [stepCount, 1, batch, units], name: outputName(node, 0)), .plain), output: 0)
        }
        if used(node.outputs.count > 1 ? node.outputs[1] : nil) {
            define(node, .tensor(try graph.reshape(h, to: [1, batch, units], name: outputName(node, 1)), .plain), output: 1)
        }
        if isLSTM, used(node.outputs.count > 2 ? node.outputs[2] : nil) {
            define(node, .tensor(try graph.reshape(cellState ?? h, to: [1, batch, units], name: outputName(node, 2)), .plain), output: 2)
        }
    }

    /// The `count` gate blocks of `units` columns of a `[batch, count·units]` tensor.
    private mutating func gateSlices(_ x: TensorID, count: Int, units: Int, name: String) throws(ConvertError) -> [TensorID] {
        let batch = graph[x].shape[0]
        return try (0..<count).map { (gate: Int) throws(ConvertError) -> TensorID in
            try stridedSlice(x, begin: [0, gate * units], end: [batch, (gate + 1) * units], strides: [1, 1], name: "\(name)/\(gate)")
        }
    }

    /// Whether another node or the graph's outputs read the value `name`.
    private func used(_ name: String?) -> Bool {
        guard let name, !name.isEmpty else { return false }
        return (uses[name] ?? 0) > 0
    }

    /// The initial hidden or cell state `[batch, units]`; nil when it is zero (absent, or a
    /// constant of zeros such as PyTorch's `Expand`ed zeros).
    private mutating func initialState(_ node: ONNXNode, _ index: Int, batch: Int, units: Int, name: String) throws(ConvertError) -> TensorID? {
        guard node.input(index) != nil else { return nil }
        let value = try input(node, index)
        guard onnxShape(value) == [1, batch, units] else {
            throw .malformed(path: path, reason: "\(node.label): initial state \(onnxShape(value)) is not [1, \(batch), \(units)]")
        }
        if case .constant(let constant) = value {
            if constant.values.allSatisfy({ $0 == 0 }) { return nil }
            return try graph.constant(name, shape: [batch, units], floats: constant.floats)
        }
        return try graph.reshape(try tensor(value, layout: .plain, name: name), to: [batch, units], name: name)
    }
}
