import SwiftletFormat

/// Everything that can go wrong between a verified model and its outputs.
/// Each case carries what a person needs to act on it.
public enum MicroError: Error {
    /// The arena cannot hold the plan. `needed` is exactly enough.
    case arenaTooSmall(needed: Int, given: Int)
    /// No kernel is registered for an operator the model uses.
    case unsupportedOperator(code: Int32, name: StaticString?, version: Int32, index: Int)
    /// A custom operator the resolver does not know (its name is in the model).
    case unsupportedCustomOperator(index: Int)
    /// A kernel does not handle a tensor's element type.
    case unsupportedType(op: StaticString, tensor: Int, type: TensorType)
    /// An operator's tensors do not fit together (shapes, counts, quantization).
    case invalidOperator(op: StaticString, index: Int, reason: StaticString)
    /// The model uses a feature this runtime does not (yet) offer.
    case unsupportedFeature(StaticString)
    /// `invoke()` or a tensor accessor before `allocateTensors()`.
    case notAllocated
    /// An input or output index past the model's count.
    case ioIndexOutOfRange(index: Int, count: Int)
    /// Data given for an input does not match its size.
    case inputSizeMismatch(index: Int, expected: Int, given: Int)
    /// A kernel found a value it cannot compute with at run time.
    case kernelFailure(op: StaticString, reason: StaticString)
    /// A custom operator's FlexBuffers options are malformed or lack a value.
    case invalidCustomOptions(op: StaticString, index: Int, FormatError)
}

extension MicroError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .arenaTooSmall(let needed, let given):
            return "arena too small: the model needs \(needed) bytes, the arena has \(given); make the arena at least \(needed) bytes"
        case .unsupportedOperator(let code, let name, let version, let index):
            let opName = name.map { "\($0)" } ?? "builtin code \(code)"
            return "operator \(index) (\(opName), code \(code), version \(version)) has no registered kernel; add it to the OpResolver (or use OpResolver.allBuiltins)"
        case .unsupportedCustomOperator(let index):
            return "operator \(index) is a custom operator with no registered kernel"
        case .unsupportedType(let op, let tensor, let type):
            let typeName = type.name.map { "\($0)" } ?? "type \(type.rawValue)"
            return "\(op): tensor \(tensor) has type \(typeName), which this kernel does not support"
        case .invalidOperator(let op, let index, let reason):
            return "operator \(index) (\(op)): \(reason)"
        case .unsupportedFeature(let feature):
            return "unsupported: \(feature)"
        case .notAllocated:
            return "call allocateTensors() before invoke() or tensor access"
        case .ioIndexOutOfRange(let index, let count):
            return "input/output index \(index) out of range (the model has \(count))"
        case .inputSizeMismatch(let index, let expected, let given):
            return "input \(index) takes \(expected) bytes, got \(given)"
        case .kernelFailure(let op, let reason):
            return "\(op) failed: \(reason)"
        case .invalidCustomOptions(let op, let index, let error):
            return "operator \(index) (\(op)): \(error)"
        }
    }
}
