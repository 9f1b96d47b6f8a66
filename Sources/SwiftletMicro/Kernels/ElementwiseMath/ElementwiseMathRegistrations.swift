/// The single-input math kernels by name: `OpResolver([.sin, .exp, .cast])`.
extension KernelRegistration {
    /// ABS (float32, int8, int16, int32).
    public static var abs: KernelRegistration { Abs.registration }
    /// NEG (float32, int32, int64).
    public static var neg: KernelRegistration { Neg.registration }
    /// CEIL (float32).
    public static var ceil: KernelRegistration { UnaryMath<CeilFunction>.registration }
    /// FLOOR (float32).
    public static var floor: KernelRegistration { UnaryMath<FloorFunction>.registration }
    /// ROUND (float32, halves to even).
    public static var round: KernelRegistration { UnaryMath<RoundFunction>.registration }
    /// SQRT (float32; int8 as LiteRT).
    public static var sqrt: KernelRegistration { UnaryMath<SquareRootFunction>.registration }
    /// RSQRT (float32, int8, int16).
    public static var rsqrt: KernelRegistration { Rsqrt.registration }
    /// SQUARE (float32).
    public static var square: KernelRegistration { UnaryMath<SquareFunction>.registration }
    /// EXP (float32; int8 as LiteRT).
    public static var exp: KernelRegistration { UnaryMath<ExpFunction>.registration }
    /// LOG (float32; int8 as LiteRT).
    public static var log: KernelRegistration { UnaryMath<LogFunction>.registration }
    /// SIN (float32).
    public static var sin: KernelRegistration { UnaryMath<SineFunction>.registration }
    /// COS (float32).
    public static var cos: KernelRegistration { UnaryMath<CosineFunction>.registration }
    /// LOGICAL_NOT (bool).
    public static var logicalNot: KernelRegistration { LogicalNot.registration }
    /// ZEROS_LIKE (float32, int32, int64).
    public static var zerosLike: KernelRegistration { ZerosLike.registration }
    /// CAST (float32, int8, uint8, int16, int32, int64, bool, every direction).
    public static var cast: KernelRegistration { Cast.registration }
    /// ELU (float32, int8).
    public static var elu: KernelRegistration { Elu.registration }
    /// GELU (float32, int8; beyond TFLM, as LiteRT).
    public static var gelu: KernelRegistration { Gelu.registration }
    /// RELU_N1_TO_1 (float32, int8; beyond TFLM, as LiteRT).
    public static var reluN1To1: KernelRegistration { ReluN1To1.registration }
}
