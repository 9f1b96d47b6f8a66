/// A verified reader of FlexBuffers, the schemaless format of custom operators'
/// options (`Operator.customOptions`).
///
/// Every offset, width and length is checked against the buffer before it is
/// followed, so a damaged buffer throws `FormatError.invalidFlexBuffer` and never
/// reads outside `bytes`. Offsets always point backwards (towards the start), as
/// FlexBuffers writers lay them out, which also rules out cycles.
///
/// ```swift
/// let options = try FlexBuffer(bytes: op.customOptions).root().asMap()
/// let shift = try options.int32("shift")
/// ```
public struct FlexBuffer {
    /// The whole buffer; the root reference sits at its end.
    public let bytes: UnsafeRawBufferPointer

    /// A reader over `bytes` (not copied: keep them alive while reading).
    public init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The root value: the last byte is its width, the one before its packed type.
    public func root() throws(FormatError) -> FlexValue {
        let count = bytes.count
        guard count >= 3 else { throw .invalidFlexBuffer(reason: "buffer is shorter than a root reference", offset: 0) }
        let width = Int(bytes[count - 1])
        guard FlexValue.isValidWidth(width) else { throw .invalidFlexBuffer(reason: "root byte width is not 1, 2, 4 or 8", offset: count - 1) }
        let packed = bytes[count - 2]
        let position = count - 2 - width
        guard position >= 0 else { throw .invalidFlexBuffer(reason: "root value starts before the buffer", offset: count - 2) }
        return FlexValue(bytes: bytes, position: position, parentWidth: width, packedType: packed)
    }
}

/// The type of a FlexBuffers value (the high six bits of a packed type byte).
public struct FlexType: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let null = FlexType(rawValue: 0)
    public static let int = FlexType(rawValue: 1)
    public static let uint = FlexType(rawValue: 2)
    public static let float = FlexType(rawValue: 3)
    public static let key = FlexType(rawValue: 4)
    public static let string = FlexType(rawValue: 5)
    public static let indirectInt = FlexType(rawValue: 6)
    public static let indirectUInt = FlexType(rawValue: 7)
    public static let indirectFloat = FlexType(rawValue: 8)
    public static let map = FlexType(rawValue: 9)
    public static let vector = FlexType(rawValue: 10)
    public static let vectorInt = FlexType(rawValue: 11)
    public static let vectorUInt = FlexType(rawValue: 12)
    public static let vectorFloat = FlexType(rawValue: 13)
    public static let vectorKey = FlexType(rawValue: 14)
    public static let vectorString = FlexType(rawValue: 15)
    public static let blob = FlexType(rawValue: 25)
    public static let bool = FlexType(rawValue: 26)
    public static let vectorBool = FlexType(rawValue: 36)

    /// Typed vectors: the type of their elements and, for fixed-length ones, their length.
    var typedVector: (element: FlexType, fixedCount: Int?)? {
        switch rawValue {
        case 11...15: return (FlexType(rawValue: rawValue - 11 + 1), nil)
        case 16...24: return (FlexType(rawValue: (rawValue - 16) % 3 + 1), Int((rawValue - 16) / 3) + 2)
        case 36: return (.bool, nil)
        default: return nil
        }
    }
}
