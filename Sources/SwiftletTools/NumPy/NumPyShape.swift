/// Overflow-checked arithmetic on NumPy shapes.
enum NumPyShape {
    /// NumPy's limit on the number of dimensions (`NPY_MAXDIMS` in NumPy 2).
    static let maxRank = 64

    /// Why a shape is not acceptable, or nil if it is.
    static func problem(_ shape: [Int], itemSize: Int) -> String? {
        if shape.count > maxRank {
            return "shape has \(shape.count) dimensions; NumPy allows at most \(maxRank)"
        }
        if let negative = shape.first(where: { $0 < 0 }) {
            return "shape \(describe(shape)) has a negative dimension \(negative)"
        }
        if byteCount(shape, itemSize: itemSize) == nil {
            return "shape \(describe(shape)) is too large: its size in bytes does not fit in a 64-bit integer"
        }
        return nil
    }

    /// The number of elements, or nil if a dimension is negative or the count overflows.
    /// Like NumPy, the product of the non-zero dimensions must not overflow even when a
    /// zero dimension makes the array empty.
    static func elementCount(_ shape: [Int]) -> Int? {
        var product = 1
        var empty = false
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            if dimension == 0 { empty = true; continue }
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            product = next
        }
        return empty ? 0 : product
    }

    /// The number of data bytes, or nil on overflow (checked as for `elementCount`).
    static func byteCount(_ shape: [Int], itemSize: Int) -> Int? {
        guard let count = elementCount(shape.filter { $0 != 0 }) else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: itemSize)
        guard !overflow else { return nil }
        return shape.contains(0) ? 0 : bytes
    }

    /// The shape as Python writes a tuple: `()`, `(3,)`, `(2, 3)`.
    static func describe(_ shape: [Int]) -> String {
        switch shape.count {
        case 0: return "()"
        case 1: return "(\(shape[0]),)"
        default: return "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
    }
}
