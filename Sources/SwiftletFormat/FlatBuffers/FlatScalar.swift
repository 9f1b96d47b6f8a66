/// A fixed-size little-endian value that FlatBuffers stores inline.
public protocol FlatScalar: Equatable {
    /// Bytes the value occupies.
    static var byteSize: Int { get }
    /// Reads a value at `offset` of `bytes`. The caller has proven the range valid.
    static func load(from bytes: UnsafeRawBufferPointer, at offset: Int) -> Self
    /// Appends the value's little-endian bytes.
    func appendBytes(to bytes: inout [UInt8])
}

extension FlatScalar where Self: FixedWidthInteger {
    @inlinable public static var byteSize: Int { MemoryLayout<Self>.size }
    @inlinable public static func load(from bytes: UnsafeRawBufferPointer, at offset: Int) -> Self {
        Self(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Self.self))
    }
    @inlinable public func appendBytes(to bytes: inout [UInt8]) {
        var value = self.littleEndian
        for _ in 0..<MemoryLayout<Self>.size {
            bytes.append(UInt8(truncatingIfNeeded: value))
            value = value >> 8
        }
    }
}

extension Int8: FlatScalar {}
extension UInt8: FlatScalar {}
extension Int16: FlatScalar {}
extension UInt16: FlatScalar {}
extension Int32: FlatScalar {}
extension UInt32: FlatScalar {}
extension Int64: FlatScalar {}
extension UInt64: FlatScalar {}

extension Bool: FlatScalar {
    @inlinable public static var byteSize: Int { 1 }
    @inlinable public static func load(from bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        bytes[offset] != 0
    }
    @inlinable public func appendBytes(to bytes: inout [UInt8]) { bytes.append(self ? 1 : 0) }
}

extension Float: FlatScalar {
    @inlinable public static var byteSize: Int { 4 }
    @inlinable public static func load(from bytes: UnsafeRawBufferPointer, at offset: Int) -> Float {
        Float(bitPattern: UInt32.load(from: bytes, at: offset))
    }
    @inlinable public func appendBytes(to bytes: inout [UInt8]) { bitPattern.appendBytes(to: &bytes) }
}

extension Double: FlatScalar {
    @inlinable public static var byteSize: Int { 8 }
    @inlinable public static func load(from bytes: UnsafeRawBufferPointer, at offset: Int) -> Double {
        Double(bitPattern: UInt64.load(from: bytes, at: offset))
    }
    @inlinable public func appendBytes(to bytes: inout [UInt8]) { bitPattern.appendBytes(to: &bytes) }
}
