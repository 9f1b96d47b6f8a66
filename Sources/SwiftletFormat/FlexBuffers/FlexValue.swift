/// One FlexBuffers value: where its slot is, how wide the slot is, and its type.
/// Reading it checks every byte it touches.
public struct FlexValue {
    let bytes: UnsafeRawBufferPointer
    /// Byte offset of the slot holding the value (inline) or the offset to it.
    let position: Int
    /// Width of the slot (the enclosing vector's element width).
    let parentWidth: Int
    /// Width of the pointed-to data (indirect scalars, vector elements).
    let byteWidth: Int
    /// The value's type.
    public let type: FlexType

    init(bytes: UnsafeRawBufferPointer, position: Int, parentWidth: Int, packedType: UInt8) {
        self.bytes = bytes
        self.position = position
        self.parentWidth = parentWidth
        self.byteWidth = 1 << Int(packedType & 3)
        self.type = FlexType(rawValue: packedType >> 2)
    }

    init(bytes: UnsafeRawBufferPointer, position: Int, parentWidth: Int, byteWidth: Int, type: FlexType) {
        self.bytes = bytes
        self.position = position
        self.parentWidth = parentWidth
        self.byteWidth = byteWidth
        self.type = type
    }

    static func isValidWidth(_ width: Int) -> Bool { width == 1 || width == 2 || width == 4 || width == 8 }

    // MARK: Scalars

    /// The value as a signed integer (ints, uints, bools; floats with an integral value).
    public func asInt64() throws(FormatError) -> Int64 {
        switch type {
        case .int: return try Self.readInt(bytes, position, parentWidth)
        case .uint, .bool: return try Self.nonNegative(Self.readUInt(bytes, position, parentWidth), position)
        case .indirectInt: return try Self.readInt(bytes, indirect(), byteWidth)
        case .indirectUInt: return try Self.nonNegative(Self.readUInt(bytes, indirect(), byteWidth), position)
        case .float, .indirectFloat:
            let value = try asDouble()
            guard value.isFinite, value >= -9.2e18, value <= 9.2e18 else {
                throw .invalidFlexBuffer(reason: "float value does not fit an integer", offset: position)
            }
            return Int64(value)
        default: throw .invalidFlexBuffer(reason: "value is not a number", offset: position)
        }
    }

    /// The value as an `Int32`; throws if it does not fit.
    public func asInt32() throws(FormatError) -> Int32 {
        let value = try asInt64()
        guard value >= Int64(Int32.min), value <= Int64(Int32.max) else {
            throw .invalidFlexBuffer(reason: "integer does not fit 32 bits", offset: position)
        }
        return Int32(value)
    }

    /// The value as a floating-point number (floats and integers).
    public func asDouble() throws(FormatError) -> Double {
        switch type {
        case .float: return try Self.readFloat(bytes, position, parentWidth)
        case .indirectFloat: return try Self.readFloat(bytes, indirect(), byteWidth)
        case .uint, .bool: return Double(try Self.readUInt(bytes, position, parentWidth))
        case .indirectUInt: return Double(try Self.readUInt(bytes, indirect(), byteWidth))
        case .int, .indirectInt: return Double(try asInt64())
        default: throw .invalidFlexBuffer(reason: "value is not a number", offset: position)
        }
    }

    /// The value as a `Float`.
    public func asFloat() throws(FormatError) -> Float { Float(try asDouble()) }

    /// The value as a boolean (bools, and integers compared with zero).
    public func asBool() throws(FormatError) -> Bool {
        switch type {
        case .bool, .uint: return try Self.readUInt(bytes, position, parentWidth) != 0
        case .int: return try Self.readInt(bytes, position, parentWidth) != 0
        case .indirectInt, .indirectUInt: return try Self.readUInt(bytes, indirect(), byteWidth) != 0
        default: throw .invalidFlexBuffer(reason: "value is not a boolean", offset: position)
        }
    }

    // MARK: Containers

    /// The value as a map (keys sorted, as FlexBuffers writes them).
    public func asMap() throws(FormatError) -> FlexMap {
        guard type == .map else { throw .invalidFlexBuffer(reason: "value is not a map", offset: position) }
        return try FlexMap(bytes: bytes, data: indirect(), width: byteWidth)
    }

    /// The value as a vector: untyped, typed (`[Int]`, `[Float]`, ...) or fixed-length typed.
    public func asVector() throws(FormatError) -> FlexVector {
        if type == .vector || type == .map {
            return try FlexVector(bytes: bytes, data: indirect(), width: byteWidth, elementType: nil, fixedCount: nil)
        }
        guard let typed = type.typedVector else { throw .invalidFlexBuffer(reason: "value is not a vector", offset: position) }
        return try FlexVector(bytes: bytes, data: indirect(), width: byteWidth, elementType: typed.element, fixedCount: typed.fixedCount)
    }

    /// Whether the value is a key or string equal to `text`.
    public func equals(_ text: StaticString) throws(FormatError) -> Bool {
        guard type == .key || type == .string else { return false }
        let start = try indirect()
        return try Self.keyEquals(bytes, start, text)
    }

    // MARK: Checked primitives

    /// Follows the offset in this value's slot (backwards).
    func indirect() throws(FormatError) -> Int {
        try Self.follow(bytes, position, parentWidth)
    }

    /// The position `at - offset`, where `offset` is the unsigned value at `at`.
    static func follow(_ bytes: UnsafeRawBufferPointer, _ at: Int, _ width: Int) throws(FormatError) -> Int {
        let offset = try readUInt(bytes, at, width)
        guard offset <= UInt64(at) else { throw .invalidFlexBuffer(reason: "offset points before the buffer", offset: at) }
        return at - Int(offset)
    }

    static func readUInt(_ bytes: UnsafeRawBufferPointer, _ at: Int, _ width: Int) throws(FormatError) -> UInt64 {
        guard isValidWidth(width) else { throw .invalidFlexBuffer(reason: "byte width is not 1, 2, 4 or 8", offset: at) }
        guard at >= 0, at <= bytes.count - width else { throw .invalidFlexBuffer(reason: "value reaches outside the buffer", offset: at) }
        var value: UInt64 = 0
        for index in 0..<width { value |= UInt64(bytes[at + index]) << UInt64(8 * index) }
        return value
    }

    static func readInt(_ bytes: UnsafeRawBufferPointer, _ at: Int, _ width: Int) throws(FormatError) -> Int64 {
        let raw = try readUInt(bytes, at, width)
        let shift = UInt64(64 - 8 * width)
        return Int64(bitPattern: raw << shift) >> Int64(shift)
    }

    static func readFloat(_ bytes: UnsafeRawBufferPointer, _ at: Int, _ width: Int) throws(FormatError) -> Double {
        switch width {
        case 4: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: try readUInt(bytes, at, 4))))
        case 8: return Double(bitPattern: try readUInt(bytes, at, 8))
        default: throw .invalidFlexBuffer(reason: "float width is not 4 or 8", offset: at)
        }
    }

    static func nonNegative(_ value: UInt64, _ at: Int) throws(FormatError) -> Int64 {
        guard value <= UInt64(Int64.max) else { throw .invalidFlexBuffer(reason: "unsigned value does not fit 63 bits", offset: at) }
        return Int64(value)
    }

    /// Compares the zero-terminated key at `start` with `text`, checking bounds.
    static func keyEquals(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ text: StaticString) throws(FormatError) -> Bool {
        let length = text.utf8CodeUnitCount
        let characters = UnsafeBufferPointer(start: text.utf8Start, count: length)
        var index = 0
        while true {
            guard start + index < bytes.count else { throw .invalidFlexBuffer(reason: "key has no terminating zero", offset: start) }
            let byte = bytes[start + index]
            if index == length { return byte == 0 }
            if byte != characters[index] {
                // Still make sure the key is terminated, so a bad buffer is reported consistently.
                var end = start + index
                while end < bytes.count, bytes[end] != 0 { end += 1 }
                guard end < bytes.count else { throw .invalidFlexBuffer(reason: "key has no terminating zero", offset: start) }
                return false
            }
            index += 1
        }
    }
}
