import SwiftletFormat

/// TRANSPOSE: `output[i₀, …, iₙ₋₁] = input[j]` with `j[perm[k]] = iₖ`, for a
/// constant `perm` (int32 or int64). Up to 6 dimensions; float32, int8, int16,
/// int32. The walk over the input (strides, merged contiguous axes) is
/// computed in `prepare`.
public enum Transpose {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .transpose, prepare: prepare, eval: eval) }

    /// The most dimensions the kernel takes.
    static let maxRank = 6

    struct OpData {
        var width: ElementMove.Width
        var walk: StridedWalk
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("TRANSPOSE takes an input, a permutation and one output") }
        let input = try context.requiredInput(0)
        let permutation = try context.requiredInput(1)
        let output = try context.requiredOutput(0)
        guard input.type == output.type else { throw context.unsupported(output) }
        guard ElementMove.isOneOf(input.type, [.float32, .int8, .int16, .int32]), let width = ElementMove.Width(input.type) else {
            throw context.unsupported(input)
        }
        guard let inputDims = ElementMove.dimensions(input), let outputDims = ElementMove.dimensions(output) else {
            throw .unsupportedFeature("tensors with a dynamic (-1) dimension in their stored shape")
        }
        let rank = inputDims.count
        guard rank <= maxRank else { throw context.invalid("TRANSPOSE takes at most 6 dimensions") }
        guard let perm = ElementMove.constantIndices(permutation, in: context) else {
            if permutation.type != .int32 && permutation.type != .int64 { throw context.unsupported(permutation) }
            throw .unsupportedFeature("TRANSPOSE with a non-constant permutation")
        }
        guard permutation.rank == 1, perm.count == rank else { throw context.invalid("the permutation must list every input dimension once") }
        var seen = [Bool](repeating: false, count: rank)
        for axis in perm {
            guard axis >= 0, axis < rank, !seen[axis] else { throw context.invalid("the permutation must list every input dimension once") }
            seen[axis] = true
        }
        guard outputDims.count == rank else { throw context.invalid("the output rank differs from the input rank") }
        for index in 0..<rank where outputDims[index] != inputDims[perm[index]] {
            throw context.invalid("the output shape is not the permuted input shape")
        }
        let inputStrides = ElementMove.strides(of: inputDims)
        var counts: [Int] = [], steps: [Int] = []
        for index in 0..<rank {
            counts.append(inputDims[perm[index]])
            steps.append(inputStrides[perm[index]])
        }
        guard let walk = StridedWalk(base: 0, counts: counts, steps: steps) else { throw context.invalid("TRANSPOSE takes at most 6 dimensions") }
        context.setOpData(OpData(width: width, walk: walk))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        data.walk.run(data.width, from: context.input(0)!, to: context.output(0))
    }
}
