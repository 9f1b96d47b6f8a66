/// The reductions, FILL, L2_NORMALIZATION and LOG_SOFTMAX by name: `OpResolver([.sum, .reduceMax])`.
extension KernelRegistration {
    /// REDUCE_MAX (float32, int8, int16, int32).
    public static var reduceMax: KernelRegistration { Reduction<ReduceMaxOperation>.registration }
    /// REDUCE_MIN (float32, int8, int16, int32).
    public static var reduceMin: KernelRegistration { Reduction<ReduceMinOperation>.registration }
    /// SUM (float32, int8, int16, int32).
    public static var sum: KernelRegistration { Reduction<SumOperation>.registration }
    /// REDUCE_ALL (bool).
    public static var reduceAll: KernelRegistration { Reduction<ReduceAllOperation>.registration }
    /// FILL (any element type).
    public static var fill: KernelRegistration { Fill.registration }
    /// L2_NORMALIZATION (float32, int8).
    public static var l2Normalization: KernelRegistration { L2Normalization.registration }
    /// L2_POOL_2D (float32).
    public static var l2Pool2D: KernelRegistration { L2Pool2D.registration }
    /// LOG_SOFTMAX (float32, int8).
    public static var logSoftmax: KernelRegistration { LogSoftmax.registration }
}
