import Foundation

/// Every error the converter side raises (importers, graph passes, quantizer). Each case names the
/// problem and, in `description`, what to do about it.
public enum ConvertError: Error, Equatable, CustomStringConvertible {
    /// The input file or folder is not in a format the converter reads.
    case unsupportedFormat(path: String, reason: String)
    /// A file is in a known format but malformed (truncated, bad offsets, inconsistent sizes).
    case malformed(path: String, reason: String)
    /// A model uses an operator or layer the converter cannot translate.
    case unsupportedOperator(name: String, node: String, supported: String)
    /// A model is valid but uses a feature outside what is implemented.
    case unsupportedFeature(String)
    /// Arguments or data given to the converter do not fit the model.
    case invalidInput(String)
    /// A graph is inconsistent: operand shapes that do not fit, a tensor used before it is
    /// produced, an output nothing writes. Names the operator or tensor.
    case invalidGraph(String)
    /// The quantizer was given a model that already holds quantized tensors.
    case alreadyQuantized(tensor: String, type: String)
    /// An HDF5 file uses a feature outside the subset Swiftlet reads (what h5py writes for Keras).
    case unsupportedHDF5(path: String, feature: String)

    public var description: String {
        switch self {
        case .unsupportedFormat(let path, let reason):
            return "\(path): not a format Swiftlet converts: \(reason)"
        case .malformed(let path, let reason):
            return "\(path): malformed file: \(reason)"
        case .unsupportedOperator(let name, let node, let supported):
            return "unsupported operator \(name) at \(node); supported: \(supported)"
        case .unsupportedFeature(let message):
            return "unsupported: \(message)"
        case .invalidInput(let message):
            return message
        case .invalidGraph(let message):
            return "invalid graph: \(message)"
        case .alreadyQuantized(let tensor, let type):
            return "the model is already quantized (tensor '\(tensor)' is \(type)); quantize the float32 model instead"
        case .unsupportedHDF5(let path, let feature):
            return "\(path): unsupported HDF5 feature \(feature); Swiftlet reads the subset h5py writes for Keras "
                + "(re-save the model with Keras, uncompressed)"
        }
    }
}
