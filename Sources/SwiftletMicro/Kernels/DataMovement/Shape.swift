import SwiftletFormat

/// SHAPE: the input's dimensions as an int32 (or int64) vector. Only the input's
/// shape is read, never its data.
public enum Shape {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .shape, prepare: prepare, eval: eval) }

    struct OpData {
        var is64: Bool
        var rank: Int
        var dimensions: UnsafeMutablePointer<Int>
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1, context.outputCount == 1 else { throw context.invalid("SHAPE takes one input and one output") }
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard output.type == .int32 || output.type == .int64 else { throw context.unsupported(output) }
        guard let dims = ElementMove.dimensions(input) else { throw .unsupportedFeature("tensors with a dynamic (-1) dimension in their stored shape") }
        guard output.elementCount == dims.count else { throw context.invalid("the output must have one entry per input dimension") }
        let stored = context.allocateArray(Int.self, count: max(dims.count, 1))
        for (index, dimension) in dims.enumerated() { stored[index] = dimension }
        context.setOpData(OpData(is64: output.type == .int64, rank: dims.count, dimensions: stored.baseAddress!))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        if data.is64 {
            let output = context.output(0, as: Int64.self)
            for index in 0..<data.rank { output[index] = Int64(data.dimensions[index]) }
        } else {
            let output = context.output(0, as: Int32.self)
            for index in 0..<data.rank { output[index] = Int32(truncatingIfNeeded: data.dimensions[index]) }
        }
    }
}
