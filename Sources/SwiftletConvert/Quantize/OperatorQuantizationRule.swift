import SwiftletFormat

/// How the quantizer treats one operator: where its weights and bias are, what its output's
/// parameters are, and the version TF writes for the quantized operator.
struct OperatorQuantizationRule {
    enum Output {
        /// Own parameters from the calibrated range.
        case free
        /// Every output takes the data input's parameters (`dataInput`).
        case sameAsInput
        /// Fixed parameters: int8 (scale, zero point); int16 (scale, zero point 0), nil when the
        /// 16x8 quantizer has no fixed parameters for the operator.
        case fixed(int8Scale: Float, int8ZeroPoint: Int64, int16Scale: Float?)
        /// Inputs and output share the output's parameters (requantizing inputs that cannot follow).
        case concatenation
        /// int8: like CONCATENATION, the output keeps its calibrated parameters and pushes them back
        /// onto its inputs (MAXIMUM, MINIMUM compare raw values), through chains of such operators;
        /// a constant operand is quantized with them. 16x8: own parameters, as `free`.
        case sharedWithOutput
    }

    /// Input index of the weight (filter) tensor, if any.
    var weightInput: Int? = nil
    /// Per-channel axis of the weights.
    var weightAxis: Int = 0
    /// Whether the weights are always quantized with one scale (PRELU's alpha), even when
    /// per-channel quantization is on.
    var weightPerTensor = false
    /// Input index of the bias, if any.
    var biasInput: Int? = nil
    /// Input index of the activation whose scale the bias scale multiplies (TRANSPOSE_CONV's is 2).
    var activationInput = 0
    var output: Output = .free
    /// The input whose parameters a same-scale operator passes on (SPLIT's data is input 1).
    var dataInput = 0
    /// Constant inputs quantized with the output's parameters rather than their own range
    /// (PADV2's padding value).
    var constantsWithOutputParameters: [Int] = []
    /// The version TF 2.21 writes for the int8 and the 16x8 operator (at least: options that raise
    /// the float operator's version raise the quantized one's too).
    var version: Int32
    /// Whether the 16x8 mode handles the operator (rules taken from TF's MLIR int8 quantizer only).
    var int16 = true

    /// Operators the full-integer quantizer handles.
    static func rule(for code: BuiltinOperator) -> OperatorQuantizationRule? {
        switch code {
        case .conv2D: return OperatorQuantizationRule(weightInput: 1, weightAxis: 0, biasInput: 2, version: 3)
        case .depthwiseConv2D: return OperatorQuantizationRule(weightInput: 1, weightAxis: 3, biasInput: 2, version: 3)
        case .fullyConnected: return OperatorQuantizationRule(weightInput: 1, weightAxis: 0, biasInput: 2, version: 4)
        case .add, .sub, .mul, .mean, .relu, .relu6, .leakyRelu:
            return OperatorQuantizationRule(version: 2)
        case .maximum, .minimum:
            return OperatorQuantizationRule(output: .sharedWithOutput, constantsWithOutputParameters: [0, 1], version: 2)
        case .hardSwish: return OperatorQuantizationRule(version: 1)
        case .averagePool2D, .maxPool2D, .reduceMax, .pad, .transpose, .stridedSlice:
            return OperatorQuantizationRule(output: .sameAsInput, version: 2)
        case .reshape, .squeeze, .expandDims:
            return OperatorQuantizationRule(output: .sameAsInput, version: 1)
        case .concatenation: return OperatorQuantizationRule(output: .concatenation, version: 2)
        case .logistic, .softmax:
            return OperatorQuantizationRule(output: .fixed(int8Scale: 1.0 / 256, int8ZeroPoint: -128, int16Scale: 1.0 / 32768), version: 2)
        case .tanh:
            return OperatorQuantizationRule(output: .fixed(int8Scale: 1.0 / 128, int8ZeroPoint: 0, int16Scale: 1.0 / 32768), version: 2)
        // From TF's MLIR int8 quantizer (checked against TF 2.21 by the `operators` quantization fixture).
        case .padv2:
            return OperatorQuantizationRule(output: .sameAsInput, constantsWithOutputParameters: [2], version: 2, int16: false)
        case .gather, .slice, .spaceToDepth, .depthToSpace, .spaceToBatchNd, .batchToSpaceNd,
             .resizeBilinear, .resizeNearestNeighbor, .splitV:
            return OperatorQuantizationRule(output: .sameAsInput, version: 2, int16: false)
        case .split:
            return OperatorQuantizationRule(output: .sameAsInput, dataInput: 1, version: 2, int16: false)
        case .prelu:
            return OperatorQuantizationRule(weightInput: 1, weightPerTensor: true, version: 1, int16: false)
        case .batchMatmul, .gelu:
            return OperatorQuantizationRule(version: 2, int16: false)
        case .transposeConv:
            return OperatorQuantizationRule(weightInput: 1, weightAxis: 0, biasInput: 3, activationInput: 2, version: 2, int16: false)
        // TF 2.21 leaves ELU in float (DEQUANTIZE, ELU, QUANTIZE); TFLM's int8 ELU (a table over
        // the input and output parameters, version 1) runs it with its own output range.
        case .elu:
            return OperatorQuantizationRule(version: 1, int16: false)
        case .logSoftmax:
            return OperatorQuantizationRule(output: .fixed(int8Scale: 16.0 / 256, int8ZeroPoint: 127, int16Scale: nil), version: 2, int16: false)
        case .l2Normalization:
            return OperatorQuantizationRule(output: .fixed(int8Scale: 1.0 / 128, int8ZeroPoint: 0, int16Scale: nil), version: 2, int16: false)
        default: return nil
        }
    }

    static let supportedNames = "CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, SUB, MUL, MEAN, RELU, RELU6, LEAKY_RELU, MAXIMUM, MINIMUM, HARD_SWISH, AVERAGE_POOL_2D, MAX_POOL_2D, REDUCE_MAX, PAD, TRANSPOSE, STRIDED_SLICE, RESHAPE, SQUEEZE, EXPAND_DIMS, CONCATENATION, LOGISTIC, SOFTMAX, TANH; int8 only: TRANSPOSE_CONV, ELU, PADV2, GATHER, SLICE, SPACE_TO_DEPTH, DEPTH_TO_SPACE, SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND, RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR, SPLIT, SPLIT_V, PRELU, BATCH_MATMUL, GELU, LOG_SOFTMAX, L2_NORMALIZATION"
}
