import SwiftletFormat

/// ASSIGN_VARIABLE: copies input 1 into the resource variable whose handle is input 0.
public enum AssignVariable {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .assignVariable, prepare: prepare, eval: eval) }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 0 else { throw context.invalid("ASSIGN_VARIABLE takes a handle and a value, and no outputs") }
        let handle = try context.requiredInput(0)
        guard handle.type == .resource else { throw context.unsupported(handle) }
        let value = try context.requiredInput(1)
        context.setOpData(Int32(truncatingIfNeeded: MicroInterpreter.storageBytes(of: value.tensor)))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let bytes = Int(context.opData(as: Int32.self).pointee)
        let variable = context.input(0)!.load(as: UnsafeMutableRawPointer.self)
        variable.copyMemory(from: context.input(1)!, byteCount: bytes)
    }
}
