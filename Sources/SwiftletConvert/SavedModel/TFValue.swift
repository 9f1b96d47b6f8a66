/// A value flowing through a TensorFlow graph during import: a folded constant, a tensor of the
/// graph being built, or a resource handle (a captured variable, by object-graph id).
enum TFValue {
    case constant(TFConstant)
    case tensor(TensorID)
    case variable(objectID: Int)
}

/// One node of a TensorFlow graph or function body, with typed access to its attributes.
struct TFNode {
    let proto: Tensorflow_NodeDef
    /// The function the node sits in ("the main graph" for the top level).
    let function: String

    var op: String { proto.op }
    var name: String { proto.name }
    /// Data inputs (control inputs, `^name`, left out).
    var dataInputs: [String] { proto.input.filter { !$0.hasPrefix("^") } }
    var label: String { "node '\(proto.name)' (\(proto.op)) in \(function)" }

    func int(_ name: String, default value: Int) -> Int {
        guard let attribute = proto.attr[name], case .i(let i)? = attribute.value else { return value }
        return Int(i)
    }
    func float(_ name: String, default value: Float) -> Float {
        guard let attribute = proto.attr[name], case .f(let f)? = attribute.value else { return value }
        return f
    }
    func bool(_ name: String, default value: Bool) -> Bool {
        guard let attribute = proto.attr[name], case .b(let b)? = attribute.value else { return value }
        return b
    }
    func string(_ name: String, default value: String) -> String {
        guard let attribute = proto.attr[name], case .s(let s)? = attribute.value else { return value }
        return String(decoding: s, as: UTF8.self)
    }
    func ints(_ name: String) -> [Int]? {
        guard let attribute = proto.attr[name], case .list(let list)? = attribute.value else { return nil }
        return list.i.map(Int.init)
    }
    func type(_ name: String) -> Tensorflow_DataType? {
        guard let attribute = proto.attr[name], case .type(let type)? = attribute.value else { return nil }
        return type
    }
    func function(_ name: String) -> String? {
        guard let attribute = proto.attr[name], case .func(let function)? = attribute.value else { return nil }
        return function.name
    }
    func tensor(_ name: String) -> Tensorflow_TensorProto? {
        guard let attribute = proto.attr[name], case .tensor(let tensor)? = attribute.value else { return nil }
        return tensor
    }

    /// The flat output index of a function-body reference's `argument:index` part: operators
    /// with several output arguments (FusedBatchNorm) count across them.
    static func outputIndex(op: String, argument: String, index: Int) -> Int {
        if op.hasPrefix("FusedBatchNorm") {
            let names = ["y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2", "reserve_space_3"]
            return (names.firstIndex(of: argument) ?? 0) + index
        }
        return index
    }
}
