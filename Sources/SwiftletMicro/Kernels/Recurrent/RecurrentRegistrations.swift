/// The recurrent kernels by name: `OpResolver([.svdf])`. Their state lives in
/// variable tensors, which the interpreter keeps in the arena's persistent tail;
/// `MicroInterpreter.reset()` clears it.
extension KernelRegistration {
    /// SVDF (float32; int8 with int16 or int8 state, as TFLM).
    public static var svdf: KernelRegistration { Svdf.registration }
}

extension KernelRegistration {
    /// UNIDIRECTIONAL_SEQUENCE_LSTM (float32; no peephole, projection, layer norm or CIFG).
    public static var unidirectionalSequenceLstm: KernelRegistration { UnidirectionalSequenceLstm.registration }
}
