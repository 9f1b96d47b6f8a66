import SwiftletFormat

/// Which input elements feed which output of a reduction over constant axes: the
/// input's dimensions merged into alternating "kept" and "reduced" levels (size-1
/// dimensions dropped), stored in the arena in `prepare`. `eval` walks the kept levels
/// in output order and, for each output, the reduced levels in input order — so every
/// output is reduced in TFLM's element order, with no scratch memory.
struct ReductionLayout {
    var outputCount: Int
    var reducedCount: Int
    var keptLevels: Int
    var reducedLevels: Int
    /// `[kept sizes, kept strides, reduced sizes, reduced strides]`, strides in input elements.
    var levels: UnsafeMutablePointer<Int>

    /// The layout of reducing `input` over the axes in the constant int32 tensor `axis`
    /// (negative axes count from the end; repeats are ignored) into `output`.
    init(_ context: inout PrepareContext, input: TensorView, axis: TensorView, output: TensorView, keepDims: Bool) throws(MicroError) {
        guard axis.type == .int32 else { throw context.unsupported(axis) }
        guard let axisData = axis.data else { throw .unsupportedFeature("reductions with axes computed at run time (they must be a constant tensor)") }
        let rank = input.rank
        guard rank <= 64 else { throw context.invalid("the input has too many dimensions") }
        var reducedMask: UInt64 = 0
        for index in 0..<(rank == 0 ? 0 : axis.elementCount) {
            let value = Int(UnsafeRawPointer(axisData).loadUnaligned(fromByteOffset: index * 4, as: Int32.self))
            let resolved = value < 0 ? value + rank : value
            guard resolved >= 0, resolved < rank else { throw context.invalid("an axis is out of range") }
            reducedMask |= UInt64(1) << UInt64(resolved)
        }
        if keepDims, output.rank != rank { throw context.invalid("with keep_dims the output keeps the input's rank") }
        // Sizes and strides per level, at most one level per dimension of each kind.
        var keptSizes = Extents64(), keptStrides = Extents64(), reducedSizes = Extents64(), reducedStrides = Extents64()
        var kept = 0, reduced = 0
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
                if isReduced {
                    reducedSizes[reduced - 1] *= size
                    reducedStrides[reduced - 1] = stride
                } else {
                    keptSizes[kept - 1] *= size
                    keptStrides[kept - 1] = stride
                }
            } else if isReduced {
                reducedSizes[reduced] = size
                reducedStrides[reduced] = stride
                reduced += 1
            } else {
                keptSizes[kept] = size
                keptStrides[kept] = stride
                kept += 1
            }
            lastWasReduced = isReduced
        }
        if kept == 0 { keptSizes[0] = 1; keptStrides[0] = 0; kept = 1 }
        if reduced == 0 { reducedSizes[0] = 1; reducedStrides[0] = 0; reduced = 1 }
        guard output.elementCount == keptCount || input.elementCount == 0 else {
            throw context.invalid("the output shape does not match the input with the axes reduced")
        }
        let storage = context.allocateArray(Int.self, count: 2 * (kept + reduced)).baseAddress!
        for level in 0..<kept {
            storage[level] = keptSizes[level]
            storage[kept + level] = keptStrides[level]
        }
        for level in 0..<reduced {
            storage[2 * kept + level] = reducedSizes[level]
            storage[2 * kept + reduced + level] = reducedStrides[level]
        }
        outputCount = input.elementCount == 0 ? 0 : output.elementCount
        self.reducedCount = reducedCount
        keptLevels = kept
        reducedLevels = reduced
        levels = storage
    }

    @inline(__always) func keptSize(_ level: Int) -> Int { levels[level] }
    @inline(__always) func keptStride(_ level: Int) -> Int { levels[keptLevels + level] }
    @inline(__always) func reducedSize(_ level: Int) -> Int { levels[2 * keptLevels + level] }
    @inline(__always) func reducedStride(_ level: Int) -> Int { levels[2 * keptLevels + reducedLevels + level] }

    /// Runs `rule` for every output: starts from `rule.initial`, folds every reduced
    /// input element in input order, then writes `rule.finish`.
    @inline(__always)
    func reduce<Rule: ReductionRule>(_ rule: Rule, _ input: UnsafePointer<Rule.Element>, _ output: UnsafeMutablePointer<Rule.Output>) {
        var next = output
        visitKept(rule, input, level: 0, &next)
    }

    private func visitKept<Rule: ReductionRule>(_ rule: Rule, _ base: UnsafePointer<Rule.Element>, level: Int,
                                                _ output: inout UnsafeMutablePointer<Rule.Output>) {
        let size = keptSize(level), stride = keptStride(level)
        var position = base
        if level == keptLevels - 1 {
            for _ in 0..<size {
                var state = rule.initial
                accumulate(rule, position, level: 0, &state)
                output.pointee = rule.finish(state)
                output += 1
                position += stride
            }
        } else {
            for _ in 0..<size {
                visitKept(rule, position, level: level + 1, &output)
                position += stride
            }
        }
    }

    private func accumulate<Rule: ReductionRule>(_ rule: Rule, _ base: UnsafePointer<Rule.Element>, level: Int, _ state: inout Rule.State) {
        let size = reducedSize(level), stride = reducedStride(level)
        var position = base
        if level == reducedLevels - 1 {
            for _ in 0..<size {
                rule.fold(&state, position.pointee)
                position += stride
            }
        } else {
            for _ in 0..<size {
                accumulate(rule, position, level: level + 1, &state)
                position += stride
            }
        }
    }
}

/// One reduction: a starting state, how an input element folds into it, and the output it gives.
protocol ReductionRule {
    associatedtype Element
    associatedtype State
    associatedtype Output
    var initial: State { get }
    func fold(_ state: inout State, _ element: Element)
    func finish(_ state: State) -> Output
}

/// 64 integers stored inline (a level per input dimension at most; ranks ≤ 64 are checked).
struct Extents64 {
    var storage = (Extents16(), Extents16(), Extents16(), Extents16())
    subscript(_ index: Int) -> Int {
        get { withUnsafeBytes(of: storage) { $0.load(fromByteOffset: index * MemoryLayout<Int>.stride, as: Int.self) } }
        set { withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: newValue, toByteOffset: index * MemoryLayout<Int>.stride, as: Int.self) } }
    }
}

struct Extents16 {
    var storage: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
}
