import SwiftletFormat

/// STRIDED_SLICE: `output = input[begin:end:strides]` per axis, with constant
/// begin/end/strides tensors (int32 or int64) and the options' masks:
/// `begin_mask`/`end_mask` (take the whole range on that side), `shrink_axis_mask`
/// (take one index and drop the axis), `ellipsis_mask` (one entry standing for
/// every axis not otherwise named), `new_axis_mask` (insert a size-1 output axis)
/// and `offset` (`end` counts from `begin`). Indices are clamped into range the
/// way TFLM's kernel clamps them. float32, int8, int16, int32, bool, as TFLM;
/// up to 6 input dimensions. Everything but the copy is done in `prepare`.
public enum StridedSlice {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .stridedSlice, prepare: prepare, eval: eval) }

    /// The most input dimensions the kernel takes.
    static let maxRank = 6

    struct OpData {
        var width: ElementMove.Width
        var walk: StridedWalk
    }

    /// One input axis after the sparse slice spec has been expanded.
    struct AxisSlice {
        var begin = 0
        var end = 0
        var stride = 1
        var beginMasked = true
        var endMasked = true
        var shrink = false
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 4, context.outputCount == 1 else {
            throw context.invalid("STRIDED_SLICE takes an input, begin, end, strides and one output")
        }
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard input.type == output.type else { throw context.unsupported(output) }
        guard ElementMove.isOneOf(input.type, [.float32, .int8, .int16, .int32, .bool]), let width = ElementMove.Width(input.type) else {
            throw context.unsupported(input)
        }
        guard let inputDims = ElementMove.dimensions(input), let outputDims = ElementMove.dimensions(output) else {
            throw .unsupportedFeature("tensors with a dynamic (-1) dimension in their stored shape")
        }
        let rank = inputDims.count
        guard rank <= maxRank else { throw context.invalid("STRIDED_SLICE takes at most 6 input dimensions") }

        var spec: [[Int]] = []
        for slot in 1...3 {
            let tensor = try context.requiredInput(slot)
            guard let values = ElementMove.constantIndices(tensor, in: context) else {
                if tensor.type != .int32 && tensor.type != .int64 { throw context.unsupported(tensor) }
                throw .unsupportedFeature("STRIDED_SLICE with non-constant begin, end or strides")
            }
            guard tensor.rank == 1 else { throw context.invalid("begin, end and strides must be vectors") }
            spec.append(values)
        }
        let (begins, ends, strides) = (spec[0], spec[1], spec[2])
        guard begins.count == ends.count, ends.count == strides.count else {
            throw context.invalid("begin, end and strides must have the same length")
        }
        let options = context.op.options(StridedSliceOptions.self)
        let beginMask = Int(options?.beginMask ?? 0), endMask = Int(options?.endMask ?? 0)
        let shrinkMask = Int(options?.shrinkAxisMask ?? 0), newAxisMask = Int(options?.newAxisMask ?? 0)
        var ellipsisMask = Int(options?.ellipsisMask ?? 0)
        let offset = options?.offset ?? false

        // Expand the sparse spec (which may name fewer axes, an ellipsis or new
        // axes) into one slice per input axis, noting where output axes come from.
        var sparseCount = begins.count
        ellipsisMask &= (1 << sparseCount) - 1
        guard ellipsisMask & (ellipsisMask - 1) == 0 else { throw context.invalid("at most one ellipsis is allowed") }
        if ellipsisMask == 0 {
            ellipsisMask = 1 << sparseCount  // an implicit ellipsis after the last entry
            sparseCount += 1
        }
        var newAxesAfterEllipsis = 0
        var ellipsisSeen = false
        for index in 0..<sparseCount {
            if ellipsisMask & (1 << index) != 0 { ellipsisSeen = true }
            else if ellipsisSeen, newAxisMask & (1 << index) != 0 { newAxesAfterEllipsis += 1 }
        }
        var axes = [AxisSlice](repeating: AxisSlice(), count: rank)
        var outputSources: [Int] = []  // input axis per output axis; -1 for a new axis
        var dense = 0
        for index in 0..<sparseCount {
            let bit = 1 << index
            if ellipsisMask & bit != 0 {
                let next = min(rank - (sparseCount - index) + 1 + newAxesAfterEllipsis, rank)
                while dense < next {
                    outputSources.append(dense)
                    dense += 1
                }
            } else if newAxisMask & bit != 0 {
                outputSources.append(-1)
            } else {
                guard dense < rank else { throw context.invalid("the slice names more axes than the input has") }
                axes[dense] = AxisSlice(begin: begins[index], end: ends[index], stride: strides[index],
                                        beginMasked: beginMask & bit != 0, endMasked: endMask & bit != 0,
                                        shrink: shrinkMask & bit != 0)
                if !axes[dense].shrink { outputSources.append(dense) }
                dense += 1
            }
        }
        guard dense == rank else { throw context.invalid("the slice does not cover every input axis") }

        // Resolve each axis to a start and an element count, clamping as TFLM does.
        let inputStrides = ElementMove.strides(of: inputDims)
        var base = 0
        var counts: [Int] = [], steps: [Int] = []
        for axis in 0..<rank {
            let slice = axes[axis], size = inputDims[axis], step = slice.stride
            guard step != 0 else { throw context.invalid("strides must not be zero") }
            var start = slice.begin < 0 ? slice.begin + size : slice.begin
            start = step > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1)
            if slice.beginMasked { start = step > 0 ? 0 : size - 1 }
            let count: Int
            if slice.shrink {
                guard start >= 0, start < size else { throw context.invalid("a shrunk axis's index is out of range") }
                count = 1
            } else {
                var stop = offset ? slice.end + start : slice.end
                if stop < 0 { stop += size }
                stop = step > 0 ? clamp(stop, 0, size) : clamp(stop, -1, size - 1)
                if slice.endMasked { stop = step > 0 ? size : -1 }
                count = step > 0 ? ceilingDivide(stop - start, step) : ceilingDivide(start - stop, -step)
            }
            counts.append(count)
            steps.append(step * inputStrides[axis])
            if count > 0 { base += start * inputStrides[axis] }
        }

        guard outputSources.count == outputDims.count else { throw context.invalid("the output shape does not match the slice") }
        for (index, source) in outputSources.enumerated() where outputDims[index] != (source < 0 ? 1 : counts[source]) {
            throw context.invalid("the output shape does not match the slice")
        }
        guard let walk = StridedWalk(base: base, counts: counts, steps: steps) else { throw context.invalid("STRIDED_SLICE takes at most 6 input dimensions") }
        context.setOpData(OpData(width: width, walk: walk))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        data.walk.run(data.width, from: context.input(0)!, to: context.output(0))
    }

    private static func clamp(_ value: Int, _ low: Int, _ high: Int) -> Int { min(max(value, low), high) }

    /// `⌈a / b⌉` for `b > 0`, never below 0.
    private static func ceilingDivide(_ a: Int, _ b: Int) -> Int { a <= 0 ? 0 : (a + b - 1) / b }
}
