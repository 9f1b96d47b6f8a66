/// A fixed-capacity FIFO of int16 samples in arena memory, the state of the
/// signal library's framing kernels (SignalFramer, SignalStacker, SignalDelay).
/// Callers keep within the capacity; their `prepare` checks the sizes that make
/// that true, so no operation here needs to fail.
struct SignalSampleRing {
    /// `capacity` samples of storage (persistent arena memory).
    let storage: UnsafeMutablePointer<Int16>
    let capacity: Int32
    /// Index of the oldest sample.
    var head: Int32 = 0
    /// Number of samples held.
    var count: Int32 = 0

    init(storage: UnsafeMutablePointer<Int16>, capacity: Int) {
        self.storage = storage
        self.capacity = Int32(capacity)
    }

    /// Empties the ring and zeroes its storage.
    mutating func clear() {
        head = 0
        count = 0
        storage.update(repeating: 0, count: Int(capacity))
    }

    /// The storage index `offset` samples after `start`, wrapped.
    @inline(__always) private func wrapped(_ start: Int32, _ offset: Int32) -> Int {
        let index = start + offset
        return Int(index >= capacity ? index - capacity : index)
    }

    /// Appends `n` samples from `source`.
    mutating func append(_ source: UnsafePointer<Int16>, _ n: Int) {
        var slot = wrapped(head, count)
        for index in 0..<n {
            storage[slot] = source[index]
            slot += 1
            if slot == Int(capacity) { slot = 0 }
        }
        count += Int32(n)
    }

    /// Appends `n` zero samples.
    mutating func appendZeros(_ n: Int) {
        var slot = wrapped(head, count)
        for _ in 0..<n {
            storage[slot] = 0
            slot += 1
            if slot == Int(capacity) { slot = 0 }
        }
        count += Int32(n)
    }

    /// Appends the newest `n` samples again, `times` times (they must be held).
    mutating func repeatNewest(_ n: Int, times: Int) {
        let first = wrapped(head, count - Int32(n))
        for _ in 0..<times {
            var source = first
            var slot = wrapped(head, count)
            for _ in 0..<n {
                storage[slot] = storage[source]
                source += 1
                if source == Int(capacity) { source = 0 }
                slot += 1
                if slot == Int(capacity) { slot = 0 }
            }
            count += Int32(n)
        }
    }

    /// Copies the oldest `n` samples (which must be held) to `destination`, keeping them.
    func peek(_ n: Int, into destination: UnsafeMutablePointer<Int16>) {
        var slot = Int(head)
        for index in 0..<n {
            destination[index] = storage[slot]
            slot += 1
            if slot == Int(capacity) { slot = 0 }
        }
    }

    /// Drops the oldest `n` samples (at most `count`).
    mutating func drop(_ n: Int) {
        head = Int32(wrapped(head, Int32(n)))
        count -= Int32(n)
    }
}
