/// Encodes a `NumPyArray` as the bytes of a `.npy` file, exactly as `numpy.save` would.
enum NpyWriter {
    /// The complete `.npy` file: version 1.0 header (2.0 if it would exceed 65535 bytes),
    /// little-endian descr, C order, data starting at a multiple of 64 bytes.
    static func encode(_ array: NumPyArray) -> [UInt8] {
        NpyHeader.encode(dtype: array.dtype, shape: array.shape) + array.data
    }
}
