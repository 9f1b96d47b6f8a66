/// The broadcasting math, comparison and selection kernels by name: `OpResolver([.div, .equal])`.
extension KernelRegistration {
    /// DIV (float32, int32, int8; broadcasting; fused activation).
    public static var div: KernelRegistration { Div.registration }
    /// FLOOR_DIV (float32, int32).
    public static var floorDiv: KernelRegistration { FloorDivMod<FloorDivision>.registration }
    /// FLOOR_MOD (float32, int32, int64).
    public static var floorMod: KernelRegistration { FloorDivMod<FloorModulo>.registration }
    /// MAXIMUM (float32, int8, int16, int32, int64).
    public static var maximum: KernelRegistration { MaximumMinimum<MaximumChoice>.registration }
    /// MINIMUM (float32, int8, int16, int32, int64).
    public static var minimum: KernelRegistration { MaximumMinimum<MinimumChoice>.registration }
    /// SQUARED_DIFFERENCE (float32, int32, int8, int16).
    public static var squaredDifference: KernelRegistration { SquaredDifference.registration }
    /// EQUAL (float32, int8, int16, int32, int64, bool).
    public static var equal: KernelRegistration { Comparison<EqualPredicate>.registration }
    /// NOT_EQUAL (float32, int8, int16, int32, int64, bool).
    public static var notEqual: KernelRegistration { Comparison<NotEqualPredicate>.registration }
    /// GREATER (float32, int8, int16, int32, int64).
    public static var greater: KernelRegistration { Comparison<GreaterPredicate>.registration }
    /// GREATER_EQUAL (float32, int8, int16, int32, int64).
    public static var greaterEqual: KernelRegistration { Comparison<GreaterEqualPredicate>.registration }
    /// LESS (float32, int8, int16, int32, int64).
    public static var less: KernelRegistration { Comparison<LessPredicate>.registration }
    /// LESS_EQUAL (float32, int8, int16, int32, int64).
    public static var lessEqual: KernelRegistration { Comparison<LessEqualPredicate>.registration }
    /// LOGICAL_AND (bool).
    public static var logicalAnd: KernelRegistration { Logical<AndOperator>.registration }
    /// LOGICAL_OR (bool).
    public static var logicalOr: KernelRegistration { Logical<OrOperator>.registration }
    /// SELECT_V2 (any element type; condition, x and y broadcast).
    public static var selectV2: KernelRegistration { Select.registrationV2 }
    /// SELECT (v1; beyond TFLM, as LiteRT).
    public static var select: KernelRegistration { Select.registrationV1 }
    /// ADD_N (float32, int32, int8).
    public static var addN: KernelRegistration { AddN.registration }
    /// PRELU (float32, int8; alpha broadcast).
    public static var prelu: KernelRegistration { Prelu.registration }
}
