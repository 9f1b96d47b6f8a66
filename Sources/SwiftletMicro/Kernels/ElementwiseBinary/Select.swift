import SwiftletFormat

/// SELECT_V2 (`output = condition ? x : y`, all three broadcast, rank ≤ 6) and SELECT
/// (v1, beyond TFLM: the condition has x's shape, or is 1-D and picks whole slices along
/// x's first axis, as LiteRT). Any element type (the values are copied bit for bit).
public enum Select {
    /// SELECT_V2's registration.
    public static var registrationV2: KernelRegistration { KernelRegistration(code: .selectV2, prepare: prepareV2, eval: eval) }
    /// SELECT's registration.
    public static var registrationV1: KernelRegistration { KernelRegistration(code: .select, prepare: prepareV1, eval: eval) }

    struct OpData {
        var walk: Broadcast3
        var elementBytes: Int
    }

    static func operands(_ context: borrowing PrepareContext) throws(MicroError) -> (TensorView, TensorView, TensorView, TensorView, Int) {
        let condition = try context.requiredInput(0)
        let x = try context.requiredInput(1)
        let y = try context.requiredInput(2)
        let output = try context.requiredOutput(0)
        guard condition.type == .bool else { throw context.unsupported(condition) }
        guard x.type == y.type else { throw context.unsupported(y) }
        guard x.type == output.type else { throw context.unsupported(output) }
        let bytes = x.elementCount > 0 ? x.byteCount / x.elementCount : 0
        guard bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8 else { throw context.unsupported(x) }
        return (condition, x, y, output, bytes)
    }

    static func prepareV2(_ context: inout PrepareContext) throws(MicroError) {
        let (condition, x, y, output, bytes) = try operands(context)
        guard let walk = Broadcast3(condition.shape6, x.shape6, y.shape6, output: output.shape6) else {
            throw context.invalid("condition, x and y do not broadcast to the output shape (rank at most 6)")
        }
        context.setOpData(OpData(walk: walk, elementBytes: bytes))
    }

    static func prepareV1(_ context: inout PrepareContext) throws(MicroError) {
        let (condition, x, y, output, bytes) = try operands(context)
        var conditionShape = condition.shape6
        if condition.rank == 1, x.rank > 1, condition.dimension(0) == x.dimension(0) {
            // One condition per slice along x's first axis.
            conditionShape = Extents6(repeating: 1)
            conditionShape[6 - x.rank] = condition.dimension(0)
        }
        guard let walk = Broadcast3(conditionShape, x.shape6, y.shape6, output: output.shape6) else {
            throw context.invalid("SELECT's condition must have x's shape or one value per slice of x's first axis")
        }
        context.setOpData(OpData(walk: walk, elementBytes: bytes))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let condition = context.input(0, as: UInt8.self)
        switch data.elementBytes {
        case 1: data.walk.select(condition, context.input(1, as: UInt8.self), context.input(2, as: UInt8.self), context.output(0, as: UInt8.self))
        case 2: data.walk.select(condition, context.input(1, as: UInt16.self), context.input(2, as: UInt16.self), context.output(0, as: UInt16.self))
        case 4: data.walk.select(condition, context.input(1, as: UInt32.self), context.input(2, as: UInt32.self), context.output(0, as: UInt32.self))
        default: data.walk.select(condition, context.input(1, as: UInt64.self), context.input(2, as: UInt64.self), context.output(0, as: UInt64.self))
        }
    }
}

extension TensorView {
    /// The shape right-aligned in six axes (leading axes of extent 1); rank ≤ 6 is checked by the caller's walk.
    var shape6: Extents6 {
        var result = Extents6(repeating: 1)
        let rank = Swift.min(self.rank, 6)
        for axis in 0..<rank { result[6 - rank + axis] = dimension(self.rank - rank + axis) }
        if self.rank > 6 { result[0] = -1 }  // marks an unsupported rank
        return result
    }
}

/// How three inputs map onto an output under broadcasting (six axes, strides 0 where an
/// input repeats), computed once in `prepare`.
struct Broadcast3 {
    var extents: Extents6
    var strides: (Extents6, Extents6, Extents6)
    var count: Int

    init?(_ a: Extents6, _ b: Extents6, _ c: Extents6, output: Extents6) {
        extents = output
        strides = (Extents6(repeating: 0), Extents6(repeating: 0), Extents6(repeating: 0))
        var contiguous = (1, 1, 1)
        var total = 1
        for axis in (0..<6).reversed() {
            let o = output[axis]
            guard o >= 0, a[axis] >= 0, b[axis] >= 0, c[axis] >= 0 else { return nil }
            for extent in [a[axis], b[axis], c[axis]] where extent != 1 && extent != o { return nil }
            strides.0[axis] = a[axis] == 1 ? 0 : contiguous.0
            strides.1[axis] = b[axis] == 1 ? 0 : contiguous.1
            strides.2[axis] = c[axis] == 1 ? 0 : contiguous.2
            contiguous.0 *= a[axis]
            contiguous.1 *= b[axis]
            contiguous.2 *= c[axis]
            total *= o
        }
        count = total
    }

    /// `output = condition ? x : y` over every output element.
    @inline(__always)
    func select<Element>(_ condition: UnsafePointer<UInt8>, _ x: UnsafePointer<Element>, _ y: UnsafePointer<Element>,
                         _ output: UnsafeMutablePointer<Element>) {
        let e = extents.storage
        let s0 = strides.0.storage, s1 = strides.1.storage, s2 = strides.2.storage
        var out = output
        var c0 = condition, x0 = x, y0 = y
        for _ in 0..<e.0 {
            var c1 = c0, x1 = x0, y1 = y0
            for _ in 0..<e.1 {
                var c2 = c1, x2 = x1, y2 = y1
                for _ in 0..<e.2 {
                    var c3 = c2, x3 = x2, y3 = y2
                    for _ in 0..<e.3 {
                        var c4 = c3, x4 = x3, y4 = y3
                        for _ in 0..<e.4 {
                            for index in 0..<e.5 {
                                out[index] = c4[index * s0.5] != 0 ? x4[index * s1.5] : y4[index * s2.5]
                            }
                            out += e.5
                            c4 += s0.4; x4 += s1.4; y4 += s2.4
                        }
                        c3 += s0.3; x3 += s1.3; y3 += s2.3
                    }
                    c2 += s0.2; x2 += s1.2; y2 += s2.2
                }
                c1 += s0.1; x1 += s1.1; y1 += s2.1
            }
            c0 += s0.0; x0 += s1.0; y0 += s2.0
        }
    }
}
