import SwiftletFormat

/// SLICE: `output = input[begin : begin + size]` per axis, with constant begin and
/// size tensors (int32 or int64; a size of −1 runs to the end of the axis). Any
/// fixed-width element type, up to 6 dimensions (TFLM: 5).
public enum Slice {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .slice, prepare: prepare, eval: eval) }

    struct OpData {
        var width: ElementMove.Width
        var walk: StridedWalk
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 3, context.outputCount == 1 else { throw context.invalid("SLICE takes an input, begin, size and one output") }
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard let width = ElementMove.Width(input.type), output.type == input.type else { throw context.unsupported(output) }
        guard let dims = ElementMove.dimensions(input), let outputDims = ElementMove.dimensions(output) else {
            throw .unsupportedFeature("tensors with a dynamic (-1) dimension in their stored shape")
        }
        let beginTensor = try context.requiredInput(1), sizeTensor = try context.requiredInput(2)
        guard let begins = ElementMove.constantIndices(beginTensor, in: context), let sizes = ElementMove.constantIndices(sizeTensor, in: context) else {
            throw .unsupportedFeature("SLICE with non-constant begin or size")
        }
        guard begins.count == dims.count, sizes.count == dims.count else { throw context.invalid("begin and size need one entry per input axis") }
        let strides = ElementMove.strides(of: dims)
        var base = 0
        var counts: [Int] = []
        for axis in 0..<dims.count {
            let begin = begins[axis]
            let size = sizes[axis] == -1 ? dims[axis] - begin : sizes[axis]
            guard begin >= 0, size >= 0, begin + size <= dims[axis] else { throw context.invalid("the slice runs outside the input") }
            counts.append(size)
            base += begin * strides[axis]
        }
        guard counts == outputDims else { throw context.invalid("the output shape does not match the slice") }
        guard let walk = StridedWalk(base: base, counts: counts, steps: strides) else { throw context.invalid("SLICE takes at most 6 dimensions") }
        context.setOpData(OpData(width: width, walk: walk))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        data.walk.run(data.width, from: context.input(0)!, to: context.output(0))
    }
}
