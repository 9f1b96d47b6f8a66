import SwiftletFormat

/// EMBEDDING_LOOKUP: `output[i, …] = value[ids[i], …]` for int32 ids (a vector,
/// checked at run time). float32 and int8 values are copied; an int8 value table
/// with a float32 output is dequantized (`scale · q`, zero point 0), as TFLM does.
public enum EmbeddingLookup {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .embeddingLookup, prepare: prepare, eval: eval) }

    struct OpData {
        var dequantize: Bool
        var rowCount: Int
        var lookupCount: Int
        var rowElements: Int
        var rowBytes: Int
        var scale: Float
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("EMBEDDING_LOOKUP takes ids, a value table and one output") }
        let ids = try context.requiredInput(0)
        let value = try context.requiredInput(1)
        let output = try context.requiredOutput(0)
        guard ids.type == .int32 else { throw context.unsupported(ids) }
        guard ids.rank == 1 else { throw context.invalid("the ids must be a vector") }
        guard value.rank >= 2 else { throw context.invalid("the value table must have rank 2 or more") }
        let dequantize: Bool
        switch (value.type, output.type) {
        case (.float32, .float32), (.int8, .int8): dequantize = false
        case (.int8, .float32):
            guard value.zeroPoint == 0 else { throw context.invalid("a dequantized value table needs zero point 0") }
            dequantize = true
        default: throw context.unsupported(value.type == .float32 || value.type == .int8 ? output : value)
        }
        let rows = value.dimension(0)
        let rowElements = rows == 0 ? 0 : value.elementCount / rows
        guard output.elementCount == ids.dimension(0) * rowElements else { throw context.invalid("the output shape does not match ids and value") }
        context.setOpData(OpData(dequantize: dequantize, rowCount: rows, lookupCount: ids.dimension(0), rowElements: rowElements,
                                 rowBytes: rowElements * (value.type == .float32 ? 4 : 1), scale: value.scale))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        guard data.rowCount > 0 else { return }
        let ids = context.input(0, as: Int32.self)
        let value = UnsafeRawPointer(context.input(1)!)
        for lookup in 0..<data.lookupCount {
            let row = Int(ids[lookup])
            guard row >= 0, row < data.rowCount else { throw .kernelFailure(op: "EMBEDDING_LOOKUP", reason: "an id is out of range") }
            if data.dequantize {
                let source = value.assumingMemoryBound(to: Int8.self) + row * data.rowElements
                let destination = context.output(0, as: Float.self) + lookup * data.rowElements
                for index in 0..<data.rowElements { destination[index] = data.scale * Float(source[index]) }
            } else {
                (context.output(0) + lookup * data.rowBytes).copyMemory(from: value + row * data.rowBytes, byteCount: data.rowBytes)
            }
        }
    }
}
