/// What `Quantizer` writes.
public enum QuantizationMode: String, CaseIterable, Sendable {
    /// Full integer: int8 activations and weights, int32 bias, int8 input and output (what TFLM needs).
    case int8
    /// Full integer int8 inside, float32 input and output through QUANTIZE / DEQUANTIZE at the edges.
    case int8FloatIO = "int8-float-io"
    /// int16 activations (symmetric), int8 weights, int64 bias, int16 input and output.
    case int16x8
    /// int8 weights of CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED with ≥ 1024 elements; float activations.
    case dynamicRange = "dynamic-range"
    /// float16 constants, each followed by a DEQUANTIZE to float32.
    case float16

    /// Whether the mode needs calibration data.
    public var needsCalibration: Bool {
        switch self {
        case .int8, .int8FloatIO, .int16x8: return true
        case .dynamicRange, .float16: return false
        }
    }
}

/// How activation ranges are taken from the calibration run. Only TF's method exists today;
/// percentile or MSE-optimal ranges would be further cases.
public enum CalibrationMethod: String, Sendable {
    /// Global minimum and maximum over every element of every sample (TensorFlow's).
    case minMax = "min-max"
}

/// Options of a quantization run.
public struct QuantizationOptions: Sendable {
    public var mode: QuantizationMode
    /// One scale per weight tensor instead of one per output channel.
    public var perTensor: Bool
    public var calibrationMethod: CalibrationMethod
    /// Smallest weight tensor (elements) that dynamic-range mode quantizes (TF's default 1024).
    public var dynamicRangeMinimumElements: Int
    /// The float arithmetic calibration runs with (TF's calibrator's by default).
    public var calibrationKernels: CalibrationKernels

    public init(mode: QuantizationMode = .int8, perTensor: Bool = false, calibrationMethod: CalibrationMethod = .minMax,
                dynamicRangeMinimumElements: Int = 1024, calibrationKernels: CalibrationKernels = .tensorFlow) {
        self.calibrationKernels = calibrationKernels
        self.mode = mode
        self.perTensor = perTensor
        self.calibrationMethod = calibrationMethod
        self.dynamicRangeMinimumElements = dynamicRangeMinimumElements
    }
}
