import SwiftletFormat

/// CONCATENATION: joins its inputs along `axis` (negative counts from the end).
/// bool, float32, int8, int16, int32, int64, as TFLM.
///
/// Like TFLM's kernel, int8 inputs are copied as they are: an input whose scale
/// or zero point differs from the output's is not requantized (the converter
/// gives every input the output's parameters). The fused activation must be NONE,
/// as TFLM requires.
public enum Concatenation {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .concatenation, prepare: prepare, eval: eval) }

    struct OpData {
        /// Product of the output dimensions before the axis.
        var outerCount: Int
        var inputCount: Int
        /// Bytes each input contributes per outer step.
        var chunkBytes: UnsafeMutablePointer<Int>
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount >= 1, context.outputCount == 1 else { throw context.invalid("CONCATENATION takes one or more inputs and one output") }
        let output = try context.requiredOutput(0)
        let options = try context.options(ConcatenationOptions.self)
        guard let activation = ActivationFunction(rawValue: options.fusedActivationFunction) else { throw context.invalid("unknown fused activation") }
        guard activation == .none else { throw .unsupportedFeature("CONCATENATION with a fused activation (TFLM requires NONE)") }
        guard ElementMove.isOneOf(output.type, [.bool, .float32, .int8, .int16, .int32, .int64]),
              let width = ElementMove.Width(output.type) else { throw context.unsupported(output) }
        guard let outputDims = ElementMove.dimensions(output) else {
            throw .unsupportedFeature("tensors with a dynamic (-1) dimension in their stored shape")
        }
        let rank = outputDims.count
        let axis = options.axis < 0 ? Int(options.axis) + rank : Int(options.axis)
        guard axis >= 0, axis < rank else { throw context.invalid("the axis is out of range") }

        var innerCount = 1
        for dimension in outputDims[(axis + 1)...] { innerCount *= dimension }
        var outerCount = 1
        for dimension in outputDims[..<axis] { outerCount *= dimension }

        let chunkBytes = context.allocateArray(Int.self, count: context.inputCount)
        var axisTotal = 0
        for slot in 0..<context.inputCount {
            let input = try context.requiredInput(slot)
            guard input.type == output.type else { throw context.unsupported(input) }
            guard let inputDims = ElementMove.dimensions(input) else {
                throw .unsupportedFeature("tensors with a dynamic (-1) dimension in their stored shape")
            }
            guard inputDims.count == rank else { throw context.invalid("every input must have the output's rank") }
            for index in 0..<rank where index != axis {
                guard inputDims[index] == outputDims[index] else { throw context.invalid("inputs differ from the output off the axis") }
            }
            axisTotal += inputDims[axis]
            chunkBytes[slot] = inputDims[axis] * innerCount * width.bytes
        }
        guard axisTotal == outputDims[axis] else { throw context.invalid("the inputs' sizes along the axis do not add up to the output's") }
        context.setOpData(OpData(outerCount: outerCount, inputCount: context.inputCount, chunkBytes: chunkBytes.baseAddress!))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        var destination = context.output(0)
        for outer in 0..<data.outerCount {
            for slot in 0..<data.inputCount {
                let bytes = data.chunkBytes[slot]
                destination.copyMemory(from: context.input(slot)! + outer * bytes, byteCount: bytes)
                destination += bytes
            }
        }
    }
}
