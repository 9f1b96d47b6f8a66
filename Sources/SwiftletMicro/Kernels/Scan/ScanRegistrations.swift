/// The scan kernels by name: `OpResolver([.cumsum])`.
extension KernelRegistration {
    /// CUMSUM (float32, int8, int32, int64; exclusive and reverse).
    public static var cumsum: KernelRegistration { Cumsum.registration }
}
