import SwiftletFormat

/// GATHER_ND: `output[i…] = params[indices[i…, 0], …, indices[i…, n−1], …]` — each
/// row of the last indices axis (length n ≤ params' rank, at most 5) picks one
/// element or slice. Indices int32 (as TFLM) or int64, checked at run time. Any
/// fixed-width params type (TFLM: float32, int8).
public enum GatherNd {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .gatherNd, prepare: prepare, eval: eval) }

    /// The longest index tuple TFLM takes.
    static let maxIndexDepth = 5

    struct OpData {
        var indicesAre64: Bool
        var sliceCount: Int
        var indexDepth: Int
        var sliceBytes: Int
        /// Params' extents and byte strides along the indexed axes.
        var extents: UnsafeMutablePointer<Int>
        var strides: UnsafeMutablePointer<Int>
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("GATHER_ND takes params, indices and one output") }
        let params = try context.requiredInput(0)
        let indices = try context.requiredInput(1)
        let output = try context.requiredOutput(0)
        guard let width = ElementMove.Width(params.type), output.type == params.type else { throw context.unsupported(output) }
        guard indices.type == .int32 || indices.type == .int64 else { throw context.unsupported(indices) }
        guard let paramDims = ElementMove.dimensions(params), let indexDims = ElementMove.dimensions(indices),
              let outputDims = ElementMove.dimensions(output) else {
            throw .unsupportedFeature("tensors with a dynamic (-1) dimension in their stored shape")
        }
        guard paramDims.count >= 1, indexDims.count >= 1 else { throw context.invalid("params and indices must be at least vectors") }
        let depth = indexDims[indexDims.count - 1]
        guard depth <= paramDims.count, depth <= maxIndexDepth else { throw context.invalid("the index tuples are longer than params' rank (or 5)") }
        guard Array(indexDims.dropLast()) + Array(paramDims[depth...]) == outputDims else {
            throw context.invalid("the output shape does not match params and indices")
        }
        var sliceElements = 1
        for index in depth..<paramDims.count { sliceElements *= paramDims[index] }
        let extents = context.allocateArray(Int.self, count: max(depth, 1))
        let strides = context.allocateArray(Int.self, count: max(depth, 1))
        var running = sliceElements * width.bytes
        for axis in stride(from: depth - 1, through: 0, by: -1) {
            extents[axis] = paramDims[axis]
            strides[axis] = running
            running *= paramDims[axis]
        }
        var slices = 1
        for dimension in indexDims.dropLast() { slices *= dimension }
        context.setOpData(OpData(indicesAre64: indices.type == .int64, sliceCount: slices, indexDepth: depth,
                                 sliceBytes: sliceElements * width.bytes, extents: extents.baseAddress!, strides: strides.baseAddress!))
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
        var tuple = indices
        for _ in 0..<data.sliceCount {
            var offset = 0
            for axis in 0..<data.indexDepth {
                let index = Int(tuple[axis])
                guard index >= 0, index < data.extents[axis] else { throw .kernelFailure(op: "GATHER_ND", reason: "an index is out of range") }
                offset += index * data.strides[axis]
            }
            destination.copyMemory(from: params + offset, byteCount: data.sliceBytes)
            destination += data.sliceBytes
            tuple += data.indexDepth
        }
    }
}
