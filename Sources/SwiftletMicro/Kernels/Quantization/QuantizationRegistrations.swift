/// The quantization kernels by name: `OpResolver([.quantize, .dequantize])`.
extension KernelRegistration {
    /// QUANTIZE (float32 → int8/int16, and integer requantization).
    public static var quantize: KernelRegistration { Quantize.registration }
    /// DEQUANTIZE (int8/int16/uint8 → float32).
    public static var dequantize: KernelRegistration { Dequantize.registration }
}
