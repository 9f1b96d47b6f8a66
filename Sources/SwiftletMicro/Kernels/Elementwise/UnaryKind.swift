import SwiftletFormat

/// The element types of the single-input activation kernels.
typealias UnaryKind = NumericKind

/// The single-input activation kernels' shared validation and eval loop.
extension NumericKind {
    /// Checks one input and one output of the same type and element count.
    static func validate(_ context: inout PrepareContext, allowInt16: Bool) throws(MicroError) -> (TensorView, TensorView, UnaryKind) {
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard input.type == output.type else { throw context.unsupported(output) }
        guard input.elementCount == output.elementCount else { throw context.invalid("input and output sizes differ") }
        return (input, output, try NumericKind(input, context, allowInt16: allowInt16))
    }

    /// Eval's elementwise loop, shared by the unary kernels: `output[i] = transform(input[i])`
    /// for the first `count` elements of input 0 and output 0. Inlined with its closure, so
    /// the loop body is the transform itself.
    @inline(__always)
    static func map<Element>(_ context: borrowing EvalContext, _ count: Int, _ type: Element.Type,
                             _ transform: (Element) -> Element) {
        let input = context.input(0, as: Element.self), output = context.output(0, as: Element.self)
        for index in 0..<count { output[index] = transform(input[index]) }
    }
}
