import SwiftletFormat

/// SPLIT, SPLIT_V and UNPACK: cut the input along one axis into consecutive pieces,
/// one per output — equal pieces (SPLIT), given sizes with at most one −1 (SPLIT_V),
/// or pieces of 1 with the axis dropped (UNPACK). Any fixed-width element type.
public enum Split {
    /// SPLIT's registration: inputs (axis, input).
    public static var splitRegistration: KernelRegistration { KernelRegistration(code: .split, prepare: prepareSplit, eval: eval) }
    /// SPLIT_V's registration: inputs (input, size_splits, axis).
    public static var splitVRegistration: KernelRegistration { KernelRegistration(code: .splitV, prepare: prepareSplitV, eval: eval) }
    /// UNPACK's registration.
    public static var unpackRegistration: KernelRegistration { KernelRegistration(code: .unpack, prepare: prepareUnpack, eval: eval) }

    struct OpData {
        /// Product of the input dimensions before the axis.
        var outerCount: Int
        var outputCount: Int
        /// Bytes of the input per outer step.
        var rowBytes: Int
        /// Bytes each output takes per outer step.
        var chunkBytes: UnsafeMutablePointer<Int>
    }

    static func prepareSplit(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2 else { throw context.invalid("SPLIT takes an axis and an input") }
        let input = try context.requiredInput(1)
        let axis = try constantAxis(try context.requiredInput(0), input: input, context)
        let count = context.outputCount
        guard count > 0, input.dimension(axis) % count == 0 else { throw context.invalid("the axis does not divide into num_splits pieces") }
        try finish(&context, input: input, axis: axis, keepsAxis: true) { _ in input.dimension(axis) / count }
    }

    static func prepareSplitV(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 3 else { throw context.invalid("SPLIT_V takes an input, size_splits and an axis") }
        let input = try context.requiredInput(0)
        let axis = try constantAxis(try context.requiredInput(2), input: input, context)
        guard var sizes = ElementMove.constantIndices(try context.requiredInput(1), in: context), sizes.count == context.outputCount else {
            throw .unsupportedFeature("SPLIT_V needs constant size_splits, one per output")
        }
        var unknown = -1, known = 0
        for (index, size) in sizes.enumerated() {
            if size == -1 {
                guard unknown < 0 else { throw context.invalid("at most one size may be -1") }
                unknown = index
            } else {
                guard size >= 0 else { throw context.invalid("sizes must not be negative") }
                known += size
            }
        }
        if unknown >= 0 { sizes[unknown] = input.dimension(axis) - known }
        guard unknown < 0 || sizes[unknown] >= 0, sizes.reduce(0, +) == input.dimension(axis) else {
            throw context.invalid("the sizes do not add up to the axis")
        }
        try finish(&context, input: input, axis: axis, keepsAxis: true) { sizes[$0] }
    }

    static func prepareUnpack(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1 else { throw context.invalid("UNPACK takes one input") }
        let input = try context.requiredInput(0)
        let options = try context.options(UnpackOptions.self)
        var axis = Int(options.axis)
        if axis < 0 { axis += input.rank }
        guard axis >= 0, axis < input.rank else { throw context.invalid("the axis is out of range") }
        guard context.outputCount == input.dimension(axis) else { throw context.invalid("UNPACK needs one output per index of the axis") }
        try finish(&context, input: input, axis: axis, keepsAxis: false) { _ in 1 }
    }

    private static func constantAxis(_ tensor: TensorView, input: TensorView, _ context: PrepareContext) throws(MicroError) -> Int {
        guard let values = ElementMove.constantIndices(tensor, in: context), values.count == 1 else {
            throw .unsupportedFeature("SPLIT/SPLIT_V with a non-constant axis")
        }
        let axis = values[0] < 0 ? values[0] + input.rank : values[0]
        guard axis >= 0, axis < input.rank else { throw context.invalid("the axis is out of range") }
        return axis
    }

    /// Checks every output against its piece and stores the per-output byte counts.
    private static func finish(_ context: inout PrepareContext, input: TensorView, axis: Int, keepsAxis: Bool,
                               size: (Int) -> Int) throws(MicroError) {
        guard let width = ElementMove.Width(input.type) else { throw context.unsupported(input) }
        guard let dims = ElementMove.dimensions(input) else { throw .unsupportedFeature("tensors with a dynamic (-1) dimension in their stored shape") }
        var outer = 1, inner = 1
        for index in 0..<axis { outer *= dims[index] }
        for index in (axis + 1)..<dims.count { inner *= dims[index] }
        let chunkBytes = context.allocateArray(Int.self, count: context.outputCount)
        for slot in 0..<context.outputCount {
            let output = try context.requiredOutput(slot)
            guard output.type == input.type else { throw context.unsupported(output) }
            var expected = dims
            if keepsAxis { expected[axis] = size(slot) } else { expected.remove(at: axis) }
            guard ElementMove.dimensions(output) == expected else { throw context.invalid("an output's shape does not match its piece") }
            chunkBytes[slot] = size(slot) * inner * width.bytes
        }
        context.setOpData(OpData(outerCount: outer, outputCount: context.outputCount, rowBytes: dims[axis] * inner * width.bytes,
                                 chunkBytes: chunkBytes.baseAddress!))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let input = context.inputCount
        var source = UnsafeRawPointer(context.input(input == 2 ? 1 : 0)!)
        for outer in 0..<data.outerCount {
            for slot in 0..<data.outputCount {
                let bytes = data.chunkBytes[slot]
                (context.output(slot) + outer * bytes).copyMemory(from: source, byteCount: bytes)
                source += bytes
            }
        }
    }
}
