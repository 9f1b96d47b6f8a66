/// The transcendental activations by name: `OpResolver([.softmax, .logistic, .tanh])`.
extension KernelRegistration {
    /// SOFTMAX: float32, int8 → int8/int16, int16.
    public static var softmax: KernelRegistration { Softmax.registration }
    /// LOGISTIC (sigmoid): float32, int8, int16.
    public static var logistic: KernelRegistration { Logistic.registration }
    /// TANH: float32, int8, int16.
    public static var tanh: KernelRegistration { Tanh.registration }
}
