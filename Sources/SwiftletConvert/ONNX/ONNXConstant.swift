import Foundation

/// A constant ONNX tensor (an initializer, a `Constant` node, or a folded shape computation),
/// in ONNX layout. Values are kept as `Double`, which holds every float32 and every integer a
/// shape computation needs exactly; `isFloat` says whether the ONNX type was floating point.
struct ONNXConstant: Equatable {
    /// The ONNX shape (row-major).
    var shape: [Int]
    /// Row-major values.
    var values: [Double]
    /// Whether the element type is floating point (else integer or bool).
    var isFloat: Bool

    init(shape: [Int], values: [Double], isFloat: Bool) {
        self.shape = shape
        self.values = values
        self.isFloat = isFloat
    }

    /// A scalar.
    init(scalar: Double, isFloat: Bool) {
        self.init(shape: [], values: [scalar], isFloat: isFloat)
    }

    var floats: [Float] { values.map { Float($0) } }
    var integers: [Int] { values.map { Int($0) } }
    var elementCount: Int { values.count }

    /// The constant with its axes reordered: output axis `i` is input axis `permutation[i]`.
    func transposed(_ permutation: [Int]) -> ONNXConstant {
        let outputShape = permutation.map { shape[$0] }
        let inputStrides = Self.strides(shape)
        var result = [Double](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: shape.count)
        for position in 0..<values.count {
            var source = 0
            for (axis, value) in index.enumerated() { source += value * inputStrides[permutation[axis]] }
            result[position] = values[source]
            var axis = outputShape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < outputShape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return ONNXConstant(shape: outputShape, values: result, isFloat: isFloat)
    }

    /// The constant broadcast-ready for rank `rank`: leading 1s prepended.
    func expanded(toRank rank: Int) -> ONNXConstant {
        guard shape.count < rank else { return self }
        return ONNXConstant(shape: [Int](repeating: 1, count: rank - shape.count) + shape, values: values, isFloat: isFloat)
    }

    /// Row-major strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in shape.indices.reversed() {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }
}

/// ONNX `TensorProto.DataType` values the importer reads.
enum ONNXDataType {
    static let float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7, bool = 9,
               float16 = 10, double = 11, uint32 = 12, uint64 = 13

    static func name(_ type: Int) -> String {
        switch type {
        case float: return "float"
        case uint8: return "uint8"
        case int8: return "int8"
        case uint16: return "uint16"
        case int16: return "int16"
        case int32: return "int32"
        case int64: return "int64"
        case 8: return "string"
        case bool: return "bool"
        case float16: return "float16"
        case double: return "double"
        case uint32: return "uint32"
        case uint64: return "uint64"
        case 16: return "bfloat16"
        default: return "type \(type)"
        }
    }
}
