/// The matrix kernels by name: `OpResolver([.batchMatMul])`.
extension KernelRegistration {
    /// BATCH_MATMUL (float32, int8, int16; ranks 2–5, broadcast batch axes, adj_x/adj_y).
    public static var batchMatMul: KernelRegistration { BatchMatMul.registration }
}
