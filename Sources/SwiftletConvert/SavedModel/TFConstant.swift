import Foundation

/// A constant TensorFlow tensor (a `Const` node, a frozen variable, or a folded computation).
/// Values are kept as `Double`, which holds every float32 and every integer a shape computation
/// needs exactly; float arithmetic on them is done in `Float`, as TensorFlow does.
struct TFConstant: Equatable {
    /// Row-major shape.
    var shape: [Int]
    /// Row-major values.
    var values: [Double]
    /// The TensorFlow element type.
    var dtype: Tensorflow_DataType

    init(shape: [Int], values: [Double], dtype: Tensorflow_DataType) {
        self.shape = shape
        self.values = values
        self.dtype = dtype
    }

    init(scalar: Double, dtype: Tensorflow_DataType) {
        self.init(shape: [], values: [scalar], dtype: dtype)
    }

    /// A 1-D int32 constant.
    init(ints: [Int]) {
        self.init(shape: [ints.count], values: ints.map(Double.init), dtype: .dtInt32)
    }

    var isFloat: Bool { TFDataType.isFloat(dtype) }
    var floats: [Float] { values.map { Float($0) } }
    var integers: [Int] { values.map { Int($0) } }
    var elementCount: Int { values.count }

    /// Decodes a `TensorProto` (tensor_content, or the typed value lists, a single value filling
    /// the whole shape as TensorFlow allows). `label` names the tensor in errors.
    init(proto: Tensorflow_TensorProto, label: String) throws(ConvertError) {
        let shape = proto.tensorShape.dim.map { Int($0.size) }
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw .unsupportedFeature("\(label): constant of unknown shape \(shape)")
        }
        let count = shape.reduce(1, *)
        var values: [Double]
        if !proto.tensorContent.isEmpty {
            values = try TFDataType.decode([UInt8](proto.tensorContent), dtype: proto.dtype, count: count, label: label)
        } else {
            switch proto.dtype {
            case .dtFloat: values = proto.floatVal.map(Double.init)
            case .dtDouble: values = proto.doubleVal
            case .dtInt32, .dtInt16, .dtInt8, .dtUint8, .dtUint16: values = proto.intVal.map(Double.init)
            case .dtInt64: values = proto.int64Val.map(Double.init)
            case .dtBool: values = proto.boolVal.map { $0 ? 1 : 0 }
            case .dtHalf, .dtBfloat16:
                values = proto.halfVal.map { Double(TFDataType.halfToFloat(UInt16(truncatingIfNeeded: $0), bfloat: proto.dtype == .dtBfloat16)) }
            default:
                throw .unsupportedFeature("\(label): constant of type \(TFDataType.name(proto.dtype)); the importer reads numeric constants")
            }
            if values.count == 1, count != 1 {
                values = [Double](repeating: values[0], count: count)
            } else if values.isEmpty, count > 0 {
                values = [Double](repeating: 0, count: count)
            }
        }
        guard values.count == count else {
            throw .malformed(path: label, reason: "constant holds \(values.count) values for shape \(shape)")
        }
        self.init(shape: shape, values: values, dtype: proto.dtype)
    }

    /// The constant with its axes reordered: output axis `i` is input axis `permutation[i]`.
    func transposed(_ permutation: [Int]) -> TFConstant {
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
        return TFConstant(shape: outputShape, values: result, dtype: dtype)
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

/// TensorFlow `DataType` helpers: names, byte sizes, decoding little-endian bytes.
enum TFDataType {
    static func isFloat(_ type: Tensorflow_DataType) -> Bool {
        type == .dtFloat || type == .dtDouble || type == .dtHalf || type == .dtBfloat16
    }

    static func name(_ type: Tensorflow_DataType) -> String {
        switch type {
        case .dtFloat: return "float32"
        case .dtDouble: return "float64"
        case .dtInt32: return "int32"
        case .dtUint8: return "uint8"
        case .dtInt16: return "int16"
        case .dtInt8: return "int8"
        case .dtString: return "string"
        case .dtInt64: return "int64"
        case .dtBool: return "bool"
        case .dtHalf: return "float16"
        case .dtBfloat16: return "bfloat16"
        case .dtResource: return "resource"
        case .dtVariant: return "variant"
        default: return "DataType \(type.rawValue)"
        }
    }

    /// Bytes per element, nil for types without a fixed size.
    static func size(_ type: Tensorflow_DataType) -> Int? {
        switch type {
        case .dtFloat, .dtInt32, .dtUint32: return 4
        case .dtDouble, .dtInt64, .dtUint64: return 8
        case .dtInt16, .dtUint16, .dtHalf, .dtBfloat16: return 2
        case .dtInt8, .dtUint8, .dtBool: return 1
        default: return nil
        }
    }

    /// `count` little-endian elements of `dtype` from `bytes`.
    static func decode(_ bytes: [UInt8], dtype: Tensorflow_DataType, count: Int, label: String) throws(ConvertError) -> [Double] {
        guard let size = size(dtype) else {
            throw .unsupportedFeature("\(label): tensor of type \(name(dtype)); the importer reads numeric tensors")
        }
        guard bytes.count == size * count else {
            throw .malformed(path: label, reason: "\(bytes.count) bytes for \(count) \(name(dtype)) values")
        }
        return bytes.withUnsafeBytes { raw -> [Double] in
            (0..<count).map { index -> Double in
                let offset = index * size
                switch dtype {
                case .dtFloat: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Float.self))
                case .dtDouble: return raw.loadUnaligned(fromByteOffset: offset, as: Double.self)
                case .dtInt32: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
                case .dtUint32: return Double(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                case .dtInt64: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Int64.self))
                case .dtUint64: return Double(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                case .dtInt16: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Int16.self))
                case .dtUint16: return Double(raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
                case .dtHalf, .dtBfloat16:
                    return Double(halfToFloat(raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self), bfloat: dtype == .dtBfloat16))
                case .dtInt8: return Double(Int8(bitPattern: raw[offset]))
                default: return Double(raw[offset])
                }
            }
        }
    }

    /// An IEEE half (or bfloat16) bit pattern as a Float.
    static func halfToFloat(_ bits: UInt16, bfloat: Bool) -> Float {
        if bfloat { return Float(bitPattern: UInt32(bits) << 16) }
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int((bits >> 10) & 0x1F), mantissa = UInt32(bits & 0x3FF)
        if exponent == 0 {
            let value = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -value : value
        }
        if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}
