import SwiftletFormat

/// READ_VARIABLE: copies a resource variable's value (input 0 is its handle) to the output.
public enum ReadVariable {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .readVariable, prepare: prepare, eval: eval) }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1, context.outputCount == 1 else { throw context.invalid("READ_VARIABLE takes a handle and one output") }
        let handle = try context.requiredInput(0)
        guard handle.type == .resource else { throw context.unsupported(handle) }
        let output = try context.requiredOutput(0)
        context.setOpData(Int32(truncatingIfNeeded: MicroInterpreter.storageBytes(of: output.tensor)))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let bytes = Int(context.opData(as: Int32.self).pointee)
        let value = context.input(0)!.load(as: UnsafeMutableRawPointer.self)
        context.output(0).copyMemory(from: value, byteCount: bytes)
    }
}
