import SwiftletFormat

/// Multi-node patterns that exporters write for one operation, converted as that operation.
extension ONNXGraphConverter {
    /// PyTorch's exact GELU, `x · (1 + erf(x / √2)) · 0.5` (Div by √2 or Mul by 1/√2, Erf, Add 1,
    /// Mul by x, Mul by 0.5, in either Mul order), starting at `nodes[start]`: converted to one
    /// GELU. Returns the indices of the pattern's other nodes, which the caller skips; nil when the
    /// nodes there are not the pattern (or an intermediate value is read elsewhere).
    mutating func convertGeluPattern(_ nodes: [ONNXNode], at start: Int, consumers: [String: [Int]]) throws(ConvertError) -> [Int]? {
        let first = nodes[start]
        guard first.opType == "Div" || first.opType == "Mul", first.inputs.count == 2, let scaled = first.outputs.first else { return nil }
        let scale = first.opType == "Div" ? 2.0.squareRoot() : 0.5.squareRoot()
        guard let (x, _) = splitConstant(first, near: scale) else { return nil }
        guard let erf = soleConsumer(scaled, nodes, consumers), nodes[erf].opType == "Erf",
              let plusOne = soleConsumer(nodes[erf].outputs[0], nodes, consumers), nodes[plusOne].opType == "Add",
              let (erfSide, _) = splitConstant(nodes[plusOne], near: 1, otherComputed: false), erfSide == nodes[erf].outputs[0],
              let product = soleConsumer(nodes[plusOne].outputs[0], nodes, consumers), nodes[product].opType == "Mul" else { return nil }
        let productInputs = nodes[product].inputs
        var last: Int
        if productInputs.contains(x) {
            // (x · (1 + erf)) · 0.5
            guard let half = soleConsumer(nodes[product].outputs[0], nodes, consumers), nodes[half].opType == "Mul",
                  splitConstant(nodes[half], near: 0.5, otherComputed: false) != nil else { return nil }
            last = half
        } else if splitConstant(nodes[product], near: 0.5, otherComputed: false) != nil {
            // x · ((1 + erf) · 0.5)
            guard let outer = soleConsumer(nodes[product].outputs[0], nodes, consumers), nodes[outer].opType == "Mul",
                  nodes[outer].inputs.contains(x) else { return nil }
            last = outer
        } else {
            return nil
        }
        let output = nodes[last].outputs[0]
        let (input, layout) = try anyTensor(try value(x, of: first), name: output + "/input")
        let gelu = graph.unary(.gelu, input, .table(TableValue(.geluOptions).droppingDefaults()), name: output)
        values[output] = .tensor(gelu, layout)
        return [erf, plusOne, product, last]
    }

    /// For a binary node with one scalar constant operand within 1e-5 relative of `target`: the
    /// other operand's name and the constant. With `otherComputed`, the other operand must be an
    /// activation converted already.
    private func splitConstant(_ node: ONNXNode, near target: Double, otherComputed: Bool = true) -> (String, Double)? {
        guard node.inputs.count == 2 else { return nil }
        for (index, name) in node.inputs.enumerated() {
            guard case .constant(let constant)? = values[name], constant.isFloat, constant.elementCount == 1,
                  abs(constant.values[0] - target) <= 1e-5 * target else { continue }
            let other = node.inputs[1 - index]
            if !otherComputed { return (other, constant.values[0]) }
            if case .tensor? = values[other] { return (other, constant.values[0]) }
        }
        return nil
    }

    /// The one node reading `name`, when exactly one does and the value is no graph output.
    private func soleConsumer(_ name: String, _ nodes: [ONNXNode], _ consumers: [String: [Int]]) -> Int? {
        guard let readers = consumers[name], readers.count == 1, uses[name] == 1 else { return nil }
        return readers[0]
    }
}
