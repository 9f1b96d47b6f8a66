import SwiftletFormat

/// BATCH_MATMUL: `output[..., a, c] = Σₖ lhs[..., a, k] · rhs[..., k, c]`, with
/// `adj_x`/`adj_y` reading an operand's last two axes transposed and the leading
/// (batch) axes broadcast numpy-style. Ranks 2–5. float32; int8 (per-tensor
/// scales, zero points on both operands); int16 (zero points 0, int64
/// accumulator). Bit-exact with TFLM's reference kernel, which has no fused
/// activation: quantized outputs clamp to the type's range.
public enum BatchMatMul {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .batchMatmul, prepare: prepare, eval: eval) }

    /// The most batch axes (rank 5 minus the two matrix axes).
    static let maxBatchAxes = 3

    struct OpData {
        var kind: NumericKind
        /// Broadcast batch extents, outermost first (unused axes 1).
        var batchCounts: (Int, Int, Int)
        /// Element steps of each operand along the batch axes (0 where it repeats).
        var lhsBatchSteps: (Int, Int, Int)
        var rhsBatchSteps: (Int, Int, Int)
        var rows: Int
        var depth: Int
        var columns: Int
        /// Element steps inside one matrix: lhs along rows and depth, rhs along depth and columns.
        var lhsRowStep: Int
        var lhsDepthStep: Int
        var rhsDepthStep: Int
        var rhsColumnStep: Int
        var lhsOffset: Int32
        var rhsOffset: Int32
        var outputOffset: Int32
        var multiplier: Int32
        var shift: Int32
        var activationMin: Int32
        var activationMax: Int32
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("BATCH_MATMUL takes two inputs and one output") }
        let lhs = try context.requiredInput(0)
        let rhs = try context.requiredInput(1)
        let output = try context.requiredOutput(0)
        let kind = try NumericKind(lhs, context)
        guard rhs.type == lhs.type else {
            if lhs.type == .float32 { throw .unsupportedFeature("hybrid (dynamic-range) BATCH_MATMUL: quantize both operands") }
            throw context.unsupported(rhs)
        }
        guard output.type == lhs.type else { throw context.unsupported(output) }
        let options = context.op.options(BatchMatMulOptions.self)
        let adjX = options?.adjX ?? false, adjY = options?.adjY ?? false
        guard let lhsDims = ElementMove.dimensions(lhs), let rhsDims = ElementMove.dimensions(rhs),
              let outputDims = ElementMove.dimensions(output) else {
            throw .unsupportedFeature("tensors with a dynamic (-1) dimension in their stored shape")
        }
        guard lhsDims.count >= 2, lhsDims.count <= 5, rhsDims.count >= 2, rhsDims.count <= 5 else {
            throw context.invalid("BATCH_MATMUL operands must have rank 2 to 5")
        }
        let rank = max(lhsDims.count, rhsDims.count)
        let lhsFull = [Int](repeating: 1, count: rank - lhsDims.count) + lhsDims
        let rhsFull = [Int](repeating: 1, count: rank - rhsDims.count) + rhsDims
        let rows = adjX ? lhsFull[rank - 1] : lhsFull[rank - 2]
        let depth = adjX ? lhsFull[rank - 2] : lhsFull[rank - 1]
        let rhsDepth = adjY ? rhsFull[rank - 1] : rhsFull[rank - 2]
        let columns = adjY ? rhsFull[rank - 2] : rhsFull[rank - 1]
        guard depth == rhsDepth else { throw context.invalid("the operands' inner dimensions differ") }

        // Batch axes, right-aligned into three.
        var counts = [1, 1, 1], lhsSteps = [0, 0, 0], rhsSteps = [0, 0, 0]
        var expectedOutput: [Int] = []
        let lhsMatrix = rows * depth, rhsMatrix = depth * columns
        var lhsRunning = lhsMatrix, rhsRunning = rhsMatrix
        for axis in stride(from: rank - 3, through: 0, by: -1) {
            let l = lhsFull[axis], r = rhsFull[axis]
            guard l == r || l == 1 || r == 1 else { throw context.invalid("the batch dimensions do not broadcast") }
            let slot = maxBatchAxes - (rank - 2) + axis
            counts[slot] = max(l, r)
            lhsSteps[slot] = l == 1 ? 0 : lhsRunning
            rhsSteps[slot] = r == 1 ? 0 : rhsRunning
            lhsRunning *= l
            rhsRunning *= r
        }
        for axis in 0..<(rank - 2) { expectedOutput.append(max(lhsFull[axis], rhsFull[axis])) }
        expectedOutput += [rows, columns]
        guard outputDims == expectedOutput else { throw context.invalid("the output shape is not the operands' product shape") }

        var data = OpData(kind: kind, batchCounts: (counts[0], counts[1], counts[2]),
                          lhsBatchSteps: (lhsSteps[0], lhsSteps[1], lhsSteps[2]),
                          rhsBatchSteps: (rhsSteps[0], rhsSteps[1], rhsSteps[2]),
                          rows: rows, depth: depth, columns: columns,
                          lhsRowStep: adjX ? 1 : depth, lhsDepthStep: adjX ? rows : 1,
                          rhsDepthStep: adjY ? 1 : columns, rhsColumnStep: adjY ? depth : 1,
                          lhsOffset: 0, rhsOffset: 0, outputOffset: 0, multiplier: 0, shift: 0,
                          activationMin: 0, activationMax: 0)
        if kind != .float32 {
            if kind == .int16, lhs.zeroPoint != 0 || rhs.zeroPoint != 0 || output.zeroPoint != 0 {
                throw context.invalid("int16 BATCH_MATMUL needs zero points of 0")
            }
            // TFLM forms the operands' scale product in float32 before widening.
            let (multiplier, shift) = QuantizedMath.quantizeMultiplier(Double(lhs.scale * rhs.scale) / Double(output.scale))
            data.multiplier = multiplier
            data.shift = Int32(shift)
            data.lhsOffset = -lhs.zeroPoint
            data.rhsOffset = -rhs.zeroPoint
            data.outputOffset = output.zeroPoint
            (data.activationMin, data.activationMax) = kind.range
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32:
            run(data, context.input(0, as: Float.self), context.input(1, as: Float.self), context.output(0, as: Float.self)) { lhs, rhs, output, d in
                multiplyFloat(lhs, rhs, output, d)
            }
        case .int8:
            run(data, context.input(0, as: Int8.self), context.input(1, as: Int8.self), context.output(0, as: Int8.self)) { lhs, rhs, output, d in
                multiplyInt8(lhs, rhs, output, d)
            }
        case .int16:
            run(data, context.input(0, as: Int16.self), context.input(1, as: Int16.self), context.output(0, as: Int16.self)) { lhs, rhs, output, d in
                multiplyInt16(lhs, rhs, output, d)
            }
        }
    }

    /// Walks the broadcast batch axes and multiplies one matrix pair at each.
    @inline(__always)
    private static func run<Element>(_ data: OpData, _ lhs: UnsafePointer<Element>, _ rhs: UnsafePointer<Element>,
                                     _ output: UnsafeMutablePointer<Element>,
                                     _ multiply: (UnsafePointer<Element>, UnsafePointer<Element>, UnsafeMutablePointer<Element>, OpData) -> Void) {
        let (c0, c1, c2) = data.batchCounts
        let (l0, l1, l2) = data.lhsBatchSteps
        let (r0, r1, r2) = data.rhsBatchSteps
        let matrix = data.rows * data.columns
        var destination = output
        for b0 in 0..<c0 {
            for b1 in 0..<c1 {
                for b2 in 0..<c2 {
                    multiply(lhs + (b0 * l0 + b1 * l1 + b2 * l2), rhs + (b0 * r0 + b1 * r1 + b2 * r2), destination, data)
                    destination += matrix
                }
            }
        }
    }

    private static func multiplyFloat(_ lhs: UnsafePointer<Float>, _ rhs: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ data: OpData) {
        let (lr, lk, rk, rc) = (data.lhsRowStep, data.lhsDepthStep, data.rhsDepthStep, data.rhsColumnStep)
        for row in 0..<data.rows {
            let lhsRow = lhs + row * lr
            for column in 0..<data.columns {
                let rhsColumn = rhs + column * rc
                var total: Float = 0
                for k in 0..<data.depth { total += rhsColumn[k * rk] * lhsRow[k * lk] }
                output[row * data.columns + column] = total
            }
        }
    }

    private static func multiplyInt8(_ lhs: UnsafePointer<Int8>, _ rhs: UnsafePointer<Int8>, _ output: UnsafeMutablePointer<Int8>, _ data: OpData) {
        let (lr, lk, rk, rc) = (data.lhsRowStep, data.lhsDepthStep, data.rhsDepthStep, data.rhsColumnStep)
        let lhsOffset = data.lhsOffset, rhsOffset = data.rhsOffset
        for row in 0..<data.rows {
            let lhsRow = lhs + row * lr
            for column in 0..<data.columns {
                let rhsColumn = rhs + column * rc
                var total: Int32 = 0
                for k in 0..<data.depth {
                    total &+= (Int32(rhsColumn[k * rk]) &+ rhsOffset) &* (Int32(lhsRow[k * lk]) &+ lhsOffset)
                }
                var value = QuantizedMath.multiplyByQuantizedMultiplier(total, data.multiplier, Int(data.shift)) &+ data.outputOffset
                value = min(max(value, data.activationMin), data.activationMax)
                output[row * data.columns + column] = Int8(truncatingIfNeeded: value)
            }
        }
    }

    private static func multiplyInt16(_ lhs: UnsafePointer<Int16>, _ rhs: UnsafePointer<Int16>, _ output: UnsafeMutablePointer<Int16>, _ data: OpData) {
        let (lr, lk, rk, rc) = (data.lhsRowStep, data.lhsDepthStep, data.rhsDepthStep, data.rhsColumnStep)
        for row in 0..<data.rows {
            let lhsRow = lhs + row * lr
            for column in 0..<data.columns {
                let rhsColumn = rhs + column * rc
                var total: Int64 = 0
                for k in 0..<data.depth { total &+= Int64(rhsColumn[k * rk]) &* Int64(lhsRow[k * lk]) }
                var value = QuantizedMath.multiplyByQuantizedMultiplier(total, data.multiplier, Int(data.shift))
                value = min(max(value, data.activationMin), data.activationMax)
                output[row * data.columns + column] = Int16(truncatingIfNeeded: value)
            }
        }
    }
}
