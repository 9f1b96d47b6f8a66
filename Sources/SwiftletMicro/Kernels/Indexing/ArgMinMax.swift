import SwiftletFormat

/// ARG_MAX and ARG_MIN: the index of the largest (smallest) element along a
/// constant axis; ties go to the first such element, as in TFLM. Input float32,
/// int8 (as TFLM), int16 and int32; output int32 (as TFLM) or int64.
public enum ArgMinMax {
    /// ARG_MAX's registration.
    public static var argMaxRegistration: KernelRegistration { KernelRegistration(code: .argMax, prepare: prepare, eval: evalMax) }
    /// ARG_MIN's registration.
    public static var argMinRegistration: KernelRegistration { KernelRegistration(code: .argMin, prepare: prepare, eval: evalMin) }

    enum InputKind { case float32, int8, int16, int32 }

    struct OpData {
        var input: InputKind
        var outputIs64: Bool
        var outerCount: Int
        var axisCount: Int
        var innerCount: Int
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("ARG_MAX/ARG_MIN take an input, an axis and one output") }
        let input = try context.requiredInput(0)
        let axisTensor = try context.requiredInput(1)
        let output = try context.requiredOutput(0)
        let kind: InputKind
        switch input.type {
        case .float32: kind = .float32
        case .int8: kind = .int8
        case .int16: kind = .int16
        case .int32: kind = .int32
        default: throw context.unsupported(input)
        }
        guard output.type == .int32 || output.type == .int64 else { throw context.unsupported(output) }
        guard let axes = ElementMove.constantIndices(axisTensor, in: context), axes.count == 1 else {
            if axisTensor.type != .int32 && axisTensor.type != .int64 { throw context.unsupported(axisTensor) }
            throw .unsupportedFeature("ARG_MAX/ARG_MIN with a non-constant axis")
        }
        guard let dims = ElementMove.dimensions(input) else { throw .unsupportedFeature("tensors with a dynamic (-1) dimension in their stored shape") }
        let axis = axes[0] < 0 ? axes[0] + dims.count : axes[0]
        guard axis >= 0, axis < dims.count, dims[axis] > 0 else { throw context.invalid("the axis is out of range") }
        var outer = 1, inner = 1
        for index in 0..<axis { outer *= dims[index] }
        for index in (axis + 1)..<dims.count { inner *= dims[index] }
        guard output.elementCount == outer * inner else { throw context.invalid("the output must be the input without the axis") }
        context.setOpData(OpData(input: kind, outputIs64: output.type == .int64, outerCount: outer, axisCount: dims[axis], innerCount: inner))
    }

    static func evalMax(_ context: borrowing EvalContext) throws(MicroError) { run(context, greater: true) }
    static func evalMin(_ context: borrowing EvalContext) throws(MicroError) { run(context, greater: false) }

    @inline(__always)
    private static func run(_ context: borrowing EvalContext, greater: Bool) {
        let data = context.opData(as: OpData.self).pointee
        switch data.input {
        case .float32: search(context.input(0, as: Float.self), context, data, greater)
        case .int8: search(context.input(0, as: Int8.self), context, data, greater)
        case .int16: search(context.input(0, as: Int16.self), context, data, greater)
        case .int32: search(context.input(0, as: Int32.self), context, data, greater)
        }
    }

    private static func search<Element: Comparable>(_ input: UnsafePointer<Element>, _ context: borrowing EvalContext, _ data: OpData, _ greater: Bool) {
        if data.outputIs64 {
            search(input, context.output(0, as: Int64.self), data, greater)
        } else {
            search(input, context.output(0, as: Int32.self), data, greater)
        }
    }

    private static func search<Element: Comparable, Index: FixedWidthInteger>(_ input: UnsafePointer<Element>, _ output: UnsafeMutablePointer<Index>,
                                                                              _ data: OpData, _ greater: Bool) {
        let inner = data.innerCount, count = data.axisCount
        var destination = output
        for outer in 0..<data.outerCount {
            let block = input + outer * count * inner
            for position in 0..<inner {
                var best = block[position]
                var bestIndex = 0
                var pointer = block + position + inner
                for index in 1..<max(count, 1) {
                    let value = pointer.pointee
                    if greater ? value > best : value < best {
                        best = value
                        bestIndex = index
                    }
                    pointer += inner
                }
                destination.pointee = Index(truncatingIfNeeded: bestIndex)
                destination += 1
            }
        }
    }
}
