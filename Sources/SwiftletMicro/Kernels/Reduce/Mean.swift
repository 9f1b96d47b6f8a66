import SwiftletFormat

/// MEAN: the average of the input over the axes given by a constant int32
/// tensor (negative axes count from the end; repeats are ignored), with or
/// without keeping the reduced dimensions. float32, int8 and int16.
///
/// Integer inputs follow TFLM's reference kernel: the sum minus the input zero
/// point is rescaled with `scale_in / scale_out` folded with `1 / count` into one
/// fixed-point multiplier — also when input and output share scale and zero point
/// (the pinned TFLM takes this path then too, rounding twice; the type audit's
/// `types_mean_same_quant_*` fixtures pin it).
///
/// Each output is summed in input order over its reduced elements, so no
/// scratch memory is needed and float sums add in the same order as TFLM's.
public enum Mean {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .mean, prepare: prepare, eval: eval) }

    typealias Kind = NumericKind

    struct OpData {
        var kind: Kind
        /// The input or output has no elements: the output is all zeros.
        var isEmpty: Bool
        var outputCount: Int
        /// Input elements averaged into each output.
        var reducedCount: Int32
        var reducedCountAsFloat: Float
        /// Levels of kept and reduced dimensions (adjacent ones of a kind merged, size-1 ones dropped).
        var keptLevels: Int
        var reducedLevels: Int
        /// `[kept sizes, kept strides, reduced sizes, reduced strides]`, strides in input elements.
        var levels: UnsafeMutablePointer<Int>
        var multiplier: Int32
        var shift: Int
        var inputZeroPoint: Int32
        var outputZeroPoint: Int32

        @inline(__always) func keptSize(_ level: Int) -> Int { levels[level] }
        @inline(__always) func keptStride(_ level: Int) -> Int { levels[keptLevels + level] }
        @inline(__always) func reducedSize(_ level: Int) -> Int { levels[2 * keptLevels + level] }
        @inline(__always) func reducedStride(_ level: Int) -> Int { levels[2 * keptLevels + reducedLevels + level] }
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("MEAN takes an input and an axis tensor") }
        let input = try context.requiredInput(0)
        let axis = try context.requiredInput(1)
        let output = try context.requiredOutput(0)
        let options = try context.options(ReducerOptions.self)
        guard axis.type == .int32 else { throw context.unsupported(axis) }
        guard let axisData = axis.data else { throw .unsupportedFeature("MEAN with axes computed at run time (they must be a constant tensor)") }
        guard input.type == output.type else { throw context.unsupported(output) }
        let kind = try NumericKind(input, context)

        // Which input dimensions are reduced.
        let rank = input.rank
        guard rank <= 64 else { throw context.invalid("the input has too many dimensions") }
        var reducedMask: UInt64 = 0
        // A scalar input is its own mean; TFLM ignores the axes then.
        for index in 0..<(rank == 0 ? 0 : axis.elementCount) {
            let value = Int(UnsafeRawPointer(axisData).loadUnaligned(fromByteOffset: index * 4, as: Int32.self))
            let resolved = value < 0 ? value + rank : value
            guard resolved >= 0, resolved < rank else { throw context.invalid("an axis is out of range") }
            reducedMask |= UInt64(1) << UInt64(resolved)
        }
        if options.keepDims, output.rank != rank { throw context.invalid("with keep_dims the output keeps the input's rank") }

        // Merge adjacent dimensions of the same kind into levels (row-major strides).
        var kept: [(size: Int, stride: Int)] = []
        var reduced: [(size: Int, stride: Int)] = []
        var lastWasReduced: Bool? = nil
        var stride = input.elementCount
        var keptCount = 1, reducedCount = 1
        for dimension in 0..<rank {
            let size = input.dimension(dimension)
            stride = size > 0 ? stride / size : 0
            if size == 1 { continue }
            let isReduced = reducedMask & (UInt64(1) << UInt64(dimension)) != 0
            if isReduced { reducedCount *= size } else { keptCount *= size }
            if lastWasReduced == isReduced {
                if isReduced { reduced[reduced.count - 1] = (reduced[reduced.count - 1].size * size, stride) }
                else { kept[kept.count - 1] = (kept[kept.count - 1].size * size, stride) }
            } else if isReduced {
                reduced.append((size, stride))
            } else {
                kept.append((size, stride))
            }
            lastWasReduced = isReduced
        }
        if kept.isEmpty { kept.append((1, 0)) }
        if reduced.isEmpty { reduced.append((1, 0)) }
        guard output.elementCount == keptCount || input.elementCount == 0 else {
            throw context.invalid("the output shape does not match the input with the axes reduced")
        }
        guard reducedCount <= Int(Int32.max) else { throw context.invalid("too many elements per output") }

        let levels = context.allocateArray(Int.self, count: 2 * (kept.count + reduced.count))
        for (level, entry) in kept.enumerated() {
            levels[level] = entry.size
            levels[kept.count + level] = entry.stride
        }
        for (level, entry) in reduced.enumerated() {
            levels[2 * kept.count + level] = entry.size
            levels[2 * kept.count + reduced.count + level] = entry.stride
        }

        let isEmpty = input.elementCount == 0 || output.elementCount == 0
        var data = OpData(kind: kind, isEmpty: isEmpty,
                          outputCount: output.elementCount, reducedCount: Int32(reducedCount),
                          reducedCountAsFloat: Float(reducedCount), keptLevels: kept.count, reducedLevels: reduced.count,
                          levels: levels.baseAddress!, multiplier: 0, shift: 0,
                          inputZeroPoint: input.zeroPoint, outputZeroPoint: output.zeroPoint)
        if kind != .float32, !isEmpty {
            var (multiplier, shift) = QuantizedMath.quantizeMultiplier(Double(input.scale) / Double(output.scale))
            // Fold 1/count into the multiplier: scale it up by the largest power of
            // two not above count (at most 2^32, keeping the final shift ≥ −31), then divide.
            var extra = 63 - UInt64(reducedCount).leadingZeroBitCount
            extra = min(extra, 32, 31 + shift)
            multiplier = Int32(truncatingIfNeeded: (Int64(multiplier) << Int64(extra)) / Int64(reducedCount))
            shift -= extra
            data.multiplier = multiplier
            data.shift = shift
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32:
            run(FloatMean.self, context.input(0, as: Float.self), context.output(0, as: Float.self), data)
        case .int8:
            run(RequantizedMean<Int8>.self, context.input(0, as: Int8.self), context.output(0, as: Int8.self), data)
        case .int16:
            run(RequantizedMean<Int16>.self, context.input(0, as: Int16.self), context.output(0, as: Int16.self), data)
        }
    }

    @inline(__always)
    private static func run<Rule: MeanRule>(_ rule: Rule.Type, _ input: UnsafePointer<Rule.Element>,
                                            _ output: UnsafeMutablePointer<Rule.Element>, _ data: OpData) {
        if data.isEmpty {
            output.initialize(repeating: Rule.emptyOutput, count: data.outputCount)
            return
        }
        var next = output
        visitKept(rule, input, level: 0, data, &next)
    }

    /// Walks the kept levels; at the innermost one, produces one output per position.
    private static func visitKept<Rule: MeanRule>(_ rule: Rule.Type, _ base: UnsafePointer<Rule.Element>, level: Int,
                                                  _ data: OpData, _ output: inout UnsafeMutablePointer<Rule.Element>) {
        let size = data.keptSize(level), stride = data.keptStride(level)
        var position = base
        if level == data.keptLevels - 1 {
            for _ in 0..<size {
                var sum = Rule.zero
                accumulate(rule, position, level: 0, data, &sum)
                output.pointee = Rule.finish(sum, data)
                output += 1
                position += stride
            }
        } else {
            for _ in 0..<size {
                visitKept(rule, position, level: level + 1, data, &output)
                position += stride
            }
        }
    }

    /// Adds every element under `base` along the reduced levels, in input order.
    private static func accumulate<Rule: MeanRule>(_ rule: Rule.Type, _ base: UnsafePointer<Rule.Element>, level: Int,
                                                   _ data: OpData, _ sum: inout Rule.Sum) {
        let size = data.reducedSize(level), stride = data.reducedStride(level)
        var position = base
        if level == data.reducedLevels - 1 {
            for _ in 0..<size {
                Rule.add(&sum, position.pointee)
                position += stride
            }
        } else {
            for _ in 0..<size {
                accumulate(rule, position, level: level + 1, data, &sum)
                position += stride
            }
        }
    }
}

/// How MEAN sums one element type and turns a sum into an output.
protocol MeanRule {
    associatedtype Element
    associatedtype Sum
    static var zero: Sum { get }
    static var emptyOutput: Element { get }
    static func add(_ sum: inout Sum, _ value: Element)
    static func finish(_ sum: Sum, _ data: Mean.OpData) -> Element
}

/// float32: a float sum divided by the count.
enum FloatMean: MeanRule {
    static var zero: Float { 0 }
    static var emptyOutput: Float { 0 }
    @inline(__always) static func add(_ sum: inout Float, _ value: Float) { sum += value }
    @inline(__always) static func finish(_ sum: Float, _ data: Mean.OpData) -> Float { sum / data.reducedCountAsFloat }
}

/// Integers: remove the input zero point from the sum, rescale by the folded
/// multiplier, add the output zero point, saturate.
enum RequantizedMean<Element: FixedWidthInteger & SignedInteger>: MeanRule {
    static var zero: Int32 { 0 }
    static var emptyOutput: Element { 0 }
    @inline(__always) static func add(_ sum: inout Int32, _ value: Element) { sum &+= Int32(truncatingIfNeeded: value) }
    @inline(__always) static func finish(_ sum: Int32, _ data: Mean.OpData) -> Element {
        let centered = Int32(truncatingIfNeeded: Int64(sum) - Int64(data.inputZeroPoint) * Int64(data.reducedCount))
        let value = QuantizedMath.multiplyByQuantizedMultiplier(centered, data.multiplier, data.shift) &+ data.outputZeroPoint
        return Element(truncatingIfNeeded: min(max(value, Int32(Element.min)), Int32(Element.max)))
    }
}
