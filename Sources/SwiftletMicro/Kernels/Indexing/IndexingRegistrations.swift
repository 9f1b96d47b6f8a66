/// The index-driven kernels by name: `OpResolver([.gather, .argMax])`.
extension KernelRegistration {
    /// ARG_MAX (float32, int8, int16, int32 input; int32 or int64 output).
    public static var argMax: KernelRegistration { ArgMinMax.argMaxRegistration }
    /// ARG_MIN (float32, int8, int16, int32 input; int32 or int64 output).
    public static var argMin: KernelRegistration { ArgMinMax.argMinRegistration }
    /// GATHER (any fixed-width params; int32 or int64 indices).
    public static var gather: KernelRegistration { Gather.registration }
    /// GATHER_ND (any fixed-width params; int32 or int64 indices).
    public static var gatherNd: KernelRegistration { GatherNd.registration }
    /// EMBEDDING_LOOKUP (float32, int8, and int8 tables dequantized to float32).
    public static var embeddingLookup: KernelRegistration { EmbeddingLookup.registration }
}
