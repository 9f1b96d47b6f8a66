/// Heap sort of `values` by `precedes` (a strict weak order), in place.
///
/// The planner's sorts go through this one small, non-generic function instead of
/// the standard library's stable sort, whose specialisations cost about 2 KB of
/// firmware flash each. Not stable: callers use total orders (ties broken by
/// index) or plain integers, where the order of equal elements cannot be seen.
/// O(n log n), no allocation.
func heapSort(_ values: inout [Int], by precedes: (Int, Int) -> Bool) {
    let count = values.count
    guard count > 1 else { return }
    values.withUnsafeMutableBufferPointer { buffer in
        func siftDown(_ start: Int, _ end: Int) {
            var root = start
            while true {
                var child = 2 * root + 1
                guard child < end else { return }
                if child + 1 < end && precedes(buffer[child], buffer[child + 1]) { child += 1 }
                guard precedes(buffer[root], buffer[child]) else { return }
                buffer.swapAt(root, child)
                root = child
            }
        }
        var start = count / 2
        while start > 0 {
            start -= 1
            siftDown(start, count)
        }
        var end = count
        while end > 1 {
            end -= 1
            buffer.swapAt(0, end)
            siftDown(0, end)
        }
    }
}
