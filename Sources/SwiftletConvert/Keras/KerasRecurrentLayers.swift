import SwiftletFormat

/// LSTM and GRU, unrolled over their (static) time steps into FULLY_CONNECTED, SPLIT, LOGISTIC,
/// TANH, MUL, ADD and SUB: operators TFLM and Swiftlet run, where TF's converter writes a WHILE loop
/// over subgraphs. Zero initial state; `return_sequences` packs every step's output.
extension KerasLayerConverter {
    mutating func recurrent(_ layer: KerasLayerEntry, _ x: TensorID) throws(ConvertError) -> TensorID {
        let c = layer.config
        let isLSTM = layer.className == "LSTM"
        let shape = graph[x].shape
        guard shape.count == 3 else { throw .invalidGraph("\(c.layer): input \(shape) is not [batch, steps, features]") }
        for flag in ["go_backwards", "stateful", "return_state"] where try c.bool(flag, default: false) {
            throw .unsupportedFeature("\(c.layer): \(flag)=True")
        }
        guard try c.string("activation", default: "tanh") == "tanh",
              try c.string("recurrent_activation", default: "sigmoid") == "sigmoid" else {
            throw .unsupportedFeature("\(c.layer): activations other than tanh / sigmoid")
        }
        if !isLSTM, !(try c.bool("reset_after", default: true)) { throw .unsupportedFeature("\(c.layer): GRU with reset_after=False") }
        let units = try c.int("units")
        let gates = isLSTM ? 4 : 3
        let useBias = try c.bool("use_bias", default: true)
        let vars = try variables(layer, count: useBias ? 3 : 2)
        let kernel = vars[0], recurrentKernel = vars[1]
        guard kernel.shape == [shape[2], gates * units], recurrentKernel.shape == [units, gates * units] else {
            throw .malformed(path: path, reason: "\(c.layer): kernels \(kernel.shape), \(recurrentKernel.shape) for \(units) units")
        }
        let inputWeights = try constant(layer, "kernel", shape: [gates * units, shape[2]]) {
            Self.transposed(kernel.values, shape: kernel.shape, permutation: [1, 0])
        }
        let recurrentWeights = try constant(layer, "recurrent_kernel", shape: [gates * units, units]) {
            Self.transposed(recurrentKernel.values, shape: recurrentKernel.shape, permutation: [1, 0])
        }
        // LSTM: one bias [4u]. GRU (reset_after): input bias and recurrent bias, [2, 3u].
        var inputBias: TensorID?, recurrentBias: TensorID?
        if useBias {
            let bias = vars[2].values
            if isLSTM {
                inputBias = try constant(layer, "bias", shape: [gates * units]) { bias }
            } else {
                guard bias.count == 2 * gates * units else { throw .malformed(path: path, reason: "\(c.layer): bias of \(bias.count) values") }
                inputBias = try constant(layer, "input_bias", shape: [gates * units]) { Array(bias[..<(gates * units)]) }
                recurrentBias = try constant(layer, "recurrent_bias", shape: [gates * units]) { Array(bias[(gates * units)...]) }
            }
        }
        let batch = shape[0]
        let zeros = try constant(layer, "initial_state", shape: [batch, units]) { [Float](repeating: 0, count: batch * units) }
        let steps = try graph.unpack(x, axis: 1, name: layer.name + "/unstack")
        var h = zeros, cell = zeros
        var outputs: [TensorID] = []
        for (t, step) in steps.enumerated() {
            let label = "\(layer.name)/step\(t)"
            let fromInput = try graph.fullyConnected(step, weights: inputWeights, bias: inputBias, name: label + "/x")
            let fromState = try graph.fullyConnected(h, weights: recurrentWeights, bias: recurrentBias, name: label + "/h")
            if isLSTM {
                let sum = try graph.add(fromInput, fromState, name: label + "/z")
                let parts = try graph.split(sum, count: 4, axis: 1, name: label + "/gates")
                let input = graph.unary(.logistic, parts[0], name: label + "/i")
                let forget = graph.unary(.logistic, parts[1], name: label + "/f")
                let candidate = graph.unary(.tanh, parts[2], name: label + "/g")
                let output = graph.unary(.logistic, parts[3], name: label + "/o")
                let kept = try graph.mul(forget, cell, name: label + "/fc")
                let written = try graph.mul(input, candidate, name: label + "/ig")
                cell = try graph.add(kept, written, name: label + "/c")
                h = try graph.mul(output, graph.unary(.tanh, cell, name: label + "/tanh_c"), name: label + "/out")
            } else {
                let x3 = try graph.split(fromInput, count: 3, axis: 1, name: label + "/x_gates")
                let h3 = try graph.split(fromState, count: 3, axis: 1, name: label + "/h_gates")
                let update = graph.unary(.logistic, try graph.add(x3[0], h3[0], name: label + "/z_sum"), name: label + "/z")
                let reset = graph.unary(.logistic, try graph.add(x3[1], h3[1], name: label + "/r_sum"), name: label + "/r")
                let gated = try graph.mul(reset, h3[2], name: label + "/rh")
                let candidate = graph.unary(.tanh, try graph.add(x3[2], gated, name: label + "/hh_sum"), name: label + "/hh")
                // h = z·h_prev + (1 − z)·hh = hh + z·(h_prev − hh)
                let delta = try graph.binary(.sub, h, candidate, name: label + "/delta")
                h = try graph.add(candidate, try graph.mul(update, delta, name: label + "/z_delta"), name: label + "/out")
            }
            outputs.append(h)
        }
        if try c.bool("return_sequences", default: false) {
            return try graph.pack(outputs, axis: 1, name: layer.name)
        }
        return h
    }
}
