import SwiftletFormat

/// The one view of a tensor that kernels and applications use: its metadata
/// (read in place from the model) and, where known, its data.
public struct TensorView {
    /// Index of the tensor in its subgraph.
    public let index: Int
    /// The tensor in the model.
    public let tensor: Tensor
    /// The tensor's bytes: constant data in the model, or its place in the arena.
    /// Nil in `prepare` for tensors the planner has not placed yet.
    public let data: UnsafeMutableRawPointer?

    init(index: Int, tensor: Tensor, data: UnsafeMutableRawPointer?) {
        self.index = index
        self.tensor = tensor
        self.data = data
    }

    /// Element type.
    public var type: TensorType { tensor.type }
    /// Dimensions.
    public var shape: FlatVector<Int32> { tensor.shape }
    /// Number of dimensions.
    public var rank: Int { tensor.shape.count }
    /// Dimension `axis` (negative counts from the end).
    public func dimension(_ axis: Int) -> Int {
        let shape = tensor.shape
        return Int(shape[axis < 0 ? shape.count + axis : axis])
    }
    /// Number of elements.
    public var elementCount: Int { tensor.elementCount ?? 0 }
    /// Bytes of data.
    public var byteCount: Int { tensor.byteCount ?? 0 }
    /// Per-tensor scale (the first scale for per-channel tensors; 0 if unquantized).
    public var scale: Float {
        guard let parameters = tensor.quantization, !parameters.scale.isEmpty else { return 0 }
        return parameters.scale[0]
    }
    /// Per-tensor zero point (0 if unquantized).
    public var zeroPoint: Int32 {
        guard let parameters = tensor.quantization, !parameters.zeroPoint.isEmpty else { return 0 }
        return Int32(truncatingIfNeeded: parameters.zeroPoint[0])
    }
    /// All scales (one per channel for per-channel tensors).
    public var scales: FlatVector<Float> { tensor.quantization?.scale ?? FlatVector<Float>.empty }
    /// All zero points.
    public var zeroPoints: FlatVector<Int64> { tensor.quantization?.zeroPoint ?? FlatVector<Int64>.empty }
    /// The per-channel axis.
    public var quantizedDimension: Int { Int(tensor.quantization?.quantizedDimension ?? 0) }
    /// Whether the tensor carries a scale.
    public var isQuantized: Bool { tensor.quantization?.isQuantized ?? false }

    /// The data as typed elements. The caller has checked `type`.
    @inlinable public func elements<T>(as type: T.Type) -> UnsafeMutableBufferPointer<T> {
        guard let data else { return UnsafeMutableBufferPointer(start: nil, count: 0) }
        return UnsafeMutableBufferPointer(start: data.assumingMemoryBound(to: T.self), count: elementCount)
    }
}

extension FlatVector {
    /// An empty vector.
    public static var empty: FlatVector<Element> { FlatVector(emptyOf: Element.self) }
}
