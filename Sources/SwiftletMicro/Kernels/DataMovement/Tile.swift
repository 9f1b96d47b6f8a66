import SwiftletFormat

/// TILE (beyond TFLM, as LiteRT): repeats the input `multiples[i]` times along each
/// axis, with constant int32/int64 multiples. Any fixed-width element type, up to 6
/// dimensions.
public enum Tile {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .tile, prepare: prepare, eval: eval) }

    struct OpData {
        var width: ElementMove.Width
        var gather: AxisMapGather
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("TILE takes an input, multiples and one output") }
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard let width = ElementMove.Width(input.type), output.type == input.type else { throw context.unsupported(output) }
        guard let dims = ElementMove.dimensions(input), let outputDims = ElementMove.dimensions(output) else {
            throw .unsupportedFeature("tensors with a dynamic (-1) dimension in their stored shape")
        }
        guard let multiples = ElementMove.constantIndices(try context.requiredInput(1), in: context), multiples.count == dims.count else {
            throw .unsupportedFeature("TILE needs constant multiples, one per input axis")
        }
        guard outputDims.count == dims.count else { throw context.invalid("the output shape does not match the multiples") }
        for axis in 0..<dims.count where multiples[axis] < 0 || outputDims[axis] != dims[axis] * multiples[axis] {
            throw context.invalid("the output shape does not match the multiples")
        }
        let strides = ElementMove.strides(of: dims)
        guard let gather = AxisMapGather(counts: outputDims, in: &context, offset: { axis, index in
            (index % dims[axis]) * strides[axis]
        }) else { throw context.invalid("TILE takes at most 6 dimensions") }
        context.setOpData(OpData(width: width, gather: gather))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        data.gather.run(data.width, from: context.input(0)!, to: context.output(0))
    }
}
