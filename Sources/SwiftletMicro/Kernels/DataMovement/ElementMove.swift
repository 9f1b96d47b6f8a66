import SwiftletFormat

/// Shared pieces of the data-movement kernels (reshape-like operators, PAD,
/// CONCATENATION, STRIDED_SLICE, TRANSPOSE). These operators never look at
/// element values, so they move elements as unsigned integers of the element's
/// width: float32 moves as `UInt32`, int8 and bool as `UInt8`, and so on, which
/// keeps the bits exactly and links one copy loop per width, not per type.
enum ElementMove {
    /// The width of one element.
    enum Width {
        case one, two, four, eight

        /// The width of `type`'s elements; nil for sub-byte and unsized types.
        init?(_ type: TensorType) {
            switch type.bitsPerElement {
            case 8: self = .one
            case 16: self = .two
            case 32: self = .four
            case 64: self = .eight
            default: return nil
            }
        }

        /// Bytes per element.
        var bytes: Int {
            switch self {
            case .one: return 1
            case .two: return 2
            case .four: return 4
            case .eight: return 8
            }
        }
    }

    /// Whether `type` is one of `allowed`.
    static func isOneOf(_ type: TensorType, _ allowed: [TensorType]) -> Bool {
        for candidate in allowed where candidate == type { return true }
        return false
    }

    /// The values of a constant int32 or int64 tensor (begin/end/strides, perm,
    /// paddings, axis); nil if the tensor is not constant, not an integer tensor,
    /// or its buffer is shorter than its shape says.
    static func constantIndices(_ tensor: TensorView, in context: PrepareContext) -> [Int]? {
        guard !tensor.tensor.isVariable, let bytes = context.model.data(of: tensor.tensor),
              let count = tensor.tensor.elementCount else { return nil }
        var values: [Int] = []
        values.reserveCapacity(count)
        if tensor.type == .int32 {
            guard bytes.count >= count * 4 else { return nil }
            for index in 0..<count { values.append(Int(bytes.loadUnaligned(fromByteOffset: index * 4, as: Int32.self))) }
        } else if tensor.type == .int64 {
            guard bytes.count >= count * 8 else { return nil }
            for index in 0..<count {
                guard let value = Int(exactly: bytes.loadUnaligned(fromByteOffset: index * 8, as: Int64.self)) else { return nil }
                values.append(value)
            }
        } else {
            return nil
        }
        return values
    }

    /// Whether `tensor` is constant with at least `bytes` bytes of data.
    static func hasConstantData(_ tensor: TensorView, bytes: Int, in context: PrepareContext) -> Bool {
        guard !tensor.tensor.isVariable, let data = context.model.data(of: tensor.tensor) else { return false }
        return data.count >= bytes
    }

    /// The raw bits of element 0 of a constant tensor of `width`.
    static func firstElementBits(_ data: UnsafeMutableRawPointer, _ width: Width) -> UInt64 {
        switch width {
        case .one: return UInt64(data.loadUnaligned(as: UInt8.self))
        case .two: return UInt64(data.loadUnaligned(as: UInt16.self))
        case .four: return UInt64(data.loadUnaligned(as: UInt32.self))
        case .eight: return data.loadUnaligned(as: UInt64.self)
        }
    }

    /// Row-major element strides of `shape` (innermost 1).
    static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// The dimensions of `tensor` as `Int`s; nil if any is negative (dynamic).
    static func dimensions(_ tensor: TensorView) -> [Int]? {
        var dims: [Int] = []
        dims.reserveCapacity(tensor.rank)
        for dimension in tensor.shape {
            guard dimension >= 0 else { return nil }
            dims.append(Int(dimension))
        }
        return dims
    }
}
