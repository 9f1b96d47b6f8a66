import SwiftletFormat

/// PACK: stacks its inputs (all of one shape and type) along a new axis. Any
/// fixed-width element type. The copy is CONCATENATION's: each input contributes
/// one run of the bytes after the axis per outer step.
public enum Pack {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .pack, prepare: prepare, eval: Concatenation.eval) }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount >= 1, context.outputCount == 1 else { throw context.invalid("PACK takes one or more inputs and one output") }
        let first = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard let width = ElementMove.Width(first.type), output.type == first.type else { throw context.unsupported(output) }
        guard let dims = ElementMove.dimensions(first), let outputDims = ElementMove.dimensions(output) else {
            throw .unsupportedFeature("tensors with a dynamic (-1) dimension in their stored shape")
        }
        let options = try context.options(PackOptions.self)
        var axis = Int(options.axis)
        if axis < 0 { axis += dims.count + 1 }
        guard axis >= 0, axis <= dims.count else { throw context.invalid("the axis is out of range") }
        var expected = dims
        expected.insert(context.inputCount, at: axis)
        guard expected == outputDims else { throw context.invalid("the output must be the inputs stacked along the axis") }
        var outer = 1, inner = 1
        for index in 0..<axis { outer *= dims[index] }
        for index in axis..<dims.count { inner *= dims[index] }
        let chunkBytes = context.allocateArray(Int.self, count: context.inputCount)
        for slot in 0..<context.inputCount {
            let input = try context.requiredInput(slot)
            guard input.type == first.type else { throw context.unsupported(input) }
            guard ElementMove.dimensions(input) == dims else { throw context.invalid("every input must have the same shape") }
            chunkBytes[slot] = inner * width.bytes
        }
        context.setOpData(Concatenation.OpData(outerCount: outer, inputCount: context.inputCount, chunkBytes: chunkBytes.baseAddress!))
    }
}
