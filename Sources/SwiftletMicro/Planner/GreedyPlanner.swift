/// A buffer the memory planner places in the arena's head: live from
/// `firstUse` to `lastUse` (operator indices, inclusive).
struct PlannedBuffer {
    var size: Int
    var firstUse: Int
    var lastUse: Int
    /// An offset decided ahead of time (`OfflineMemoryAllocation`), if any.
    var fixedOffset: Int?
    /// Where the planner put it.
    var offset = 0

    func overlapsInTime(_ other: PlannedBuffer) -> Bool {
        firstUse <= other.lastUse && other.firstUse <= lastUse
    }
}

/// Lifetime-based placement, like TFLM's greedy planner: each buffer goes to the
/// lowest offset that does not collide with a buffer alive at the same time.
/// Swiftlet tries several placement orders (TFLM's largest-first among them)
/// and keeps the smallest plan, so it is never worse than TFLM's.
enum GreedyPlanner {
    /// Places `buffers` (sizes already aligned) and returns the head size.
    static func plan(_ buffers: inout [PlannedBuffer]) -> Int {
        guard !buffers.isEmpty else { return 0 }
        let indices = Array(buffers.indices)
        let orders: [[Int]] = [
            // TFLM's order: largest first.
            indices.sorted { buffers[$0].size != buffers[$1].size ? buffers[$0].size > buffers[$1].size : $0 < $1 },
            // Largest area (size × lifetime) first.
            indices.sorted {
                let a = buffers[$0].size * (buffers[$0].lastUse - buffers[$0].firstUse + 1)
                let b = buffers[$1].size * (buffers[$1].lastUse - buffers[$1].firstUse + 1)
                return a != b ? a > b : $0 < $1
            },
            // Longest-lived first, then largest.
            indices.sorted {
                let a = buffers[$0].lastUse - buffers[$0].firstUse, b = buffers[$1].lastUse - buffers[$1].firstUse
                return a != b ? a > b : (buffers[$0].size != buffers[$1].size ? buffers[$0].size > buffers[$1].size : $0 < $1)
            },
        ]
        var best = Int.max
        var bestOffsets: [Int] = []
        for order in orders {
            var candidate = buffers
            let total = place(&candidate, order: order)
            if total < best {
                best = total
                bestOffsets = candidate.map { $0.offset }
            }
        }
        for index in buffers.indices { buffers[index].offset = bestOffsets[index] }
        return best
    }

    private static func place(_ buffers: inout [PlannedBuffer], order: [Int]) -> Int {
        var placed: [Int] = []  // kept sorted by offset
        var total = 0
        func insert(_ index: Int) {
            let position = placed.firstIndex { buffers[$0].offset > buffers[index].offset } ?? placed.count
            placed.insert(index, at: position)
            total = max(total, buffers[index].offset + buffers[index].size)
        }
        for index in order where buffers[index].fixedOffset != nil {
            buffers[index].offset = buffers[index].fixedOffset!
            insert(index)
        }
        for index in order where buffers[index].fixedOffset == nil {
            var offset = 0
            for other in placed where buffers[other].overlapsInTime(buffers[index]) {
                if offset + buffers[index].size <= buffers[other].offset { break }
                offset = max(offset, buffers[other].offset + buffers[other].size)
            }
            buffers[index].offset = offset
            insert(index)
        }
        return total
    }
}
