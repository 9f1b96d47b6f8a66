/// A FlexBuffers vector. Its length and element area were checked against the
/// buffer when it was made; elements are checked again when read.
public struct FlexVector {
    let bytes: UnsafeRawBufferPointer
    let data: Int
    let width: Int
    /// Nil for untyped vectors (each element carries a packed type byte after the data).
    let elementType: FlexType?
    /// Number of elements.
    public let count: Int

    init(bytes: UnsafeRawBufferPointer, data: Int, width: Int, elementType: FlexType?, fixedCount: Int?) throws(FormatError) {
        guard FlexValue.isValidWidth(width) else { throw .invalidFlexBuffer(reason: "vector byte width is not 1, 2, 4 or 8", offset: data) }
        self.bytes = bytes
        self.data = data
        self.width = width
        self.elementType = elementType
        let length: UInt64
        if let fixedCount {
            length = UInt64(fixedCount)
        } else {
            guard data >= width else { throw .invalidFlexBuffer(reason: "vector length lies before the buffer", offset: data) }
            length = try FlexValue.readUInt(bytes, data - width, width)
        }
        // Element slots, plus one type byte per element for untyped vectors.
        let perElement = UInt64(width + (elementType == nil ? 1 : 0))
        guard data >= 0, data <= bytes.count, length <= UInt64(bytes.count - data) / perElement else {
            throw .invalidFlexBuffer(reason: "vector reaches outside the buffer", offset: data)
        }
        count = Int(length)
    }

    /// Element `index`; throws if it is past the end.
    public func element(_ index: Int) throws(FormatError) -> FlexValue {
        guard index >= 0, index < count else { throw .invalidFlexBuffer(reason: "vector index out of range", offset: data) }
        let slot = data + index * width
        if let elementType {
            return FlexValue(bytes: bytes, position: slot, parentWidth: width, byteWidth: width, type: elementType)
        }
        return FlexValue(bytes: bytes, position: slot, parentWidth: width, packedType: bytes[data + count * width + index])
    }
}

/// A FlexBuffers map: a vector of values with a parallel vector of keys.
public struct FlexMap {
    /// The values, in key order.
    public let values: FlexVector
    let keysData: Int
    let keysWidth: Int

    init(bytes: UnsafeRawBufferPointer, data: Int, width: Int) throws(FormatError) {
        values = try FlexVector(bytes: bytes, data: data, width: width, elementType: nil, fixedCount: nil)
        guard data >= 3 * width else { throw .invalidFlexBuffer(reason: "map header lies before the buffer", offset: data) }
        let keysSlot = data - 3 * width
        keysData = try FlexValue.follow(bytes, keysSlot, width)
        let keysWidth64 = try FlexValue.readUInt(bytes, data - 2 * width, width)
        guard keysWidth64 <= 8, FlexValue.isValidWidth(Int(keysWidth64)) else {
            throw .invalidFlexBuffer(reason: "map key width is not 1, 2, 4 or 8", offset: data - 2 * width)
        }
        keysWidth = Int(keysWidth64)
        let keys = try FlexVector(bytes: bytes, data: keysData, width: keysWidth, elementType: .key, fixedCount: nil)
        guard keys.count == values.count else { throw .invalidFlexBuffer(reason: "map has a different number of keys and values", offset: data) }
    }

    /// Number of entries.
    public var count: Int { values.count }

    /// Whether the key of entry `index` is `key`.
    public func keyEquals(_ index: Int, _ key: StaticString) throws(FormatError) -> Bool {
        guard index >= 0, index < count else { throw .invalidFlexBuffer(reason: "map index out of range", offset: keysData) }
        let start = try FlexValue.follow(values.bytes, keysData + index * keysWidth, keysWidth)
        return try FlexValue.keyEquals(values.bytes, start, key)
    }

    /// The value stored under `key`, or nil.
    public func value(_ key: StaticString) throws(FormatError) -> FlexValue? {
        for index in 0..<count {
            if try keyEquals(index, key) { return try values.element(index) }
        }
        return nil
    }

    /// The value stored under `key`; throws naming the key if it is absent.
    public func required(_ key: StaticString) throws(FormatError) -> FlexValue {
        guard let value = try value(key) else { throw .missingFlexBufferKey(key) }
        return value
    }

    /// The integer stored under `key` (must fit 32 bits). A value of the wrong
    /// type throws `FormatError.invalidFlexBufferValue` naming the key.
    public func int32(_ key: StaticString) throws(FormatError) -> Int32 {
        let value = try required(key)
        return try Self.naming(key) { () throws(FormatError) in try value.asInt32() }
    }
    /// The number stored under `key` as a `Float`.
    public func float(_ key: StaticString) throws(FormatError) -> Float {
        let value = try required(key)
        return try Self.naming(key) { () throws(FormatError) in try value.asFloat() }
    }
    /// The boolean stored under `key`.
    public func bool(_ key: StaticString) throws(FormatError) -> Bool {
        let value = try required(key)
        return try Self.naming(key) { () throws(FormatError) in try value.asBool() }
    }

    /// Runs a conversion of `key`'s value; its failure is reported against the key.
    public static func naming<T>(_ key: StaticString, _ convert: () throws(FormatError) -> T) throws(FormatError) -> T {
        do {
            return try convert()
        } catch {
            if case .invalidFlexBuffer(let reason, _) = error { throw .invalidFlexBufferValue(key: key, reason: reason) }
            throw error
        }
    }
}
