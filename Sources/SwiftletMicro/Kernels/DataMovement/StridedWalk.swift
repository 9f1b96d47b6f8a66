/// A gather over up to six axes: the destination is filled densely, in order,
/// with `source[base + i₀·step₀ + … + i₅·step₅]` for every `iₖ < countₖ`
/// (outermost axis first). STRIDED_SLICE and TRANSPOSE are both such a walk;
/// `prepare` builds it, `eval` only runs it.
struct StridedWalk {
    /// The most axes a walk has (after merging).
    static let maxAxes = 6

    /// Element offset of the first source element.
    var base: Int
    var counts: (Int, Int, Int, Int, Int, Int)
    var steps: (Int, Int, Int, Int, Int, Int)

    /// A walk from per-axis counts and source steps (in elements, outermost first).
    /// Axes of count 1 are dropped and neighbours that run on contiguously are
    /// merged, so the innermost loop is as long as possible. Nil if more than
    /// `maxAxes` axes remain.
    init?(base: Int, counts axisCounts: [Int], steps axisSteps: [Int]) {
        var mergedCounts: [Int] = []
        var mergedSteps: [Int] = []
        var empty = false
        for axis in 0..<axisCounts.count {
            let count = axisCounts[axis], step = axisSteps[axis]
            if count == 0 { empty = true }
            if count == 1 { continue }
            if let last = mergedCounts.last, let lastStep = mergedSteps.last, lastStep == step * count {
                mergedCounts[mergedCounts.count - 1] = last * count
                mergedSteps[mergedSteps.count - 1] = step
            } else {
                mergedCounts.append(count)
                mergedSteps.append(step)
            }
        }
        if empty {
            mergedCounts = [0]
            mergedSteps = [1]
        }
        guard mergedCounts.count <= Self.maxAxes else { return nil }
        var counts = [Int](repeating: 1, count: Self.maxAxes)
        var steps = [Int](repeating: 0, count: Self.maxAxes)
        let offset = Self.maxAxes - mergedCounts.count
        for index in 0..<mergedCounts.count {
            counts[offset + index] = mergedCounts[index]
            steps[offset + index] = mergedSteps[index]
        }
        self.base = empty ? 0 : base
        self.counts = (counts[0], counts[1], counts[2], counts[3], counts[4], counts[5])
        self.steps = (steps[0], steps[1], steps[2], steps[3], steps[4], steps[5])
    }

    /// Runs the walk for one element width.
    @inline(__always)
    func run(_ width: ElementMove.Width, from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer) {
        switch width {
        case .one: gather(source.assumingMemoryBound(to: UInt8.self), destination.assumingMemoryBound(to: UInt8.self))
        case .two: gather(source.assumingMemoryBound(to: UInt16.self), destination.assumingMemoryBound(to: UInt16.self))
        case .four: gather(source.assumingMemoryBound(to: UInt32.self), destination.assumingMemoryBound(to: UInt32.self))
        case .eight: gather(source.assumingMemoryBound(to: UInt64.self), destination.assumingMemoryBound(to: UInt64.self))
        }
    }

    private func gather<Element>(_ source: UnsafePointer<Element>, _ destination: UnsafeMutablePointer<Element>) {
        let (c0, c1, c2, c3, c4, c5) = counts
        let (s0, s1, s2, s3, s4, s5) = steps
        var output = destination
        var p0 = source + base
        for _ in 0..<c0 {
            var p1 = p0
            for _ in 0..<c1 {
                var p2 = p1
                for _ in 0..<c2 {
                    var p3 = p2
                    for _ in 0..<c3 {
                        var p4 = p3
                        for _ in 0..<c4 {
                            if s5 == 1 {
                                output.update(from: p4, count: c5)
                                output += c5
                            } else {
                                var p5 = p4
                                for _ in 0..<c5 {
                                    output.pointee = p5.pointee
                                    output += 1
                                    p5 += s5
                                }
                            }
                            p4 += s4
                        }
                        p3 += s3
                    }
                    p2 += s2
                }
                p1 += s1
            }
            p0 += s0
        }
    }
}
