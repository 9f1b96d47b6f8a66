import Foundation

/// One ONNX node with typed access to its attributes.
struct ONNXNode {
    let proto: Onnx_NodeProto
    private let attributes: [String: Onnx_AttributeProto]

    init(_ proto: Onnx_NodeProto) {
        self.proto = proto
        var attributes: [String: Onnx_AttributeProto] = [:]
        for attribute in proto.attribute { attributes[attribute.name] = attribute }
        self.attributes = attributes
    }

    var opType: String { proto.opType }
    /// Input names; an empty name is an omitted optional input.
    var inputs: [String] { proto.input }
    var outputs: [String] { proto.output }
    /// The node's name, or its first output's when it has none (for error messages).
    var label: String {
        let name = proto.name.isEmpty ? (proto.output.first ?? "?") : proto.name
        return "node '\(name)' (\(proto.opType))"
    }

    /// The input at `index`, nil when absent or omitted.
    func input(_ index: Int) -> String? {
        index < proto.input.count && !proto.input[index].isEmpty ? proto.input[index] : nil
    }

    func has(_ name: String) -> Bool { attributes[name] != nil }

    /// The attribute proto named `name`, if set.
    func attributes(_ name: String) -> Onnx_AttributeProto? { attributes[name] }

    func int(_ name: String, default value: Int) -> Int {
        attributes[name].map { Int($0.i) } ?? value
    }

    func float(_ name: String, default value: Float) -> Float {
        attributes[name]?.f ?? value
    }

    func ints(_ name: String) -> [Int]? {
        attributes[name].map { $0.ints.map { Int($0) } }
    }

    func floats(_ name: String) -> [Float]? {
        attributes[name]?.floats
    }

    func string(_ name: String, default value: String) -> String {
        attributes[name].map { String(decoding: $0.s, as: UTF8.self) } ?? value
    }

    func tensor(_ name: String) -> Onnx_TensorProto? {
        attributes[name].flatMap { $0.hasT ? $0.t : nil }
    }

    /// The names of attributes set on the node.
    var attributeNames: [String] { proto.attribute.map(\.name) }
}

extension ONNXNode {
    /// A strings attribute, decoded as UTF-8.
    func strings(_ name: String) -> [String]? {
        attributes(name).map { $0.strings.map { String(decoding: $0, as: UTF8.self) } }
    }
}
