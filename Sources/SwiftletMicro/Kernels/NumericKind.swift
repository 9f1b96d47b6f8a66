import SwiftletFormat

/// The activation element types most kernels take — float32, int8 and int16 —
/// found once in `prepare` and switched on in `eval`.
enum NumericKind {
    case float32, int8, int16

    /// `tensor`'s kind; any other type (and int16 unless `allowInt16`) is unsupported.
    init(_ tensor: TensorView, _ context: borrowing PrepareContext, allowInt16: Bool = true) throws(MicroError) {
        switch tensor.type {
        case .float32: self = .float32
        case .int8: self = .int8
        case .int16 where allowInt16: self = .int16
        default: throw context.unsupported(tensor)
        }
    }

    /// The quantized range (int8 for float32, which has none).
    var range: (Int32, Int32) { self == .int16 ? (-32768, 32767) : (-128, 127) }

    /// Bytes per element.
    var byteWidth: Int { self == .float32 ? 4 : self == .int8 ? 1 : 2 }
}
