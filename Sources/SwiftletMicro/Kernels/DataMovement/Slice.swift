import SwiftletFormat

/// SLICE: `output = input[begin : begin + size]` per axis, with int32 or int64 begin
/// and size tensors (a size of −1 runs to the end of the axis). Any fixed-width
/// element type, up to 6 dimensions (TFLM: 5). `begin` may be computed at run time
/// (as in the WHILE body of a converted Keras LSTM, which slices time step i): then the
/// output's static shape gives the sizes (as it must in TFLM, which cannot resize), and each begin is clamped so the slice stays inside
/// the input (TFLM does not check it).
public enum Slice {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .slice, prepare: prepare, eval: eval) }

    struct OpData {
        var width: ElementMove.Width
        var walk: StridedWalk
        /// For a run-time begin: per axis, the input stride and the largest begin.
        var runtimeRank: Int32 = 0
        var beginIs64 = false
        var strides: UnsafeMutablePointer<Int>? = nil
        var maxBegins: UnsafeMutablePointer<Int>? = nil
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
        guard let begins = ElementMove.constantIndices(beginTensor, in: context),
              let sizes = ElementMove.constantIndices(sizeTensor, in: context) else {
            try prepareRuntimeBegin(&context, width: width, dims: dims, outputDims: outputDims, begin: beginTensor)
            return
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

    private static func prepareRuntimeBegin(_ context: inout PrepareContext, width: ElementMove.Width, dims: [Int], outputDims: [Int],
                                            begin: TensorView) throws(MicroError) {
        guard begin.type == .int32 || begin.type == .int64 else { throw context.unsupported(begin) }
        guard begin.elementCount == dims.count, outputDims.count == dims.count else { throw context.invalid("begin and size need one entry per input axis") }
        let strides = ElementMove.strides(of: dims)
        guard (0..<dims.count).allSatisfy({ outputDims[$0] <= dims[$0] }) else { throw context.invalid("the output shape does not match the slice") }
        // A walk whose per-axis steps stay the same whatever the begin (count-1 axes are dropped, as the begin moves only the base).
        guard let walk = StridedWalk(base: 0, counts: outputDims, steps: strides) else { throw context.invalid("SLICE takes at most 6 dimensions") }
        let storedStrides = context.allocateArray(Int.self, count: max(dims.count, 1))
        let maxBegins = context.allocateArray(Int.self, count: max(dims.count, 1))
        for axis in 0..<dims.count {
            storedStrides[axis] = strides[axis]
            maxBegins[axis] = dims[axis] - outputDims[axis]
        }
        context.setOpData(OpData(width: width, walk: walk, runtimeRank: Int32(dims.count), beginIs64: begin.type == .int64,
                                 strides: storedStrides.baseAddress, maxBegins: maxBegins.baseAddress))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        var walk = data.walk
        if data.runtimeRank > 0, let strides = data.strides, let maxBegins = data.maxBegins {
            var base = 0
            for axis in 0..<Int(data.runtimeRank) {
                let begin = data.beginIs64 ? Int(truncatingIfNeeded: context.input(1, as: Int64.self)[axis])
                                           : Int(context.input(1, as: Int32.self)[axis])
                base += min(max(begin, 0), maxBegins[axis]) * strides[axis]
            }
            walk.base = base
        }
        walk.run(data.width, from: context.input(0)!, to: context.output(0))
    }
}
