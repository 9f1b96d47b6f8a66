import SwiftletFormat

/// MIRROR_PAD: pads each axis with a mirror image of the input — REFLECT leaves out
/// the edge element (`[1,2,3]` padded by 2 → `3,2,1,2,3,2,1`), SYMMETRIC repeats it
/// (`2,1,1,2,3,3,2`). Constant int32/int64 paddings of shape [rank, 2]. Any
/// fixed-width element type (quantized values are copied; TFLM: float32, int8, int16).
public enum MirrorPad {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .mirrorPad, prepare: prepare, eval: eval) }

    struct OpData {
        var width: ElementMove.Width
        var gather: AxisMapGather
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("MIRROR_PAD takes an input, paddings and one output") }
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard let width = ElementMove.Width(input.type), output.type == input.type else { throw context.unsupported(output) }
        guard let dims = ElementMove.dimensions(input), let outputDims = ElementMove.dimensions(output) else {
            throw .unsupportedFeature("tensors with a dynamic (-1) dimension in their stored shape")
        }
        guard let paddings = ElementMove.constantIndices(try context.requiredInput(1), in: context), paddings.count == 2 * dims.count else {
            throw .unsupportedFeature("MIRROR_PAD needs constant paddings of shape [rank, 2]")
        }
        let options = try context.options(MirrorPadOptions.self)
        let symmetric = options.mode == 1
        // REFLECT may pad by up to size − 1 on a side, SYMMETRIC by up to size.
        let limit = symmetric ? 0 : 1
        for axis in 0..<dims.count {
            let before = paddings[2 * axis], after = paddings[2 * axis + 1]
            guard before >= 0, after >= 0, before <= dims[axis] - limit, after <= dims[axis] - limit else {
                throw context.invalid("a padding is larger than the mirror allows")
            }
            guard outputDims.count == dims.count, outputDims[axis] == dims[axis] + before + after else {
                throw context.invalid("the output shape does not match the paddings")
            }
        }
        let strides = ElementMove.strides(of: dims)
        guard let gather = AxisMapGather(counts: outputDims, in: &context, offset: { axis, index in
            let size = dims[axis]
            var position = index - paddings[2 * axis]
            if position < 0 { position = symmetric ? -position - 1 : -position }
            if position >= size { position = symmetric ? 2 * size - 1 - position : 2 * size - 2 - position }
            return position * strides[axis]
        }) else { throw context.invalid("MIRROR_PAD takes at most 6 dimensions") }
        context.setOpData(OpData(width: width, gather: gather))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        data.gather.run(data.width, from: context.input(0)!, to: context.output(0))
    }
}
