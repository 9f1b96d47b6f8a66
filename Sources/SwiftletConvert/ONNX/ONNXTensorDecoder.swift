import Foundation

/// Reads the values of an ONNX `TensorProto`: from `raw_data` (little-endian), from the typed
/// fields (`float_data`, `int32_data`, `int64_data`, `double_data`, `uint64_data`), or from an
/// external data file next to the model (`data_location = EXTERNAL`).
enum ONNXTensorDecoder {
    /// The tensor as a constant. `directory` is the folder of the model file, where external
    /// data files are looked up; `path` names the model in errors.
    static func constant(_ tensor: Onnx_TensorProto, directory: URL?, path: String) throws(ConvertError) -> ONNXConstant {
        let shape = tensor.dims.map { Int($0) }
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw .malformed(path: path, reason: "tensor \(tensor.name) has negative dimensions \(shape)")
        }
        let count = shape.reduce(1, *)
        let type = Int(tensor.dataType)
        let isFloat = type == ONNXDataType.float || type == ONNXDataType.double || type == ONNXDataType.float16
        let values: [Double]
        if tensor.dataLocation == .external {
            let bytes = try externalBytes(tensor, directory: directory, path: path)
            values = try decode(raw: bytes, type: type, name: tensor.name, path: path)
        } else if tensor.hasRawData {
            values = try decode(raw: [UInt8](tensor.rawData), type: type, name: tensor.name, path: path)
        } else {
            switch type {
            case ONNXDataType.float: values = tensor.floatData.map { Double($0) }
            case ONNXDataType.double: values = tensor.doubleData
            case ONNXDataType.int64: values = tensor.int64Data.map { Double($0) }
            case ONNXDataType.uint32, ONNXDataType.uint64: values = tensor.uint64Data.map { Double($0) }
            case ONNXDataType.float16: values = tensor.int32Data.map { Double(halfToFloat(UInt16(truncatingIfNeeded: $0))) }
            case ONNXDataType.int32, ONNXDataType.int16, ONNXDataType.int8, ONNXDataType.uint8, ONNXDataType.uint16, ONNXDataType.bool:
                values = tensor.int32Data.map { Double($0) }
            default:
                throw .unsupportedFeature("tensor \(tensor.name) has element type \(ONNXDataType.name(type)); the ONNX importer reads float, double, float16, bool and integer tensors")
            }
        }
        guard values.count == count else {
            throw .malformed(path: path, reason: "tensor \(tensor.name) holds \(values.count) values for shape \(shape) (\(count) expected)")
        }
        return ONNXConstant(shape: shape, values: values, isFloat: isFloat)
    }

    /// Little-endian `raw_data` bytes as values.
    static func decode(raw bytes: [UInt8], type: Int, name: String, path: String) throws(ConvertError) -> [Double] {
        let size: Int
        switch type {
        case ONNXDataType.float, ONNXDataType.int32, ONNXDataType.uint32: size = 4
        case ONNXDataType.double, ONNXDataType.int64, ONNXDataType.uint64: size = 8
        case ONNXDataType.int16, ONNXDataType.uint16, ONNXDataType.float16: size = 2
        case ONNXDataType.int8, ONNXDataType.uint8, ONNXDataType.bool: size = 1
        default:
            throw .unsupportedFeature("tensor \(name) has element type \(ONNXDataType.name(type)); the ONNX importer reads float, double, float16, bool and integer tensors")
        }
        guard bytes.count % size == 0 else {
            throw .malformed(path: path, reason: "tensor \(name): \(bytes.count) raw bytes are not a whole number of \(size)-byte elements")
        }
        return bytes.withUnsafeBytes { raw -> [Double] in
            (0..<(bytes.count / size)).map { index -> Double in
                let offset = index * size
                switch type {
                case ONNXDataType.float: return Double(Float(bitPattern: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                case ONNXDataType.int32: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
                case ONNXDataType.uint32: return Double(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                case ONNXDataType.double: return Double(bitPattern: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                case ONNXDataType.int64: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Int64.self))
                case ONNXDataType.uint64: return Double(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                case ONNXDataType.int16: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Int16.self))
                case ONNXDataType.uint16: return Double(raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
                case ONNXDataType.float16: return Double(halfToFloat(raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
                case ONNXDataType.int8: return Double(raw.load(fromByteOffset: offset, as: Int8.self))
                default: return Double(raw.load(fromByteOffset: offset, as: UInt8.self))
                }
            }
        }
    }

    /// The bytes of an externally stored tensor: `location` relative to the model's folder,
    /// optional `offset` and `length`.
    static func externalBytes(_ tensor: Onnx_TensorProto, directory: URL?, path: String) throws(ConvertError) -> [UInt8] {
        var entries: [String: String] = [:]
        for entry in tensor.externalData { entries[entry.key] = entry.value }
        guard let location = entries["location"], !location.isEmpty else {
            throw .malformed(path: path, reason: "tensor \(tensor.name) is stored externally but names no location")
        }
        guard let directory else {
            throw .invalidInput("tensor \(tensor.name) is stored in the external file \(location); convert the model from its file so the data next to it can be found")
        }
        let file = directory.appendingPathComponent(location)
        let data: Data
        do {
            data = try Data(contentsOf: file, options: .mappedIfSafe)
        } catch {
            throw .malformed(path: path, reason: "tensor \(tensor.name): cannot read its external data file \(file.path) (\(error.localizedDescription)); keep it next to the model")
        }
        let offset = Int(entries["offset"] ?? "0") ?? -1
        let length = entries["length"].map { Int($0) ?? -1 } ?? (data.count - max(offset, 0))
        guard offset >= 0, length >= 0, offset + length <= data.count else {
            throw .malformed(path: path, reason: "tensor \(tensor.name): offset \(entries["offset"] ?? "0") and length \(entries["length"] ?? "-") fall outside \(location) (\(data.count) bytes)")
        }
        return [UInt8](data[data.startIndex + offset ..< data.startIndex + offset + length])
    }

    /// IEEE 754 half precision bits as a float.
    static func halfToFloat(_ bits: UInt16) -> Float {
        let sign: Float = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = Float(bits & 0x3FF)
        switch exponent {
        case 0: return sign * mantissa * Float(sign: .plus, exponent: -24, significand: 1)
        case 31: return mantissa == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mantissa / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
