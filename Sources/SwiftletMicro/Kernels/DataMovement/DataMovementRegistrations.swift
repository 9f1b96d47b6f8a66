/// The data-movement kernels by name: `OpResolver([.reshape, .pad, .concatenation])`.
extension KernelRegistration {
    /// RESHAPE (any element type; output aliases the input when it can).
    public static var reshape: KernelRegistration { Reshape.registration }
    /// SQUEEZE (any element type; output aliases the input when it can).
    public static var squeeze: KernelRegistration { Squeeze.registration }
    /// EXPAND_DIMS (any element type; output aliases the input when it can).
    public static var expandDims: KernelRegistration { ExpandDims.registration }
    /// PAD (float32, int8, int16, int32).
    public static var pad: KernelRegistration { Pad.registration }
    /// PADV2 (float32, int8, int16, int32).
    public static var padV2: KernelRegistration { PadV2.registration }
    /// CONCATENATION (bool, float32, int8, int16, int32, int64).
    public static var concatenation: KernelRegistration { Concatenation.registration }
    /// STRIDED_SLICE (float32, int8, int16, int32, bool).
    public static var stridedSlice: KernelRegistration { StridedSlice.registration }
    /// TRANSPOSE (float32, int8, int16, int32).
    public static var transpose: KernelRegistration { Transpose.registration }
}
