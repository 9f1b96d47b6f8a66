/// The element types Swiftlet reads from and writes to NumPy files.
///
/// The raw value is NumPy's own name for the type (`numpy.dtype(...).name`),
/// so `NumPyDType(rawValue: "float32")` works. Data of every type is held
/// little-endian in `NumPyArray.data`, whatever byte order the file used.
public enum NumPyDType: String, CaseIterable, Sendable, CustomStringConvertible {
    /// `numpy.bool_`: one byte per element, 0 or 1 (descr `|b1`).
    case bool
    /// `numpy.int8` (descr `|i1`).
    case int8
    /// `numpy.int16` (descr `<i2`).
    case int16
    /// `numpy.int32` (descr `<i4`).
    case int32
    /// `numpy.int64` (descr `<i8`).
    case int64
    /// `numpy.uint8` (descr `|u1`).
    case uint8
    /// `numpy.uint16` (descr `<u2`).
    case uint16
    /// `numpy.uint32` (descr `<u4`).
    case uint32
    /// `numpy.uint64` (descr `<u8`).
    case uint64
    /// `numpy.float16`, IEEE 754 half precision (descr `<f2`).
    case float16
    /// `numpy.float32` (descr `<f4`).
    case float32
    /// `numpy.float64` (descr `<f8`).
    case float64

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16, .float16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        }
    }

    /// NumPy's name for the type, e.g. `"float32"`.
    public var name: String { rawValue }

    public var description: String { rawValue }

    /// The NumPy type character: `b` (bool), `i` (signed), `u` (unsigned) or `f` (float).
    public var kind: Character {
        switch self {
        case .bool: return "b"
        case .int8, .int16, .int32, .int64: return "i"
        case .uint8, .uint16, .uint32, .uint64: return "u"
        case .float16, .float32, .float64: return "f"
        }
    }

    /// The little-endian type string written into `.npy` headers, e.g. `"<f4"`
    /// (one-byte types use `|`, as NumPy does: `"|b1"`, `"|i1"`, `"|u1"`).
    public var descr: String {
        (itemSize == 1 ? "|" : "<") + String(kind) + String(itemSize)
    }

    /// True for float16, float32 and float64.
    public var isFloatingPoint: Bool { kind == "f" }

    /// True for the signed and unsigned integer types (not bool).
    public var isInteger: Bool { kind == "i" || kind == "u" }

    /// The type with NumPy kind character `kind` and `itemSize` bytes per element, if Swiftlet supports it.
    public init?(kind: Character, itemSize: Int) {
        guard let match = NumPyDType.allCases.first(where: { $0.kind == kind && $0.itemSize == itemSize }) else {
            return nil
        }
        self = match
    }
}
