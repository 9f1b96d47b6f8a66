/// The element type of a tensor (`TensorType` in the schema). A struct so that
/// types newer than this schema still read.
public struct TensorType: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int8
    public init(rawValue: Int8) { self.rawValue = rawValue }

    public static let float32 = TensorType(rawValue: 0)
    public static let float16 = TensorType(rawValue: 1)
    public static let int32 = TensorType(rawValue: 2)
    public static let uint8 = TensorType(rawValue: 3)
    public static let int64 = TensorType(rawValue: 4)
    public static let string = TensorType(rawValue: 5)
    public static let bool = TensorType(rawValue: 6)
    public static let int16 = TensorType(rawValue: 7)
    public static let complex64 = TensorType(rawValue: 8)
    public static let int8 = TensorType(rawValue: 9)
    public static let float64 = TensorType(rawValue: 10)
    public static let complex128 = TensorType(rawValue: 11)
    public static let uint64 = TensorType(rawValue: 12)
    public static let resource = TensorType(rawValue: 13)
    public static let variant = TensorType(rawValue: 14)
    public static let uint32 = TensorType(rawValue: 15)
    public static let uint16 = TensorType(rawValue: 16)
    public static let int4 = TensorType(rawValue: 17)
    public static let bfloat16 = TensorType(rawValue: 18)
    public static let int2 = TensorType(rawValue: 19)
    public static let uint4 = TensorType(rawValue: 20)

    /// The name as the schema spells it, or nil for an unknown type.
    public var name: StaticString? {
        switch rawValue {
        case 0: return "FLOAT32"
        case 1: return "FLOAT16"
        case 2: return "INT32"
        case 3: return "UINT8"
        case 4: return "INT64"
        case 5: return "STRING"
        case 6: return "BOOL"
        case 7: return "INT16"
        case 8: return "COMPLEX64"
        case 9: return "INT8"
        case 10: return "FLOAT64"
        case 11: return "COMPLEX128"
        case 12: return "UINT64"
        case 13: return "RESOURCE"
        case 14: return "VARIANT"
        case 15: return "UINT32"
        case 16: return "UINT16"
        case 17: return "INT4"
        case 18: return "BFLOAT16"
        case 19: return "INT2"
        case 20: return "UINT4"
        default: return nil
        }
    }

    /// Bits one element occupies, or nil for types without a fixed size
    /// (string, resource, variant, unknown).
    public var bitsPerElement: Int? {
        switch rawValue {
        case 6, 3, 9: return 8
        case 1, 7, 16, 18: return 16
        case 0, 2, 15: return 32
        case 4, 8, 10, 12: return 64
        case 11: return 128
        case 17, 20: return 4
        case 19: return 2
        default: return nil
        }
    }

    /// Bytes needed for `elements` elements (sub-byte types packed), or nil if unsized.
    public func byteCount(elements: Int) -> Int? {
        guard let bits = bitsPerElement else { return nil }
        let (product, overflow) = elements.multipliedReportingOverflow(by: bits)
        return overflow ? nil : (product + 7) / 8
    }
}
