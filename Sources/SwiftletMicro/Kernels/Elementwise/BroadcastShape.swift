/// Six extents or strides, stored inline (no heap) and indexed 0 (outermost) … 5 (innermost).
struct Extents6 {
    var storage: (Int, Int, Int, Int, Int, Int)

    /// All six set to `value`.
    init(repeating value: Int) { storage = (value, value, value, value, value, value) }

    subscript(_ axis: Int) -> Int {
        get {
            withUnsafeBytes(of: storage) { $0.load(fromByteOffset: axis * MemoryLayout<Int>.stride, as: Int.self) }
        }
        set {
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: newValue, toByteOffset: axis * MemoryLayout<Int>.stride, as: Int.self) }
        }
    }
}

/// One binary element-wise operation, split in three steps so that broadcasting can
/// apply the per-input step once to an input that repeats along the innermost loop.
protocol BinaryElementOperation {
    associatedtype Element
    associatedtype Operand
    /// The per-element step for the first input (e.g. offset and rescale).
    func first(_ value: Element) -> Operand
    /// The per-element step for the second input.
    func second(_ value: Element) -> Operand
    /// Combines the two prepared operands into an output element.
    func combine(_ first: Operand, _ second: Operand) -> Element
}

/// How two inputs map onto an output under numpy-style broadcasting (up to rank 6).
///
/// Computed once in `prepare`: shapes are right-aligned and padded to six axes, each
/// input gets a stride of 0 along the axes it repeats on, axes of extent 1 are dropped
/// and neighbouring axes that both inputs walk contiguously (or both repeat on) are
/// merged. Equal shapes therefore become one flat loop, and `[N,H,W,C] + [C]` becomes
/// two loops.
struct BroadcastShape {
    /// Output extents, outermost first; unused leading axes have extent 1.
    var extents: Extents6
    /// Element strides of the first input per axis (0 where it repeats).
    var firstStrides: Extents6
    /// Element strides of the second input per axis (0 where it repeats).
    var secondStrides: Extents6
    /// Number of output elements.
    var count: Int
    /// Whether both inputs are walked exactly like the output (a single flat loop).
    var isElementwise: Bool

    /// The broadcast of `first` and `second` onto `output`; nil if the shapes are not
    /// broadcast-compatible, the output shape is not their broadcast, or the rank exceeds 6.
    init?(first: TensorView, second: TensorView, output: TensorView) {
        let rank = max(first.rank, second.rank, output.rank)
        guard rank <= 6 else { return nil }
        func extent(_ tensor: TensorView, _ axis: Int) -> Int {
            let index = axis - (6 - tensor.rank)
            return index < 0 ? 1 : tensor.dimension(index)
        }
        var outputExtents = Extents6(repeating: 1)
        var strideA = Extents6(repeating: 0)
        var strideB = Extents6(repeating: 0)
        var contiguousA = 1, contiguousB = 1
        var total = 1
        for axis in (0..<6).reversed() {
            let a = extent(first, axis), b = extent(second, axis), o = extent(output, axis)
            guard a >= 0, b >= 0, o >= 0 else { return nil }
            let broadcast = a == 1 ? b : a
            guard a == broadcast || a == 1, b == broadcast || b == 1, o == broadcast else { return nil }
            outputExtents[axis] = o
            strideA[axis] = a == 1 ? 0 : contiguousA
            strideB[axis] = b == 1 ? 0 : contiguousB
            contiguousA *= a
            contiguousB *= b
            total *= o
        }
        count = total

        // Fold: walk from the innermost axis outwards, dropping extent-1 axes and merging an
        // axis into the previous (inner) one when both inputs continue the same walk.
        var foldedExtents = Extents6(repeating: 1)
        var foldedA = Extents6(repeating: 0)
        var foldedB = Extents6(repeating: 0)
        var slot = 6  // next free slot is slot − 1
        for axis in (0..<6).reversed() where outputExtents[axis] != 1 {
            if slot < 6 {
                let inner = slot
                let extentInner = foldedExtents[inner]
                if strideA[axis] == foldedA[inner] * extentInner && strideB[axis] == foldedB[inner] * extentInner {
                    foldedExtents[inner] = extentInner * outputExtents[axis]
                    continue
                }
            }
            slot -= 1
            foldedExtents[slot] = outputExtents[axis]
            foldedA[slot] = strideA[axis]
            foldedB[slot] = strideB[axis]
        }
        extents = foldedExtents
        firstStrides = foldedA
        secondStrides = foldedB
        isElementwise = total == 0 || slot == 6 || (slot == 5 && foldedA[5] == 1 && foldedB[5] == 1)
    }

    /// Runs `operation` over every output element.
    @inline(__always)
    func apply<Operation: BinaryElementOperation>(
        _ operation: Operation, _ first: UnsafePointer<Operation.Element>, _ second: UnsafePointer<Operation.Element>,
        _ output: UnsafeMutablePointer<Operation.Element>
    ) {
        if isElementwise {
            for index in 0..<count {
                output[index] = operation.combine(operation.first(first[index]), operation.second(second[index]))
            }
            return
        }
        let e = extents.storage, sa = firstStrides.storage, sb = secondStrides.storage
        let inner = e.5
        var out = output
        var a0 = first, b0 = second
        for _ in 0..<e.0 {
            var a1 = a0, b1 = b0
            for _ in 0..<e.1 {
                var a2 = a1, b2 = b1
                for _ in 0..<e.2 {
                    var a3 = a2, b3 = b2
                    for _ in 0..<e.3 {
                        var a4 = a3, b4 = b3
                        for _ in 0..<e.4 {
                            Self.run(operation, a4, sa.5, b4, sb.5, out, inner)
                            out += inner
                            a4 += sa.4
                            b4 += sb.4
                        }
                        a3 += sa.3
                        b3 += sb.3
                    }
                    a2 += sa.2
                    b2 += sb.2
                }
                a1 += sa.1
                b1 += sb.1
            }
            a0 += sa.0
            b0 += sb.0
        }
    }

    /// The innermost loop: at most one of the inputs repeats (stride 0), the other is contiguous.
    @inline(__always)
    private static func run<Operation: BinaryElementOperation>(
        _ operation: Operation, _ first: UnsafePointer<Operation.Element>, _ firstStride: Int,
        _ second: UnsafePointer<Operation.Element>, _ secondStride: Int,
        _ output: UnsafeMutablePointer<Operation.Element>, _ count: Int
    ) {
        if firstStride == 0 {
            let x = operation.first(first[0])
            for index in 0..<count { output[index] = operation.combine(x, operation.second(second[index])) }
        } else if secondStride == 0 {
            let y = operation.second(second[0])
            for index in 0..<count { output[index] = operation.combine(operation.first(first[index]), y) }
        } else {
            for index in 0..<count {
                output[index] = operation.combine(operation.first(first[index]), operation.second(second[index]))
            }
        }
    }
}
