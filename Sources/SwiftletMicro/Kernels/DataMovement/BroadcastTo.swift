import SwiftletFormat

/// BROADCAST_TO: repeats the input numpy-style to the output's shape (up to 6
/// dimensions; the constant shape input must agree with the output). Any
/// fixed-width element type.
public enum BroadcastTo {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .broadcastTo, prepare: prepare, eval: eval) }

    struct OpData {
        var width: ElementMove.Width
        var gather: AxisMapGather
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("BROADCAST_TO takes an input, a shape and one output") }
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard let width = ElementMove.Width(input.type), output.type == input.type else { throw context.unsupported(output) }
        guard let dims = ElementMove.dimensions(input), let outputDims = ElementMove.dimensions(output) else {
            throw .unsupportedFeature("tensors with a dynamic (-1) dimension in their stored shape")
        }
        if let shape = ElementMove.constantIndices(try context.requiredInput(1), in: context), shape != outputDims {
            throw context.invalid("the shape input and the output shape differ")
        }
        guard outputDims.count >= dims.count else { throw context.invalid("the output has fewer dimensions than the input") }
        let padded = [Int](repeating: 1, count: outputDims.count - dims.count) + dims
        for axis in 0..<outputDims.count where padded[axis] != 1 && padded[axis] != outputDims[axis] {
            throw context.invalid("the input does not broadcast to the output shape")
        }
        let strides = ElementMove.strides(of: padded)
        guard let gather = AxisMapGather(counts: outputDims, in: &context, offset: { axis, index in
            padded[axis] == 1 ? 0 : index * strides[axis]
        }) else { throw context.invalid("BROADCAST_TO takes at most 6 dimensions") }
        context.setOpData(OpData(width: width, gather: gather))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        data.gather.run(data.width, from: context.input(0)!, to: context.output(0))
    }
}
