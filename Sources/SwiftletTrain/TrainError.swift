/// Every error the training library raises. Each case names the problem and what to do.
public enum TrainError: Error, Equatable, CustomStringConvertible {
    /// A layer or model was defined with shapes that do not fit together.
    case shapeMismatch(String)
    /// A training or export argument is not acceptable.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let message): return "shape mismatch: \(message)"
        case .invalidArgument(let message): return message
        }
    }
}
