import SwiftletFormat

/// The optimization passes TensorFlow's converter applies, on a `Graph`. `optimize` runs them all
/// in the converter's order; each is also callable on its own.
public enum GraphPasses {
    /// Every pass, repeated until nothing changes: fold constant reshapes, drop identity
    /// operators, fold per-channel MUL/ADD (an imported BatchNormalization) into the producing
    /// convolution or fully-connected operator, fuse RELU/RELU6/RELU_N1_TO_1 into the producer,
    /// and remove what no output needs.
    public static func optimize(_ graph: inout Graph) {
        var changed = true
        while changed {
            changed = false
            changed = foldConstantReshapes(&graph) || changed
            changed = removeIdentities(&graph) || changed
            changed = foldBatchNormalization(&graph) || changed
            changed = foldInputAffineIntoFullyConnected(&graph) || changed
            changed = foldReshapeIntoFullyConnected(&graph) || changed
            changed = fuseActivations(&graph) || changed
            changed = removeDeadOperators(&graph) || changed
        }
    }

    // MARK: - Constant folding

    /// RESHAPE of a constant becomes the constant with the new shape.
    @discardableResult
    public static func foldConstantReshapes(_ graph: inout Graph) -> Bool {
        var changed = false
        for index in graph.operators.indices.reversed() {
            let op = graph.operators[index]
            guard op.code == .reshape || op.code == .squeeze || op.code == .expandDims,
                  let input = op.inputs.first ?? nil, graph[input].isConstant,
                  let output = op.outputs.first, !graph.outputs.contains(output) else { continue }
            var folded = graph[input]
            folded.shape = graph[output].shape
            folded.name = graph[output].name
            graph[output] = folded
            graph.operators.remove(at: index)
            changed = true
        }
        return changed
    }

    // MARK: - Identities

    /// Drops operators that return their input unchanged: a RESHAPE to the input's own shape, and
    /// a RESHAPE of a RESHAPE's output becomes one RESHAPE. (Dropout and identity layers are never
    /// imported as operators.)
    @discardableResult
    public static func removeIdentities(_ graph: inout Graph) -> Bool {
        var changed = false
        var index = 0
        while index < graph.operators.count {
            let op = graph.operators[index]
            if op.code == .reshape, let input = op.inputs.first ?? nil, let output = op.outputs.first,
               graph[input].shape == graph[output].shape {
                if !graph.outputs.contains(output) {
                    replaceUses(of: output, with: input, in: &graph)
                } else if let producer = graph.producer(of: input), graph.consumers(of: input).count == 1,
                          !graph.outputs.contains(input) {
                    // The reshape writes a graph output: let the producer write it instead.
                    graph.operators[producer].outputs = graph.operators[producer].outputs.map { $0 == input ? output : $0 }
                } else {
                    index += 1
                    continue
                }
                graph.operators.remove(at: index)
                changed = true
                continue
            }
            if op.code == .reshape, let input = op.inputs.first ?? nil, let producer = graph.producer(of: input),
               graph.operators[producer].code == .reshape, graph.consumers(of: input).count == 1, !graph.outputs.contains(input),
               let source = graph.operators[producer].inputs.first ?? nil {
                graph.operators[index].inputs[0] = source
                graph.operators.remove(at: producer)
                changed = true
                continue
            }
            index += 1
        }
        return changed
    }

    // MARK: - BatchNormalization folding

    /// A CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED with constant float weights, no fused
    /// activation and one consumer, followed by MUL with a constant per-output-channel scale
    /// and/or ADD of a constant per-channel offset, takes them into its weights and bias
    /// (`W' = W·s`, `b' = b·s + offset`, TensorFlow's folding).
    @discardableResult
    public static func foldBatchNormalization(_ graph: inout Graph) -> Bool {
        var changed = false
        var index = 0
        while index < graph.operators.count {
            if foldNext(into: index, &graph) { changed = true } else { index += 1 }
        }
        return changed
    }

    /// Folds the one MUL or ADD after operator `index`, if it can.
    private static func foldNext(into index: Int, _ graph: inout Graph) -> Bool {
        let op = graph.operators[index]
        guard [.conv2D, .depthwiseConv2D, .fullyConnected].contains(op.code), op.fusedActivation == ActivationFunction.none,
              op.inputs.count >= 2, let weights = op.inputs[1], let weightValues = graph[weights].floats,
              let output = op.outputs.first, !graph.outputs.contains(output) else { return false }
        let consumers = graph.consumers(of: output)
        guard consumers.count == 1, let next = consumers.first, next > index else { return false }
        let follower = graph.operators[next]
        guard follower.code == .mul || follower.code == .add, follower.fusedActivation == ActivationFunction.none,
              follower.inputs.count == 2 else { return false }
        let other = follower.inputs[0] == output ? follower.inputs[1] : follower.inputs[0]
        guard let constant = other, let values = graph[constant].floats, follower.inputs.contains(output) else { return false }
        let channels = op.code == .fullyConnected || op.code == .conv2D ? graph[weights].shape[0] : graph[weights].shape[3]
        // The constant must be per channel: shape [C] or [1, …, 1, C], or a single value.
        let constantShape = graph[constant].shape
        guard values.count == channels || values.count == 1,
              constantShape.dropLast().allSatisfy({ $0 == 1 }), constantShape.count <= graph[output].shape.count,
              graph[follower.outputs[0]].shape == graph[output].shape else { return false }
        let perChannel = values.count == 1 ? [Float](repeating: values[0], count: channels) : values

        var bias = op.inputs.count > 2 ? op.inputs[2].flatMap { graph[$0].floats } : nil
        if bias == nil { bias = [Float](repeating: 0, count: channels) }
        var newBias = bias!
        var newWeights = weightValues
        if follower.code == .mul {
            // Output channel c of the weights: conv/FC along dimension 0, depthwise along the last.
            if op.code == .depthwiseConv2D {
                for i in newWeights.indices { newWeights[i] *= perChannel[i % channels] }
            } else {
                let stride = newWeights.count / channels
                for c in 0..<channels { for i in (c * stride)..<((c + 1) * stride) { newWeights[i] *= perChannel[c] } }
            }
            for c in 0..<channels { newBias[c] *= perChannel[c] }
        } else {
            for c in 0..<channels { newBias[c] += perChannel[c] }
        }
        let weightsID = graph.add(GraphTensor(name: graph[weights].name, shape: graph[weights].shape,
                                              data: GraphTensor.bytes(of: newWeights)))
        let biasName = op.inputs.count > 2 ? op.inputs[2].map { graph[$0].name } ?? nil : nil
        let biasID = graph.add(GraphTensor(name: biasName ?? graph[output].name + "/bias", shape: [channels],
                                           data: GraphTensor.bytes(of: newBias)))
        var folded = op
        folded.inputs[1] = weightsID
        if folded.inputs.count > 2 { folded.inputs[2] = biasID } else { folded.inputs.append(biasID) }
        folded.outputs = follower.outputs
        graph.operators[index] = folded
        graph.operators.remove(at: next)
        return true
    }

    // MARK: - Fully connected

    /// A RESHAPE to `[rows, depth]` whose only readers are FULLY_CONNECTED operators without
    /// `keep_num_dims` disappears: the operator flattens its input itself (TF's converter does the same).
    @discardableResult
    public static func foldReshapeIntoFullyConnected(_ graph: inout Graph) -> Bool {
        var changed = false
        var index = 0
        while index < graph.operators.count {
            let op = graph.operators[index]
            guard op.code == .reshape, let input = op.inputs.first ?? nil, let output = op.outputs.first,
                  !graph.outputs.contains(output), graph[output].shape.count == 2,
                  graph[input].shape.last == graph[output].shape[1] || graph[input].shape.count >= 2 else { index += 1; continue }
            let readers = graph.consumers(of: output)
            let foldable = !readers.isEmpty && readers.allSatisfy { reader in
                let fc = graph.operators[reader]
                guard fc.code == .fullyConnected, case .fullyConnected(_, false) = fc.options, fc.inputs.first == output,
                      let weights = fc.inputs[1] else { return false }
                // FULLY_CONNECTED reads [elements / depth, depth]: the same as the reshape's output.
                return graph[weights].shape.count == 2 && graph[weights].shape[1] == graph[output].shape[1]
            }
            guard foldable else { index += 1; continue }
            for reader in readers { graph.operators[reader].inputs[0] = input }
            graph.operators.remove(at: index)
            changed = true
        }
        return changed
    }

    /// MUL by, or ADD of, a scalar constant whose only reader
    /// is a FULLY_CONNECTED goes into its weights and bias: `W·(x·s) = (W·s)·x`,
    /// `W·(x + o) + b = W·x + (b + W·o)`, the sum starting from b. (TF's converter folds a Rescaling before a Dense this way.)
    @discardableResult
    public static func foldInputAffineIntoFullyConnected(_ graph: inout Graph) -> Bool {
        var changed = false
        var index = 0
        while index < graph.operators.count {
            let op = graph.operators[index]
            guard op.code == .mul || op.code == .add, op.fusedActivation == ActivationFunction.none, op.inputs.count == 2,
                  let output = op.outputs.first, !graph.outputs.contains(output) else { index += 1; continue }
            let constantIndex = (op.inputs[1].map { graph[$0].isConstant } ?? false) ? 1 : 0
            guard let constant = op.inputs[constantIndex], let values = graph[constant].floats,
                  let variable = op.inputs[1 - constantIndex], !graph[variable].isConstant,
                  graph[variable].shape == graph[output].shape else { index += 1; continue }
            let readers = graph.consumers(of: output)
            guard readers.count == 1, let reader = readers.first, graph.operators[reader].code == .fullyConnected,
                  graph.operators[reader].inputs.first == output, let weightsID = graph.operators[reader].inputs[1],
                  let weights = graph[weightsID].floats, graph[weightsID].shape.count == 2 else { index += 1; continue }
            let outputs = graph[weightsID].shape[0], depth = graph[weightsID].shape[1]
            // Only a single scale or offset (a Rescaling): TF's converter keeps per-feature ones (a Normalization).
            guard values.count == 1 else { index += 1; continue }
            func value(_ column: Int) -> Float { values.count == 1 ? values[0] : values[column] }
            var fc = graph.operators[reader]
            if op.code == .mul {
                var scaled = weights
                for row in 0..<outputs { for column in 0..<depth { scaled[row * depth + column] *= value(column) } }
                fc.inputs[1] = graph.add(GraphTensor(name: graph[weightsID].name, shape: graph[weightsID].shape, data: GraphTensor.bytes(of: scaled)))
            } else {
                var bias = fc.inputs.count > 2 ? fc.inputs[2].flatMap { graph[$0].floats } ?? [Float](repeating: 0, count: outputs)
                                               : [Float](repeating: 0, count: outputs)
                // TF's folding order: the bias first, then each product in turn (bit-equal to TF's converter).
                for row in 0..<outputs {
                    var sum = bias[row]
                    for column in 0..<depth { sum += weights[row * depth + column] * value(column) }
                    bias[row] = sum
                }
                let biasID = graph.add(GraphTensor(name: graph[fc.outputs[0]].name + "/bias", shape: [outputs], data: GraphTensor.bytes(of: bias)))
                if fc.inputs.count > 2 { fc.inputs[2] = biasID } else { fc.inputs.append(biasID) }
            }
            fc.inputs[0] = variable
            graph.operators[reader] = fc
            graph.operators.remove(at: index)
            changed = true
        }
        return changed
    }

    // MARK: - Activation fusion

    /// RELU, RELU6 or RELU_N1_TO_1 after an operator with a fused-activation slot that is empty,
    /// when the activation is the producer's only consumer, becomes that slot.
    @discardableResult
    public static func fuseActivations(_ graph: inout Graph) -> Bool {
        var changed = false
        var index = 0
        while index < graph.operators.count {
            let op = graph.operators[index]
            let activation: ActivationFunction
            switch op.code {
            case .relu: activation = .relu
            case .relu6: activation = .relu6
            case .reluN1To1: activation = .reluN1To1
            default: index += 1; continue
            }
            guard let input = op.inputs.first ?? nil, let producer = graph.producer(of: input),
                  graph.operators[producer].fusedActivation == ActivationFunction.none,
                  graph.consumers(of: input).count == 1, !graph.outputs.contains(input),
                  graph.operators[producer].outputs.count == 1 else { index += 1; continue }
            graph.operators[producer].fusedActivation = activation
            graph.operators[producer].outputs = op.outputs
            graph.operators.remove(at: index)
            changed = true
        }
        return changed
    }

    // MARK: - Dead code

    /// Removes operators none of whose outputs reaches a graph output.
    @discardableResult
    public static func removeDeadOperators(_ graph: inout Graph) -> Bool {
        var live = Set(graph.outputs)
        var keep = [Bool](repeating: false, count: graph.operators.count)
        for index in graph.operators.indices.reversed() where graph.operators[index].outputs.contains(where: live.contains) {
            keep[index] = true
            for case let input? in graph.operators[index].inputs { live.insert(input) }
        }
        let before = graph.operators.count
        graph.operators = graph.operators.indices.filter { keep[$0] }.map { graph.operators[$0] }
        return graph.operators.count != before
    }

    /// Points every reader of `old` (operators and graph outputs) at `new`.
    static func replaceUses(of old: TensorID, with new: TensorID, in graph: inout Graph) {
        for index in graph.operators.indices {
            graph.operators[index].inputs = graph.operators[index].inputs.map { $0 == old ? new : $0 }
        }
        graph.outputs = graph.outputs.map { $0 == old ? new : $0 }
    }
}
