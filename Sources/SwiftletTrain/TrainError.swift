/// Every error the training library raises. Each case names the problem and what to do.
public enum TrainError: Error, Equatable, CustomStringConvertible {
    /// A layer or model was defined with shapes that do not fit together.
    case shapeMismatch(String)
    /// A training or export argument is not acceptable.
    case invalidArgument(String)
    /// The model could not be turned into a `.tflite` graph (the converter's message).
    case exportFailed(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let message): return "shape mismatch: \(message)"
        case .invalidArgument(let message): return message
        case .exportFailed(let message): return "export to .tflite failed: \(message)"
        }
    }
}
