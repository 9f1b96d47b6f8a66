/// A builtin operator code of the schema (`CONV_2D` = 3 …). A struct rather
/// than an enum so that codes newer than this schema still read and print.
public struct BuiltinOperator: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
}

/// The schema's `ActivationFunctionType`, as fused into many operators.
public enum ActivationFunction: Int8, Sendable {
    case none = 0, relu = 1, reluN1To1 = 2, relu6 = 3, tanh = 4, signBit = 5

    /// The name as the schema spells it.
    public var name: StaticString {
        switch self {
        case .none: return "NONE"
        case .relu: return "RELU"
        case .reluN1To1: return "RELU_N1_TO_1"
        case .relu6: return "RELU6"
        case .tanh: return "TANH"
        case .signBit: return "SIGN_BIT"
        }
    }
}

/// The schema's `Padding`.
public enum Padding: Int8, Sendable {
    case same = 0, valid = 1

    /// The name as the schema spells it.
    public var name: StaticString { self == .same ? "SAME" : "VALID" }
}
