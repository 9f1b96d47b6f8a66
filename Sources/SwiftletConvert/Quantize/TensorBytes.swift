/// Little-endian element (de)serialization of constant buffers.
enum TensorBytes {
    static func floats(_ bytes: [UInt8]) -> [Float] {
        let count = bytes.count / 4
        return (0..<count).map { i in
            let bits = UInt32(bytes[4 * i]) | UInt32(bytes[4 * i + 1]) << 8 | UInt32(bytes[4 * i + 2]) << 16 | UInt32(bytes[4 * i + 3]) << 24
            return Float(bitPattern: bits)
        }
    }

    static func bytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(values.count * MemoryLayout<T>.size)
        for value in values {
            var little = value.littleEndian
            withUnsafeBytes(of: &little) { result.append(contentsOf: $0) }
        }
        return result
    }

    static func float16Bytes(_ values: [Float]) -> [UInt8] {
        bytes(values.map { Float16($0).bitPattern })
    }
}
