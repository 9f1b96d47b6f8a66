import SwiftletFormat

/// Output sizes and padding for windowed operators (conv, depthwise, pools),
/// computed the way TFLM does (`ComputePaddingHeightWidth`).
public enum WindowPadding {
    /// The output size along one axis.
    public static func outputSize(_ padding: Padding, input: Int, filter: Int, stride: Int, dilation: Int = 1) -> Int {
        guard stride > 0 else { return 0 }
        let effectiveFilter = (filter - 1) * dilation + 1
        switch padding {
        case .same: return (input + stride - 1) / stride
        case .valid: return (input + stride - effectiveFilter) / stride
        }
    }

    /// Padding before the first element along one axis, and the extra element at the end (0 or 1).
    public static func padding(stride: Int, dilation: Int, input: Int, filter: Int, output: Int) -> (before: Int, offset: Int) {
        let effectiveFilter = (filter - 1) * dilation + 1
        let total = max((output - 1) * stride + effectiveFilter - input, 0)
        return (total / 2, total % 2)
    }
}
