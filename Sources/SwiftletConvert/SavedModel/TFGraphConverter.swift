import SwiftletFormat

/// Translates a SavedModel signature into a `Graph`: evaluates the signature's outputs node by
/// node, following call operators into the function library (each call inlined), reading
/// captured variables from the checkpoint (so `ReadVariableOp` yields constants), folding every
/// operator whose inputs are all constant, and mapping the rest to TFLite operators
/// (`TFOperators`).
final class TFGraphConverter {
    var graph = Graph()
    let file: SavedModelFile
    private var variables: [Int: TFConstant] = [:]
    private var callDepth = 0

    init(file: SavedModelFile) {
        self.file = file
    }

    /// One graph or function body being evaluated: its nodes, bound arguments, and the outputs
    /// computed so far.
    final class Scope {
        let name: String
        let nodes: [String: Tensorflow_NodeDef]
        var arguments: [String: TFValue]
        var results: [String: [TFValue]] = [:]
        var inProgress: Set<String> = []
        /// How many data inputs read each node (to know when a node's output has one reader).
        var readers: [String: Int] = [:]
        let isFunction: Bool

        init(name: String, nodes: [Tensorflow_NodeDef], arguments: [String: TFValue], isFunction: Bool) {
            self.name = name
            var byName: [String: Tensorflow_NodeDef] = [:]
            for node in nodes {
                byName[node.name] = node
                for input in node.input where !input.hasPrefix("^") {
                    let source = String(input.split(separator: ":", maxSplits: 1).first ?? "")
                    readers[source, default: 0] += 1
                }
            }
            self.nodes = byName
            self.arguments = arguments
            self.isFunction = isFunction
        }
    }

    // MARK: - Evaluation

    /// The value a tensor reference names: `node:index` in the main graph, `node:argument:index`
    /// or an argument name in a function body.
    func value(_ reference: String, in scope: Scope, for node: String) throws(ConvertError) -> TFValue {
        let parts = reference.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let source = parts[0]
        if scope.isFunction, parts.count == 1, let argument = scope.arguments[source] { return argument }
        if !scope.isFunction, let argument = scope.arguments[source] { return argument }
        guard let proto = scope.nodes[source] else {
            throw .malformed(path: file.path, reason: "\(node) in \(scope.name) reads '\(reference)', which nothing defines")
        }
        let outputs = try evaluate(proto, in: scope)
        var index = 0
        if scope.isFunction, parts.count == 3 {
            index = TFNode.outputIndex(op: proto.op, argument: parts[1], index: Int(parts[2]) ?? 0)
        } else if parts.count == 2 {
            index = Int(parts[1]) ?? 0
        }
        guard index >= 0, index < outputs.count else {
            throw .malformed(path: file.path, reason: "\(node) in \(scope.name) reads output \(index) of '\(source)', which has \(outputs.count)")
        }
        return outputs[index]
    }

    /// The outputs of `proto`, converting it (and what it reads) on first use.
    func evaluate(_ proto: Tensorflow_NodeDef, in scope: Scope) throws(ConvertError) -> [TFValue] {
        if let done = scope.results[proto.name] { return done }
        guard scope.inProgress.insert(proto.name).inserted else {
            throw .unsupportedFeature("\(file.path): node '\(proto.name)' in \(scope.name) is part of a cycle; loops (While) are not supported")
        }
        let node = TFNode(proto: proto, function: scope.name)
        if proto.op == "Mul", let source = TFGeluPattern.match(proto, in: scope) {
            let x = try tensor(try value(source, in: scope, for: node.label), node)
            var options = TableValue(.geluOptions)
            options["approximate"] = .bool(false)
            let outputs: [TFValue] = [.tensor(graph.unary(.gelu, x, .table(options.droppingDefaults()), name: proto.name))]
            scope.inProgress.remove(proto.name)
            scope.results[proto.name] = outputs
            return outputs
        }
        var inputs: [TFValue] = []
        if !["StatefulPartitionedCall", "PartitionedCall"].contains(proto.op) || scope.isFunction {
            for input in node.dataInputs { inputs.append(try value(input, in: scope, for: node.label)) }
        } else {
            inputs = try mainGraphCallInputs(node, in: scope)
        }
        let outputs = try convert(node, inputs, readers: scope.readers[proto.name] ?? 0)
        scope.inProgress.remove(proto.name)
        scope.results[proto.name] = outputs
        return outputs
    }

    /// The inputs of a call in the main graph: the signature's placeholders, then the captured
    /// variables, bound through the object graph (`bound_inputs` of the called function).
    private func mainGraphCallInputs(_ node: TFNode, in scope: Scope) throws(ConvertError) -> [TFValue] {
        let inputs = node.dataInputs
        guard let function = node.function("f") else { throw .malformed(path: file.path, reason: "\(node.label) names no function") }
        let bound = file.boundInputs(ofFunction: function) ?? []
        guard bound.count <= inputs.count else {
            throw .malformed(path: file.path, reason: "\(node.label): \(function) captures \(bound.count) objects but the call passes \(inputs.count) inputs")
        }
        var values: [TFValue] = []
        for (index, input) in inputs.enumerated() {
            if index >= inputs.count - bound.count {
                values.append(.variable(objectID: bound[index - (inputs.count - bound.count)]))
            } else {
                values.append(try value(input, in: scope, for: node.label))
            }
        }
        return values
    }

    /// Calls library function `name` on `inputs` (inlined), returning its outputs in order.
    func call(_ name: String, _ inputs: [TFValue], from node: TFNode) throws(ConvertError) -> [TFValue] {
        guard let function = file.functions[name] else {
            throw .malformed(path: file.path, reason: "\(node.label) calls '\(name)', which the function library lacks")
        }
        let arguments = function.signature.inputArg
        guard arguments.count == inputs.count else {
            throw .malformed(path: file.path, reason: "\(node.label) passes \(inputs.count) inputs to \(name), which takes \(arguments.count)")
        }
        callDepth += 1
        defer { callDepth -= 1 }
        guard callDepth < 64 else { throw .unsupportedFeature("\(file.path): function calls nest deeper than 64 (recursion?) at \(node.label)") }
        var bound: [String: TFValue] = [:]
        for (argument, value) in zip(arguments, inputs) { bound[argument.name] = value }
        let scope = Scope(name: "function \(name)", nodes: function.nodeDef, arguments: bound, isFunction: true)
        // Each returned value counts as a reader.
        var pending: [String] = []
        for output in function.signature.outputArg {
            if let reference = function.ret[output.name] {
                let source = String(reference.split(separator: ":").first ?? "")
                scope.readers[source, default: 0] += 1
                pending.append(source)
            }
        }
        // The nodes the returned values read, directly or not (control inputs excluded).
        var needed: Set<String> = []
        while let source = pending.popLast() {
            guard let proto = scope.nodes[source], needed.insert(source).inserted else { continue }
            if proto.op == "Mul", let x = TFGeluPattern.match(proto, in: scope) {
                pending.append(String(x.split(separator: ":", maxSplits: 1).first ?? ""))  // the pattern's inner nodes stay unread
                continue
            }
            for input in proto.input where !input.hasPrefix("^") {
                pending.append(String(input.split(separator: ":", maxSplits: 1).first ?? ""))
            }
        }
        // Convert the nodes the outputs depend on in the body's own order (the order the
        // function was traced in, which TF's converter keeps), not in the order the outputs'
        // inputs happen to be listed: a residual block's branches then come out as in TF's model.
        for proto in function.nodeDef where scope.results[proto.name] == nil && needed.contains(proto.name) {
            _ = try evaluate(proto, in: scope)
        }
        var outputs: [TFValue] = []
        for output in function.signature.outputArg {
            guard let reference = function.ret[output.name] else {
                throw .malformed(path: file.path, reason: "function \(name) returns nothing for its output '\(output.name)'")
            }
            outputs.append(try value(reference, in: scope, for: "the return of \(name)"))
        }
        return outputs
    }

    /// A captured variable's value, read once from the checkpoint.
    func variable(_ id: Int) throws(ConvertError) -> TFConstant {
        if let value = variables[id] { return value }
        let value = try file.variable(object: id)
        variables[id] = value
        return value
    }

    // MARK: - Values as tensors

    /// The value as a graph tensor (constants are written as float32 or int32 constants).
    func tensor(_ value: TFValue, _ node: TFNode, name: String? = nil) throws(ConvertError) -> TensorID {
        switch value {
        case .tensor(let id): return id
        case .constant(let constant): return try graphConstant(constant, name: name ?? "\(node.name)/const")
        case .variable: throw .unsupportedFeature("\(node.label) uses a variable handle directly; only ReadVariableOp of a variable is supported")
        }
    }

    func graphConstant(_ constant: TFConstant, name: String) throws(ConvertError) -> TensorID {
        if constant.isFloat { return try graph.constant(name, shape: constant.shape, floats: constant.floats) }
        guard constant.values.allSatisfy({ $0 >= Double(Int32.min) && $0 <= Double(Int32.max) }) else {
            throw .unsupportedFeature("constant \(name) holds integers outside int32")
        }
        return try graph.constant(name, shape: constant.shape, int32s: constant.values.map { Int32($0) })
    }

    /// The constant a value must be (an axis, a shape, weights), or an error naming `what`.
    func constant(_ value: TFValue, _ node: TFNode, _ what: String) throws(ConvertError) -> TFConstant {
        switch value {
        case .constant(let constant): return constant
        case .variable(let id): return try variable(id)
        case .tensor:
            throw .unsupportedFeature("\(node.label): its \(what) is computed at run time; the importer needs it constant (fix the input shape with batch 1)")
        }
    }

    /// The static shape of a value.
    func shape(_ value: TFValue) throws(ConvertError) -> [Int] {
        switch value {
        case .constant(let constant): return constant.shape
        case .tensor(let id): return graph[id].shape
        case .variable(let id): return try variable(id).shape
        }
    }

    func input(_ inputs: [TFValue], _ index: Int, _ node: TFNode) throws(ConvertError) -> TFValue {
        guard index < inputs.count else { throw .malformed(path: file.path, reason: "\(node.label) lacks its input \(index)") }
        return inputs[index]
    }
}
