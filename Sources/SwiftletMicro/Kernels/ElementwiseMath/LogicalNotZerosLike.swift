import SwiftletFormat

/// LOGICAL_NOT on bool tensors.
public enum LogicalNot {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .logicalNot, inPlaceElementwise: true, prepare: prepare, eval: eval) }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard input.type == .bool else { throw context.unsupported(input) }
        guard output.type == .bool else { throw context.unsupported(output) }
        guard input.elementCount == output.elementCount else { throw context.invalid("input and output sizes differ") }
        context.setOpData(input.elementCount)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let count = context.opData(as: Int.self).pointee
        UnaryKind.map(context, count, UInt8.self) { $0 == 0 ? 1 : 0 }
    }
}

/// ZEROS_LIKE: an output of the input's shape and type, all zeros (float32, int8, int32, int64).
/// As TFLM, int8 gets raw zeros, not the output's zero point.
public enum ZerosLike {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .zerosLike, prepare: prepare, eval: eval) }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard input.type == output.type else { throw context.unsupported(output) }
        guard input.type == .float32 || input.type == .int8 || input.type == .int32 || input.type == .int64 else {
            throw context.unsupported(input)
        }
        guard input.elementCount == output.elementCount else { throw context.invalid("input and output sizes differ") }
        context.setOpData(output.byteCount)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let bytes = context.opData(as: Int.self).pointee
        context.output(0).initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
    }
}
