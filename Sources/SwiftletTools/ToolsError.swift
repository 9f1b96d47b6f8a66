import Foundation

/// Every error the host tools raise. Each case names the problem and, in
/// `description`, what to do about it.
public enum ToolsError: Error, Equatable, CustomStringConvertible {
    /// A path given by the user does not exist.
    case fileNotFound(path: String)
    /// A file exists but could not be read.
    case unreadable(path: String, reason: String)
    /// An output could not be written (folder missing, no permission, disk full…).
    case unwritable(path: String, reason: String)
    /// A `.npy` / `.npz` file is malformed.
    case invalidNumPy(path: String, reason: String)
    /// A `.npy` / `.npz` file is well formed but uses a feature Swiftlet does not read.
    case unsupportedNumPy(path: String, feature: String)
    /// A model file failed verification.
    case invalidModel(path: String, reason: String)
    /// A command-line argument is not acceptable.
    case invalidArgument(String)
    /// Input data does not fit the model (shape, type, count), with a hint.
    case dataMismatch(String)
    /// The micro interpreter refused the model or failed while running it.
    case interpreter(String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file; check the path"
        case .unreadable(let path, let reason):
            return "\(path): cannot read (\(reason))"
        case .unwritable(let path, let reason):
            return "\(path): cannot write (\(reason)); check that the folder exists and is writable"
        case .invalidNumPy(let path, let reason):
            return "\(path): not a valid NumPy file: \(reason)"
        case .unsupportedNumPy(let path, let feature):
            return "\(path): unsupported NumPy feature: \(feature); save it with numpy.save as a C-order array of a numeric or bool dtype"
        case .invalidModel(let path, let reason):
            return "\(path): not a valid .tflite model: \(reason)"
        case .invalidArgument(let message):
            return message
        case .dataMismatch(let message):
            return message
        case .interpreter(let message):
            return message
        }
    }
}
