/// The control-flow kernels by name: `OpResolver([.if, .while, .callOnce])`. The
/// subgraphs they call share the arena with the main graph: the planner lays
/// out all subgraphs on one timeline (see the README's "Subgraphs and control flow").
extension KernelRegistration {
    /// IF (any tensor types: it only copies).
    public static var `if`: KernelRegistration { If.registration }
    /// WHILE (any tensor types: it only copies).
    public static var `while`: KernelRegistration { While.registration }
    /// CALL_ONCE.
    public static var callOnce: KernelRegistration { CallOnce.registration }
}
