/// A buffer the memory planner places in the arena's head: live from
/// `firstUse` to `lastUse` (operator indices, inclusive).
struct PlannedBuffer {
    var size: Int
    var firstUse: Int
    var lastUse: Int
    /// An offset decided ahead of time (`OfflineMemoryAllocation`), if any.
    var fixedOffset: Int?
    /// The buffer (an operator's input that dies there) this one, that
    /// operator's output, may overlap, provided the input starts at least
    /// `overlapDistance` bytes after this buffer's start.
    var overlapPartner: Int? = nil
    var overlapDistance = 0
    /// Where the planner put it.
    var offset = 0

    init(size: Int, firstUse: Int, lastUse: Int, fixedOffset: Int? = nil) {
        self.size = size
        self.firstUse = firstUse
        self.lastUse = lastUse
        self.fixedOffset = fixedOffset
    }

    func overlapsInTime(_ other: PlannedBuffer) -> Bool {
        firstUse <= other.lastUse && other.firstUse <= lastUse
    }
}

/// Lifetime-based placement, like TFLM's greedy planner: each buffer goes to the
/// lowest offset that does not collide with a buffer alive at the same time.
/// Swiftlet tries several placement orders (TFLM's largest-first among them,
/// with and without the overlaps operators allow between an input and their
/// output) and keeps the smallest plan, so it is never worse than TFLM's.
enum GreedyPlanner {
    /// Places `buffers` (sizes already aligned) and returns the head size.
    static func plan(_ buffers: inout [PlannedBuffer]) -> Int {
        guard !buffers.isEmpty else { return 0 }
        let indices = Array(buffers.indices)
        func lifetime(_ index: Int) -> Int { buffers[index].lastUse - buffers[index].firstUse + 1 }
        func largerFirst(_ a: Int, _ b: Int) -> Bool { buffers[a].size != buffers[b].size ? buffers[a].size > buffers[b].size : a < b }
        let orders: [[Int]] = [
            // TFLM's order: largest first.
            indices.sorted(by: largerFirst),
            // Largest area (size × lifetime) first.
            indices.sorted {
                let a = buffers[$0].size * lifetime($0), b = buffers[$1].size * lifetime($1)
                return a != b ? a > b : $0 < $1
            },
            // Longest-lived first, then largest.
            indices.sorted { lifetime($0) != lifetime($1) ? lifetime($0) > lifetime($1) : largerFirst($0, $1) },
            // In order of first use, then largest.
            indices.sorted { buffers[$0].firstUse != buffers[$1].firstUse ? buffers[$0].firstUse < buffers[$1].firstUse : largerFirst($0, $1) },
            // Latest first use first, then largest: an output placed before the input
            // it overlaps lets the input go just above it (chains of overlaps grow upwards).
            indices.sorted { buffers[$0].firstUse != buffers[$1].firstUse ? buffers[$0].firstUse > buffers[$1].firstUse : largerFirst($0, $1) },
            // Latest last use first, then largest.
            indices.sorted { buffers[$0].lastUse != buffers[$1].lastUse ? buffers[$0].lastUse > buffers[$1].lastUse : largerFirst($0, $1) },
        ]
        let hasOverlaps = buffers.contains { $0.overlapPartner != nil }
        var best = Int.max
        var bestOffsets: [Int] = []
        for order in orders {
            for allowOverlaps in hasOverlaps ? [false, true] : [false] {
                var candidate = buffers
                let total = place(&candidate, order: order, allowOverlaps: allowOverlaps)
                if total < best {
                    best = total
                    bestOffsets = candidate.map { $0.offset }
                }
            }
        }
        for index in buffers.indices { buffers[index].offset = bestOffsets[index] }
        return best
    }

    /// Whether `a` at offset `offset` may share bytes with the placed buffer `b`.
    private static func mayOverlap(_ buffers: [PlannedBuffer], _ a: Int, at offset: Int, _ b: Int) -> Bool {
        if buffers[a].overlapPartner == b { return buffers[b].offset - offset >= buffers[a].overlapDistance }
        if buffers[b].overlapPartner == a { return offset - buffers[b].offset >= buffers[b].overlapDistance }
        return false
    }

    private static func place(_ buffers: inout [PlannedBuffer], order: [Int], allowOverlaps: Bool) -> Int {
        var placed: [Int] = []
        var total = 0
        for index in order where buffers[index].fixedOffset != nil {
            buffers[index].offset = buffers[index].fixedOffset!
            placed.append(index)
            total = max(total, buffers[index].offset + buffers[index].size)
        }
        var candidates: [Int] = []
        for index in order where buffers[index].fixedOffset == nil {
            let size = buffers[index].size
            // The lowest free offset is 0, the end of a buffer alive at the same
            // time, or where an allowed overlap with a partner starts.
            candidates.removeAll(keepingCapacity: true)
            candidates.append(0)
            for other in placed where buffers[other].overlapsInTime(buffers[index]) {
                candidates.append(buffers[other].offset + buffers[other].size)
                guard allowOverlaps else { continue }
                if buffers[index].overlapPartner == other {
                    candidates.append(buffers[other].offset - buffers[index].overlapDistance)
                } else if buffers[other].overlapPartner == index {
                    candidates.append(buffers[other].offset + buffers[other].overlapDistance)
                }
            }
            candidates.sort()
            var chosen = candidates.last!
            for offset in candidates where offset >= 0 {
                var fits = true
                for other in placed where buffers[other].overlapsInTime(buffers[index]) {
                    let start = buffers[other].offset, end = start + buffers[other].size
                    if offset < end && start < offset + size
                        && !(allowOverlaps && mayOverlap(buffers, index, at: offset, other)) {
                        fits = false
                        break
                    }
                }
                if fits { chosen = offset; break }
            }
            buffers[index].offset = chosen
            placed.append(index)
            total = max(total, chosen + size)
        }
        return total
    }
}
