import SwiftletFormat

/// The element types of the single-input activation kernels, with shared validation.
enum UnaryKind {
    case float32, int8, int16

    /// The quantized range.
    var range: (Int32, Int32) { self == .int16 ? (-32768, 32767) : (-128, 127) }

    /// Checks one input and one output of the same type and element count.
    static func validate(_ context: inout PrepareContext, allowInt16: Bool) throws(MicroError) -> (TensorView, TensorView, UnaryKind) {
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard input.type == output.type else { throw context.unsupported(output) }
        guard input.elementCount == output.elementCount else { throw context.invalid("input and output sizes differ") }
        switch input.type {
        case .float32: return (input, output, .float32)
        case .int8: return (input, output, .int8)
        case .int16 where allowInt16: return (input, output, .int16)
        default: throw context.unsupported(input)
        }
    }
}
