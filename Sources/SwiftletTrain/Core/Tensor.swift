/// A dense float32 tensor, row-major; image tensors are NHWC. The first
/// dimension is the batch wherever a layer or model sees a tensor.
public struct Tensor: Equatable, Sendable {
    /// Dimensions, outermost first.
    public var shape: [Int]
    /// The elements in row-major order; `scalars.count` is the product of `shape`.
    public var scalars: [Float]

    /// A tensor from its shape and elements. Throws when the counts disagree.
    public init(shape: [Int], scalars: [Float]) throws {
        let count = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), count == scalars.count else {
            throw TrainError.shapeMismatch("shape \(shape) holds \(count) elements, \(scalars.count) were given")
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.shape = shape
        self.scalars = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// A tensor whose elements are `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.shape = shape
        self.scalars = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// Used by layers that already know the count is right.
    init(unchecked shape: [Int], scalars: [Float]) {
        self.shape = shape
        self.scalars = scalars
    }

    /// Number of elements.
    public var count: Int { scalars.count }

    /// The size of the first dimension (the batch), 1 for a scalar.
    public var batchSize: Int { shape.first ?? 1 }

    /// Elements per batch entry.
    public var elementsPerSample: Int { shape.dropFirst().reduce(1, *) }

    /// The same elements with another shape of the same element count.
    public func reshaped(to newShape: [Int]) throws -> Tensor {
        try Tensor(shape: newShape, scalars: scalars)
    }

    /// Batch entries `indices` (in that order) as a new tensor.
    public func gathering(batchIndices indices: some Collection<Int>) -> Tensor {
        let stride = elementsPerSample
        var result = [Float](repeating: 0, count: indices.count * stride)
        scalars.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { destination in
                var offset = 0
                for index in indices {
                    destination.baseAddress!.advanced(by: offset)
                        .update(from: source.baseAddress!.advanced(by: index * stride), count: stride)
                    offset += stride
                }
            }
        }
        return Tensor(unchecked: [indices.count] + shape.dropFirst(), scalars: result)
    }

    /// Batch entries `range` as a new tensor.
    public func slicing(batch range: Range<Int>) -> Tensor {
        gathering(batchIndices: range)
    }
}
