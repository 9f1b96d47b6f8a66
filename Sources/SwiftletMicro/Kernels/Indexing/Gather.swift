import SwiftletFormat

/// GATHER: `output = params` with axis `axis` replaced by the indices' axes, taking
/// rows `indices[…]` (int32 or int64, checked at run time: an index out of range
/// fails the invoke, as in TFLM); `batch_dims` leading axes are shared by params and
/// indices. Any fixed-width params type (TFLM: float32, int8).
public enum Gather {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .gather, prepare: prepare, eval: eval) }

    struct OpData {
        var indicesAre64: Bool
        var batchCount: Int
        var outerCount: Int
        var axisCount: Int
        var coordinateCount: Int
        var innerBytes: Int
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("GATHER takes params, indices and one output") }
        let params = try context.requiredInput(0)
        let indices = try context.requiredInput(1)
        let output = try context.requiredOutput(0)
        guard let width = ElementMove.Width(params.type), output.type == params.type else { throw context.unsupported(output) }
        guard indices.type == .int32 || indices.type == .int64 else { throw context.unsupported(indices) }
        guard let paramDims = ElementMove.dimensions(params), let indexDims = ElementMove.dimensions(indices),
              let outputDims = ElementMove.dimensions(output) else {
            throw .unsupportedFeature("tensors with a dynamic (-1) dimension in their stored shape")
        }
        let options = context.op.options(GatherOptions.self)
        var axis = Int(options?.axis ?? 0), batchDims = Int(options?.batchDims ?? 0)
        if axis < 0 { axis += paramDims.count }
        if batchDims < 0 { batchDims += indexDims.count }
        guard axis >= 0, axis < paramDims.count else { throw context.invalid("the axis is out of range") }
        guard batchDims >= 0, batchDims <= axis, batchDims <= indexDims.count else { throw context.invalid("batch_dims is out of range") }
        for index in 0..<batchDims where paramDims[index] != indexDims[index] {
            throw context.invalid("params and indices differ in a batch dimension")
        }
        let expected = Array(paramDims[..<axis]) + Array(indexDims[batchDims...]) + Array(paramDims[(axis + 1)...])
        guard expected == outputDims else { throw context.invalid("the output shape does not match params and indices") }
        var batch = 1, outer = 1, inner = 1, coordinates = 1
        for index in 0..<batchDims { batch *= paramDims[index] }
        for index in batchDims..<axis { outer *= paramDims[index] }
        for index in (axis + 1)..<paramDims.count { inner *= paramDims[index] }
        for index in batchDims..<indexDims.count { coordinates *= indexDims[index] }
        context.setOpData(OpData(indicesAre64: indices.type == .int64, batchCount: batch, outerCount: outer, axisCount: paramDims[axis],
                                 coordinateCount: coordinates, innerBytes: inner * width.bytes))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        if data.indicesAre64 {
            try run(context, data, context.input(1, as: Int64.self))
        } else {
            try run(context, data, context.input(1, as: Int32.self))
        }
    }

    private static func run<Index: FixedWidthInteger>(_ context: borrowing EvalContext, _ data: OpData, _ indices: UnsafePointer<Index>) throws(MicroError) {
        let params = UnsafeRawPointer(context.input(0)!)
        var destination = context.output(0)
        let row = data.innerBytes, coordinates = data.coordinateCount, axisCount = data.axisCount
        for batch in 0..<data.batchCount {
            let batchIndices = indices + batch * coordinates
            for outer in 0..<data.outerCount {
                let block = params + (batch * data.outerCount + outer) * axisCount * row
                for coordinate in 0..<coordinates {
                    let index = Int(batchIndices[coordinate])
                    guard index >= 0, index < axisCount else { throw .kernelFailure(op: "GATHER", reason: "an index is out of range") }
                    destination.copyMemory(from: block + index * row, byteCount: row)
                    destination += row
                }
            }
        }
    }
}
