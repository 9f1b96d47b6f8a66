import SwiftletFormat

/// REVERSE_V2: reverses the input along each axis in a constant int32/int64 axis
/// list (negative axes count from the end). Any fixed-width element type, up to 6
/// dimensions. The copy is a strided walk with negative steps on the reversed axes.
public enum ReverseV2 {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .reverseV2, prepare: prepare, eval: eval) }

    struct OpData {
        var width: ElementMove.Width
        var walk: StridedWalk
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("REVERSE_V2 takes an input, axes and one output") }
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard let width = ElementMove.Width(input.type), output.type == input.type else { throw context.unsupported(output) }
        guard let dims = ElementMove.dimensions(input), ElementMove.dimensions(output) == dims else {
            throw context.invalid("the output must have the input's shape")
        }
        guard let axes = ElementMove.constantIndices(try context.requiredInput(1), in: context) else {
            throw .unsupportedFeature("REVERSE_V2 with non-constant axes")
        }
        var reversed = [Bool](repeating: false, count: dims.count)
        for value in axes {
            let axis = value < 0 ? value + dims.count : value
            guard axis >= 0, axis < dims.count else { throw context.invalid("an axis is out of range") }
            reversed[axis] = true
        }
        let strides = ElementMove.strides(of: dims)
        var base = 0
        var steps: [Int] = []
        for axis in 0..<dims.count {
            if reversed[axis] {
                base += max(dims[axis] - 1, 0) * strides[axis]
                steps.append(-strides[axis])
            } else {
                steps.append(strides[axis])
            }
        }
        guard let walk = StridedWalk(base: base, counts: dims, steps: steps) else { throw context.invalid("REVERSE_V2 takes at most 6 dimensions") }
        context.setOpData(OpData(width: width, walk: walk))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        data.walk.run(data.width, from: context.input(0)!, to: context.output(0))
    }
}
