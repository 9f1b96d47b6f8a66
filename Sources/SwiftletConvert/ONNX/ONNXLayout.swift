import SwiftletFormat

/// How a converted tensor's axes relate to the ONNX tensor it stands for. The importer keeps
/// activations channels-last (TFLite's NHWC) wherever ONNX has them channels-first, and records
/// here how to read each one, so weights and axis attributes are permuted instead of wrapping
/// operators in TRANSPOSEs.
enum ONNXLayout: Equatable {
    /// The same axes, in the same order, as the ONNX tensor.
    case plain
    /// ONNX `[N, C, d1, …]` stored as `[N, d1, …, C]`.
    case channelsLast
    /// ONNX `[N, C·S]` (a Flatten of `[N, C, spatial…]`, channel-major) stored as `[N, S·C]`
    /// (spatial-major), the Flatten of the channels-last tensor. A following Gemm/MatMul permutes
    /// its weight rows instead of transposing the activation.
    case flattenedChannelsLast(channels: Int)

    /// For a channels-last tensor of `rank`: stored axis `i` holds ONNX axis `permutation[i]`.
    static func channelsLastPermutation(rank: Int) -> [Int] {
        rank < 3 ? Array(0..<rank) : [0] + Array(2..<rank) + [1]
    }

    /// The inverse: ONNX axis `i` is stored axis `permutation[i]`.
    static func channelsFirstPermutation(rank: Int) -> [Int] {
        rank < 3 ? Array(0..<rank) : [0, rank - 1] + Array(1..<(rank - 1))
    }

    /// The stored axis holding ONNX axis `axis` (already non-negative) of a tensor of `rank`.
    func storedAxis(_ axis: Int, rank: Int) -> Int {
        guard self == .channelsLast, rank >= 3 else { return axis }
        return Self.channelsFirstPermutation(rank: rank)[axis]
    }

    /// The stored shape of an ONNX shape in this layout.
    func storedShape(_ shape: [Int]) -> [Int] {
        guard self == .channelsLast, shape.count >= 3 else { return shape }
        return Self.channelsLastPermutation(rank: shape.count).map { shape[$0] }
    }

    /// The ONNX shape of a stored shape in this layout.
    func onnxShape(_ stored: [Int]) -> [Int] {
        switch self {
        case .plain: return stored
        case .channelsLast:
            guard stored.count >= 3 else { return stored }
            return Self.channelsFirstPermutation(rank: stored.count).map { stored[$0] }
        case .flattenedChannelsLast: return stored
        }
    }

    /// Whether a channels-last tensor of ONNX `shape` has its elements in the same order as the
    /// ONNX tensor (one channel, or no spatial extent), so a RESHAPE moves between the two.
    static func sameElementOrder(_ shape: [Int]) -> Bool {
        guard shape.count >= 3 else { return true }
        return shape[1] == 1 || shape[2...].allSatisfy { $0 == 1 }
    }
}

/// A converted ONNX value: folded to a constant, or a graph tensor in some layout.
enum ONNXValue {
    case constant(ONNXConstant)
    case tensor(TensorID, ONNXLayout)
}

/// How an input or output of the converted model relates to the ONNX one.
public enum ONNXTensorLayout: String, Equatable, Sendable {
    /// The same shape and element order as in the ONNX model.
    case unchanged
    /// ONNX `[N, C, H, W]` (or `[N, C, …]`) became channels-last `[N, H, W, C]`.
    case channelsLast
}
