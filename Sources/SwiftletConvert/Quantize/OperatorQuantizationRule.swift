import SwiftletFormat

/// How the quantizer treats one operator: where its weights and bias are, what its output's
/// parameters are, and the version TF writes for the quantized operator.
struct OperatorQuantizationRule {
    enum Output {
        /// Own parameters from the calibrated range.
        case free
        /// The output takes the (single) activation input's parameters.
        case sameAsInput
        /// Fixed parameters: int8 (scale, zero point); int16 (scale, zero point 0).
        case fixed(int8Scale: Float, int8ZeroPoint: Int64, int16Scale: Float)
        /// Inputs and output share the output's parameters (requantizing inputs that cannot follow).
        case concatenation
    }

    /// Input index of the weight (filter) tensor, if any.
    var weightInput: Int? = nil
    /// Per-channel axis of the weights.
    var weightAxis: Int = 0
    /// Input index of the bias, if any.
    var biasInput: Int? = nil
    var output: Output = .free
    /// The version TF 2.21 writes for the int8 and the 16x8 operator.
    var version: Int32

    /// Operators the full-integer quantizer handles.
    static func rule(for code: BuiltinOperator) -> OperatorQuantizationRule? {
        switch code {
        case .conv2D: return OperatorQuantizationRule(weightInput: 1, weightAxis: 0, biasInput: 2, version: 3)
        case .depthwiseConv2D: return OperatorQuantizationRule(weightInput: 1, weightAxis: 3, biasInput: 2, version: 3)
        case .fullyConnected: return OperatorQuantizationRule(weightInput: 1, weightAxis: 0, biasInput: 2, version: 4)
        case .add, .sub, .mul, .mean, .relu, .relu6, .leakyRelu, .maximum, .minimum:
            return OperatorQuantizationRule(version: 2)
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
        default: return nil
        }
    }

    static let supportedNames = "CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, SUB, MUL, MEAN, RELU, RELU6, LEAKY_RELU, MAXIMUM, MINIMUM, HARD_SWISH, AVERAGE_POOL_2D, MAX_POOL_2D, REDUCE_MAX, PAD, TRANSPOSE, STRIDED_SLICE, RESHAPE, SQUEEZE, EXPAND_DIMS, CONCATENATION, LOGISTIC, SOFTMAX, TANH"
}
