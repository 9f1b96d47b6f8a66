/// The reduction kernels, by name: `OpResolver([.mean])`.
extension KernelRegistration {
    /// MEAN (float32, int8, int16).
    public static var mean: KernelRegistration { Mean.registration }
}
