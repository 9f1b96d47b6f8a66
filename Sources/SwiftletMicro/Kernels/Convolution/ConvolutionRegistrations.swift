/// The convolution kernels, by name: `OpResolver([.conv2D, .depthwiseConv2D, .transposeConv])`.
extension KernelRegistration {
    /// CONV_2D: float32, int8, int16x8.
    public static var conv2D: KernelRegistration { Conv2D.registration }
    /// DEPTHWISE_CONV_2D: float32, int8, int16x8.
    public static var depthwiseConv2D: KernelRegistration { DepthwiseConv2D.registration }
    /// TRANSPOSE_CONV: float32, int8, int16x8.
    public static var transposeConv: KernelRegistration { TransposeConv.registration }
}
