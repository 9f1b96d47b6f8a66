/// The element-wise kernels by name: `OpResolver([.add, .mul, .relu])`.
extension KernelRegistration {
    /// ADD (float32, int8, int16; broadcasting; fused activation).
    public static var add: KernelRegistration { Add.registration }
    /// SUB (float32, int8, int16; broadcasting; fused activation).
    public static var sub: KernelRegistration { Sub.registration }
    /// MUL (float32, int8, int16; broadcasting; fused activation).
    public static var mul: KernelRegistration { Mul.registration }
    /// RELU (float32, int8, int16).
    public static var relu: KernelRegistration { Relu.registration }
    /// RELU6 (float32, int8, int16).
    public static var relu6: KernelRegistration { Relu6.registration }
    /// LEAKY_RELU (float32, int8, int16).
    public static var leakyRelu: KernelRegistration { LeakyRelu.registration }
    /// HARD_SWISH (float32, int8).
    public static var hardSwish: KernelRegistration { HardSwish.registration }
}
