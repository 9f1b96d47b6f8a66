/// A gather in which every output axis maps its index to a source offset on its
/// own: `output[o₀, …, o₅] = source[map₀(o₀) + … + map₅(o₅)]`. MIRROR_PAD (reflected
/// indices), TILE (indices modulo the input extent), BROADCAST_TO (index 0 on a
/// broadcast axis) and BATCH_TO_SPACE_ND (block and cropped position) are all such a
/// gather. `prepare` writes the per-axis offset tables into the arena; `eval` only
/// adds table entries and copies.
struct AxisMapGather {
    /// The most axes a gather has.
    static let maxAxes = 6

    var counts: (Int, Int, Int, Int, Int, Int)
    var tables: (UnsafeMutablePointer<Int>, UnsafeMutablePointer<Int>, UnsafeMutablePointer<Int>,
                 UnsafeMutablePointer<Int>, UnsafeMutablePointer<Int>, UnsafeMutablePointer<Int>)
    /// Whether the innermost table is `t, t+1, t+2, …`, so each innermost run is one copy.
    var innermostIsContiguous: Bool

    /// A gather over `counts.count` (≤ 6) output axes, outermost first, where
    /// `offset(axis, index)` is the source element offset output index `index`
    /// of `axis` contributes. Nil if there are more than six axes.
    init?(counts axisCounts: [Int], in context: inout PrepareContext, offset: (Int, Int) -> Int) {
        guard axisCounts.count <= Self.maxAxes else { return nil }
        let padding = Self.maxAxes - axisCounts.count
        var pointers: [UnsafeMutablePointer<Int>] = []
        var counts: [Int] = []
        for slot in 0..<Self.maxAxes {
            let axis = slot - padding
            let count = axis < 0 ? 1 : axisCounts[axis]
            let table = context.allocateArray(Int.self, count: max(count, 1))
            if axis >= 0 { for index in 0..<count { table[index] = offset(axis, index) } }
            pointers.append(table.baseAddress!)
            counts.append(count)
        }
        self.counts = (counts[0], counts[1], counts[2], counts[3], counts[4], counts[5])
        tables = (pointers[0], pointers[1], pointers[2], pointers[3], pointers[4], pointers[5])
        var contiguous = true
        for index in 0..<counts[5] where pointers[5][index] != pointers[5][0] + index { contiguous = false }
        innermostIsContiguous = contiguous
    }

    /// Runs the gather for one element width.
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
        let (t0, t1, t2, t3, t4, t5) = tables
        var output = destination
        for i0 in 0..<c0 {
            let o0 = t0[i0]
            for i1 in 0..<c1 {
                let o1 = o0 + t1[i1]
                for i2 in 0..<c2 {
                    let o2 = o1 + t2[i2]
                    for i3 in 0..<c3 {
                        let o3 = o2 + t3[i3]
                        for i4 in 0..<c4 {
                            let row = source + (o3 + t4[i4])
                            if innermostIsContiguous {
                                output.update(from: row + t5[0], count: c5)
                            } else {
                                for i5 in 0..<c5 { output[i5] = row[t5[i5]] }
                            }
                            output += c5
                        }
                    }
                }
            }
        }
    }
}
