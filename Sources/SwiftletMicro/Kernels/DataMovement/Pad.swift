import SwiftletFormat

/// PAD and PADV2: surrounds the input with a constant, `paddings[axis] =
/// (before, after)` elements per axis. PAD pads with 0.0 for float32, the output
/// zero point for int8 and 0 for int16/int32; PADV2 pads with its scalar
/// `constant_values` input (which for int8 must share the output's scale and
/// zero point). float32, int8, int16, int32, as TFLM; up to 6 dimensions.
/// Paddings are a constant int32 (or int64) `[rank, 2]` tensor.
public enum Pad {
    /// The PAD kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .pad, prepare: prepare, eval: eval) }

    /// The most dimensions the kernel takes.
    static let maxRank = 6

    struct OpData {
        var width: ElementMove.Width
        /// Axes after merging every unpadded axis into the one before it.
        var axes: Int
        var inputDims: UnsafeMutablePointer<Int>
        /// Elements of padding before and after, per axis, counted in output blocks of that axis.
        var before: UnsafeMutablePointer<Int>
        var after: UnsafeMutablePointer<Int>
        /// Output elements per index step of each axis.
        var blocks: UnsafeMutablePointer<Int>
        /// The pad value's bits when known in `prepare`.
        var padBits: UInt64
        /// Whether the pad value is read from input 2 at run time (a non-constant PADV2 value).
        var padFromInput: Bool
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2 || context.inputCount == 3, context.outputCount == 1 else {
            throw context.invalid("PAD takes an input, paddings, an optional constant value and one output")
        }
        let input = try context.requiredInput(0)
        let paddings = try context.requiredInput(1)
        let constant = context.input(2)
        let output = try context.requiredOutput(0)
        guard input.type == output.type else { throw context.unsupported(output) }
        guard ElementMove.isOneOf(input.type, [.float32, .int8, .int16, .int32]), let width = ElementMove.Width(input.type) else {
            throw context.unsupported(input)
        }
        guard let inputDims = ElementMove.dimensions(input), let outputDims = ElementMove.dimensions(output) else {
            throw .unsupportedFeature("tensors with a dynamic (-1) dimension in their stored shape")
        }
        let rank = inputDims.count
        guard rank <= maxRank else { throw context.invalid("PAD takes at most 6 dimensions") }
        guard outputDims.count == rank else { throw context.invalid("the output rank differs from the input rank") }
        guard let pads = ElementMove.constantIndices(paddings, in: context) else {
            if paddings.type != .int32 && paddings.type != .int64 { throw context.unsupported(paddings) }
            throw .unsupportedFeature("PAD with non-constant paddings")
        }
        guard pads.count == rank * 2 else { throw context.invalid("paddings must hold a (before, after) pair per dimension") }
        for axis in 0..<rank {
            guard pads[2 * axis] >= 0, pads[2 * axis + 1] >= 0 else { throw context.invalid("paddings must not be negative") }
            guard outputDims[axis] == inputDims[axis] + pads[2 * axis] + pads[2 * axis + 1] else {
                throw context.invalid("the output shape is not the input's plus the paddings")
            }
        }

        // The pad value.
        var padBits: UInt64 = 0
        var padFromInput = false
        if let constant {
            guard constant.type == input.type else { throw context.unsupported(constant) }
            guard constant.elementCount == 1 else { throw context.invalid("the constant value must be a scalar") }
            if input.type == .int8 {
                guard constant.zeroPoint == output.zeroPoint, constant.scale == output.scale else {
                    throw context.invalid("the constant value must share the output's scale and zero point")
                }
            }
            if ElementMove.hasConstantData(constant, bytes: width.bytes, in: context), let data = constant.data {
                padBits = ElementMove.firstElementBits(data, width)
            } else {
                padFromInput = true
            }
        } else if input.type == .int8 {
            let zeroPoint = output.zeroPoint
            guard zeroPoint >= -128, zeroPoint <= 127 else { throw context.invalid("the output zero point is outside int8") }
            padBits = UInt64(UInt8(bitPattern: Int8(zeroPoint)))
        }

        // Merge each unpadded axis into the one before it: its rows are contiguous in both tensors.
        var dims: [Int] = [], before: [Int] = [], after: [Int] = []
        for axis in 0..<rank {
            let left = pads[2 * axis], right = pads[2 * axis + 1], size = inputDims[axis]
            if !dims.isEmpty, left == 0, right == 0 {
                dims[dims.count - 1] *= size
                before[before.count - 1] *= size
                after[after.count - 1] *= size
            } else {
                dims.append(size)
                before.append(left)
                after.append(right)
            }
        }
        if dims.isEmpty {  // a scalar: one element, nothing to pad
            dims = [1]; before = [0]; after = [0]
        }
        let axes = dims.count
        let storedDims = context.allocateArray(Int.self, count: axes)
        let storedBefore = context.allocateArray(Int.self, count: axes)
        let storedAfter = context.allocateArray(Int.self, count: axes)
        let storedBlocks = context.allocateArray(Int.self, count: axes)
        var block = 1
        for axis in stride(from: axes - 1, through: 0, by: -1) {
            storedDims[axis] = dims[axis]
            storedBefore[axis] = before[axis]
            storedAfter[axis] = after[axis]
            storedBlocks[axis] = block
            block *= before[axis] + dims[axis] + after[axis]
        }
        context.setOpData(OpData(width: width, axes: axes, inputDims: storedDims.baseAddress!, before: storedBefore.baseAddress!,
                                 after: storedAfter.baseAddress!, blocks: storedBlocks.baseAddress!,
                                 padBits: padBits, padFromInput: padFromInput))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let input = UnsafeRawPointer(context.input(0)!)
        let output = context.output(0)
        let constant = data.padFromInput ? context.input(2) : nil
        switch data.width {
        case .one: run(data, input, output, constant, as: UInt8.self)
        case .two: run(data, input, output, constant, as: UInt16.self)
        case .four: run(data, input, output, constant, as: UInt32.self)
        case .eight: run(data, input, output, constant, as: UInt64.self)
        }
    }

    @inline(__always)
    private static func run<Element: FixedWidthInteger & UnsignedInteger>(
        _ data: OpData, _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer,
        _ constant: UnsafeMutableRawPointer?, as type: Element.Type
    ) {
        let value = constant.map { $0.assumingMemoryBound(to: Element.self).pointee } ?? Element(truncatingIfNeeded: data.padBits)
        var source = input.assumingMemoryBound(to: Element.self)
        var destination = output.assumingMemoryBound(to: Element.self)
        padAxis(0, data, &source, &destination, value)
    }

    /// Writes the output block of `axis`: leading padding, each input row, trailing padding.
    private static func padAxis<Element>(_ axis: Int, _ data: OpData, _ source: inout UnsafePointer<Element>,
                                         _ destination: inout UnsafeMutablePointer<Element>, _ value: Element) {
        let block = data.blocks[axis]
        let leading = data.before[axis] * block
        destination.update(repeating: value, count: leading)
        destination += leading
        let rows = data.inputDims[axis]
        if axis == data.axes - 1 {
            destination.update(from: source, count: rows)
            destination += rows
            source += rows
        } else {
            for _ in 0..<rows { padAxis(axis + 1, data, &source, &destination, value) }
        }
        let trailing = data.after[axis] * block
        destination.update(repeating: value, count: trailing)
        destination += trailing
    }
}

/// PADV2: PAD with an explicit constant value (see `Pad`).
public enum PadV2 {
    /// The PADV2 kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .padv2, prepare: Pad.prepare, eval: Pad.eval) }
}
