/// CRC-32C (Castagnoli), the checksum LevelDB tables and TensorFlow's tensor bundles use, and
/// LevelDB's "masked" form of it.
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { index -> UInt32 in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// The CRC-32C of `bytes[range]`.
    static func checksum(_ bytes: [UInt8], _ range: Range<Int>, initial: UInt32 = 0) -> UInt32 {
        var crc = ~initial
        for index in range { crc = table[Int((crc ^ UInt32(bytes[index])) & 0xFF)] ^ (crc >> 8) }
        return ~crc
    }

    /// LevelDB's masking of a stored CRC (so that a CRC of data holding CRCs stays useful).
    static func masked(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
