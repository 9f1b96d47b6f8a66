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
        // One comparator for every order and one small sort (`heapSort`, not the
        // stdlib's stable sort: about 12 KB less flash than six `sorted(by:)`). Each
        // order is a strict total order (ties end on the index), so the result is
        // exactly that of any correct sort, stable or not.
        let orders: [[Int]] = (0..<orderCount).map { order in
            var sorted = indices
            heapSort(&sorted) { precedes($0, $1, in: order, buffers) }
            return sorted
        }
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

    /// How many placement orders `plan` tries.
    static let orderCount = 6

    /// Whether buffer `a` comes before buffer `b` in placement order `order`:
    /// 0 largest first (TFLM's order); 1 largest area (size × lifetime) first;
    /// 2 longest-lived first, then largest; 3 in order of first use, then largest;
    /// 4 latest first use first, then largest (an output placed before the input it
    /// overlaps lets the input go just above it: chains of overlaps grow upwards);
    /// 5 latest last use first, then largest.
    static func precedes(_ a: Int, _ b: Int, in order: Int, _ buffers: [PlannedBuffer]) -> Bool {
        let x = buffers[a], y = buffers[b]
        let largerFirst = x.size != y.size ? x.size > y.size : a < b
        let lifetimeX = x.lastUse - x.firstUse + 1, lifetimeY = y.lastUse - y.firstUse + 1
        switch order {
        case 0: return largerFirst
        case 1:
            let areaX = x.size * lifetimeX, areaY = y.size * lifetimeY
            return areaX != areaY ? areaX > areaY : a < b
        case 2: return lifetimeX != lifetimeY ? lifetimeX > lifetimeY : largerFirst
        case 3: return x.firstUse != y.firstUse ? x.firstUse < y.firstUse : largerFirst
        case 4: return x.firstUse != y.firstUse ? x.firstUse > y.firstUse : largerFirst
        default: return x.lastUse != y.lastUse ? x.lastUse > y.lastUse : largerFirst
        }
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
            heapSort(&candidates, by: <)
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
