import SwiftletFormat

/// DYNAMIC_UPDATE_SLICE: the operand with `update` written at start indices read at
/// run time (int32 or int64), each clamped into `[0, operand − update]` as TFLM
/// does. Any fixed-width element type. The output may share the operand's memory
/// (then only the update is written).
public enum DynamicUpdateSlice {
    /// The kernel's registration.
    public static var registration: KernelRegistration {
        KernelRegistration(code: .dynamicUpdateSlice, aliasesInputToOutput: true, prepare: prepare, eval: eval)
    }

    /// The most dimensions the kernel takes.
    static let maxRank = 6

    struct OpData {
        var indicesAre64: Bool
        var rank: Int
        var operandBytes: Int
        var elementBytes: Int
        /// Per axis: operand extent, update extent, operand element stride.
        var operandDims: UnsafeMutablePointer<Int>
        var updateDims: UnsafeMutablePointer<Int>
        var operandStrides: UnsafeMutablePointer<Int>
        var updateRowCount: Int
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 3, context.outputCount == 1 else { throw context.invalid("DYNAMIC_UPDATE_SLICE takes an operand, an update, indices and one output") }
        let operand = try context.requiredInput(0), update = try context.requiredInput(1), indices = try context.requiredInput(2)
        let output = try context.requiredOutput(0)
        guard let width = ElementMove.Width(operand.type), update.type == operand.type, output.type == operand.type else { throw context.unsupported(output) }
        guard indices.type == .int32 || indices.type == .int64 else { throw context.unsupported(indices) }
        guard let dims = ElementMove.dimensions(operand), let updateDims = ElementMove.dimensions(update),
              ElementMove.dimensions(output) == dims else { throw context.invalid("the output must have the operand's shape") }
        guard dims.count >= 1, dims.count <= maxRank, updateDims.count == dims.count, indices.elementCount == dims.count else {
            throw context.invalid("the update and indices must match the operand's rank (1 to 6)")
        }
        for axis in 0..<dims.count where updateDims[axis] > dims[axis] { throw context.invalid("the update is larger than the operand") }
        let operandArray = context.allocateArray(Int.self, count: dims.count)
        let updateArray = context.allocateArray(Int.self, count: dims.count)
        let strideArray = context.allocateArray(Int.self, count: dims.count)
        let strides = ElementMove.strides(of: dims)
        var rows = 1
        for axis in 0..<dims.count {
            operandArray[axis] = dims[axis]
            updateArray[axis] = updateDims[axis]
            strideArray[axis] = strides[axis]
            if axis < dims.count - 1 { rows *= updateDims[axis] }
        }
        context.setOpData(OpData(indicesAre64: indices.type == .int64, rank: dims.count, operandBytes: operand.byteCount,
                                 elementBytes: width.bytes, operandDims: operandArray.baseAddress!, updateDims: updateArray.baseAddress!,
                                 operandStrides: strideArray.baseAddress!, updateRowCount: update.elementCount == 0 ? 0 : rows))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let operand = context.input(0)!, output = context.output(0)
        if operand != output { output.copyMemory(from: operand, byteCount: data.operandBytes) }
        // Clamped start offset (elements) of the update in the operand.
        var start = 0
        for axis in 0..<data.rank {
            let raw = data.indicesAre64 ? Int(truncatingIfNeeded: context.input(2, as: Int64.self)[axis]) : Int(context.input(2, as: Int32.self)[axis])
            let clamped = min(max(raw, 0), data.operandDims[axis] - data.updateDims[axis])
            start += clamped * data.operandStrides[axis]
        }
        let last = data.rank - 1
        let rowBytes = data.updateDims[last] * data.elementBytes
        var source = UnsafeRawPointer(context.input(1)!)
        for row in 0..<data.updateRowCount {
            // Offset of this update row: its index along each outer axis times the operand stride.
            var remaining = row, offset = start
            var axis = last - 1
            while axis >= 0 {
                let extent = data.updateDims[axis]
                offset += (remaining % extent) * data.operandStrides[axis]
                remaining /= extent
                axis -= 1
            }
            (output + offset * data.elementBytes).copyMemory(from: source, byteCount: rowBytes)
            source += rowBytes
        }
    }
}
