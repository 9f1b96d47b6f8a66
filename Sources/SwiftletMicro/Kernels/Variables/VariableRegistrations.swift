/// The resource-variable kernels by name: `OpResolver([.varHandle, .readVariable, .assignVariable])`.
/// Variables live in the arena's persistent tail; `MicroInterpreter.reset()` sets them to their default.
extension KernelRegistration {
    /// VAR_HANDLE.
    public static var varHandle: KernelRegistration { VarHandle.registration }
    /// READ_VARIABLE (any tensor type: it only copies).
    public static var readVariable: KernelRegistration { ReadVariable.registration }
    /// ASSIGN_VARIABLE (any tensor type: it only copies).
    public static var assignVariable: KernelRegistration { AssignVariable.registration }
}
