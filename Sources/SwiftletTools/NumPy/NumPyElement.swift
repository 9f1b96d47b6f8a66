/// A Swift type that stores one element of a NumPy dtype.
///
/// Conforming types: `Bool`, `Int8`, `Int16`, `Int32`, `Int64`, `Int` (as int64),
/// `UInt8`, `UInt16`, `UInt32`, `UInt64`, `Float`, `Double`, and `Float16` where
/// the platform has it. Use them with `NumPyArray.init(_:shape:)` and
/// `NumPyArray.elements(as:)`.
public protocol NumPyElement: Sendable {
    /// The NumPy dtype whose elements this type holds.
    static var numPyDType: NumPyDType { get }
    /// Decodes `bytes` (little-endian, `bytes.count` a multiple of the item size) into values.
    static func decodeLittleEndian(_ bytes: [UInt8]) -> [Self]
    /// Encodes `values` as little-endian bytes.
    static func encodeLittleEndian(_ values: [Self]) -> [UInt8]
}

/// Little-endian conversion shared by all fixed-width element types.
enum NumPyBytes {
    static func decode<T: FixedWidthInteger>(_ bytes: [UInt8], as type: T.Type) -> [T] {
        let size = MemoryLayout<T>.size
        let count = bytes.count / size
        return bytes.withUnsafeBytes { raw in
            [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                for index in 0..<count {
                    buffer[index] = T(littleEndian: raw.loadUnaligned(fromByteOffset: index * size, as: T.self))
                }
                initialized = count
            }
        }
    }

    static func encode<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        let size = MemoryLayout<T>.size
        return [UInt8](unsafeUninitializedCapacity: values.count * size) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            for (index, value) in values.enumerated() {
                raw.storeBytes(of: value.littleEndian, toByteOffset: index * size, as: T.self)
            }
            initialized = values.count * size
        }
    }

    /// Reverses the bytes of every `itemSize`-byte element (big-endian ⇄ little-endian).
    static func swapped(_ bytes: [UInt8], itemSize: Int) -> [UInt8] {
        guard itemSize > 1 else { return bytes }
        var result = bytes
        var start = 0
        while start + itemSize <= result.count {
            result[start..<start + itemSize].reverse()
            start += itemSize
        }
        return result
    }

    /// Converts IEEE 754 half-precision bits to `Float` (exact).
    static func float(fromHalf bits: UInt16) -> Float {
        let sign: UInt32 = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        switch exponent {
        case 0:
            let magnitude = Float(mantissa) * 0x1p-24  // zero or subnormal
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))  // inf or NaN
        default:
            return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
        }
    }
}

extension Int8: NumPyElement {
    public static var numPyDType: NumPyDType { .int8 }
    public static func decodeLittleEndian(_ bytes: [UInt8]) -> [Int8] { NumPyBytes.decode(bytes, as: Int8.self) }
    public static func encodeLittleEndian(_ values: [Int8]) -> [UInt8] { NumPyBytes.encode(values) }
}

extension Int16: NumPyElement {
    public static var numPyDType: NumPyDType { .int16 }
    public static func decodeLittleEndian(_ bytes: [UInt8]) -> [Int16] { NumPyBytes.decode(bytes, as: Int16.self) }
    public static func encodeLittleEndian(_ values: [Int16]) -> [UInt8] { NumPyBytes.encode(values) }
}

extension Int32: NumPyElement {
    public static var numPyDType: NumPyDType { .int32 }
    public static func decodeLittleEndian(_ bytes: [UInt8]) -> [Int32] { NumPyBytes.decode(bytes, as: Int32.self) }
    public static func encodeLittleEndian(_ values: [Int32]) -> [UInt8] { NumPyBytes.encode(values) }
}

extension Int64: NumPyElement {
    public static var numPyDType: NumPyDType { .int64 }
    public static func decodeLittleEndian(_ bytes: [UInt8]) -> [Int64] { NumPyBytes.decode(bytes, as: Int64.self) }
    public static func encodeLittleEndian(_ values: [Int64]) -> [UInt8] { NumPyBytes.encode(values) }
}

#if _pointerBitWidth(_64)
/// `Int` is stored as NumPy int64 (NumPy's default integer type).
extension Int: NumPyElement {
    public static var numPyDType: NumPyDType { .int64 }
    public static func decodeLittleEndian(_ bytes: [UInt8]) -> [Int] { NumPyBytes.decode(bytes, as: Int.self) }
    public static func encodeLittleEndian(_ values: [Int]) -> [UInt8] { NumPyBytes.encode(values) }
}
#endif

extension UInt8: NumPyElement {
    public static var numPyDType: NumPyDType { .uint8 }
    public static func decodeLittleEndian(_ bytes: [UInt8]) -> [UInt8] { bytes }
    public static func encodeLittleEndian(_ values: [UInt8]) -> [UInt8] { values }
}

extension UInt16: NumPyElement {
    public static var numPyDType: NumPyDType { .uint16 }
    public static func decodeLittleEndian(_ bytes: [UInt8]) -> [UInt16] { NumPyBytes.decode(bytes, as: UInt16.self) }
    public static func encodeLittleEndian(_ values: [UInt16]) -> [UInt8] { NumPyBytes.encode(values) }
}

extension UInt32: NumPyElement {
    public static var numPyDType: NumPyDType { .uint32 }
    public static func decodeLittleEndian(_ bytes: [UInt8]) -> [UInt32] { NumPyBytes.decode(bytes, as: UInt32.self) }
    public static func encodeLittleEndian(_ values: [UInt32]) -> [UInt8] { NumPyBytes.encode(values) }
}

extension UInt64: NumPyElement {
    public static var numPyDType: NumPyDType { .uint64 }
    public static func decodeLittleEndian(_ bytes: [UInt8]) -> [UInt64] { NumPyBytes.decode(bytes, as: UInt64.self) }
    public static func encodeLittleEndian(_ values: [UInt64]) -> [UInt8] { NumPyBytes.encode(values) }
}

/// Any non-zero byte reads as `true`; `true` is written as 1.
extension Bool: NumPyElement {
    public static var numPyDType: NumPyDType { .bool }
    public static func decodeLittleEndian(_ bytes: [UInt8]) -> [Bool] { bytes.map { $0 != 0 } }
    public static func encodeLittleEndian(_ values: [Bool]) -> [UInt8] { values.map { $0 ? 1 : 0 } }
}

extension Float: NumPyElement {
    public static var numPyDType: NumPyDType { .float32 }
    public static func decodeLittleEndian(_ bytes: [UInt8]) -> [Float] {
        NumPyBytes.decode(bytes, as: UInt32.self).map(Float.init(bitPattern:))
    }
    public static func encodeLittleEndian(_ values: [Float]) -> [UInt8] { NumPyBytes.encode(values.map(\.bitPattern)) }
}

extension Double: NumPyElement {
    public static var numPyDType: NumPyDType { .float64 }
    public static func decodeLittleEndian(_ bytes: [UInt8]) -> [Double] {
        NumPyBytes.decode(bytes, as: UInt64.self).map(Double.init(bitPattern:))
    }
    public static func encodeLittleEndian(_ values: [Double]) -> [UInt8] { NumPyBytes.encode(values.map(\.bitPattern)) }
}

#if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
@available(macOS 11.0, iOS 14.0, tvOS 14.0, watchOS 7.0, *)
extension Float16: NumPyElement {
    public static var numPyDType: NumPyDType { .float16 }
    public static func decodeLittleEndian(_ bytes: [UInt8]) -> [Float16] {
        NumPyBytes.decode(bytes, as: UInt16.self).map(Float16.init(bitPattern:))
    }
    public static func encodeLittleEndian(_ values: [Float16]) -> [UInt8] { NumPyBytes.encode(values.map(\.bitPattern)) }
}
#endif
