/// The pooling kernels, by name: `OpResolver([.averagePool2D, .maxPool2D])`.
extension KernelRegistration {
    /// AVERAGE_POOL_2D (float32, int8, int16).
    public static var averagePool2D: KernelRegistration { AveragePool2D.registration }
    /// MAX_POOL_2D (float32, int8, int16).
    public static var maxPool2D: KernelRegistration { MaxPool2D.registration }
}
