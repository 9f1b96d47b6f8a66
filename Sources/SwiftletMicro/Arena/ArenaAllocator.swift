/// Hands out the caller's arena: persistent data (node records, kernels' op
/// data, variable tensors, pointer tables) from the high end downwards; the
/// low end ("head") is left to the memory planner's activations and scratch.
///
/// When the arena is too small the allocator keeps counting and serves the
/// overflow from temporary memory, so `allocateTensors()` can finish its plan
/// and report exactly how many bytes it needs; that memory is released before
/// the error is thrown.
struct ArenaAllocator {
    /// Alignment of every allocation and of the arena's usable start.
    static let alignment = 16

    let base: UnsafeMutableRawPointer?
    /// Usable bytes (after aligning the start).
    let capacity: Int
    /// Bytes skipped at the start to reach 16-byte alignment.
    let misalignment: Int
    /// Bytes used at the tail so far (including any overflow).
    private(set) var tailBytes = 0
    /// What the same allocations take on a 32-bit target, where pointers and
    /// `Int` are 4 bytes (kernels' op data is counted at its host size, an upper bound).
    private(set) var tailBytes32 = 0
    private var overflow: [UnsafeMutableRawPointer] = []

    init(arena: UnsafeMutableRawBufferPointer) {
        guard let start = arena.baseAddress else {
            base = nil
            capacity = 0
            misalignment = 0
            return
        }
        let address = UInt(bitPattern: start)
        let padding = Int((UInt(Self.alignment) - address % UInt(Self.alignment)) % UInt(Self.alignment))
        if padding <= arena.count {
            base = start + padding
            capacity = (arena.count - padding) / Self.alignment * Self.alignment
        } else {
            base = nil
            capacity = 0
        }
        misalignment = padding
    }

    static func rounded(_ count: Int) -> Int { (count + alignment - 1) / alignment * alignment }

    /// Allocates `count` zeroed bytes from the tail, aligned to `alignment`
    /// (`count32`/`alignment32` describe the same allocation on a 32-bit target).
    mutating func allocatePersistent(_ count: Int, alignment: Int = alignment,
                                     count32: Int? = nil, alignment32: Int? = nil) -> UnsafeMutableRawPointer {
        let size = max(count, 1)
        tailBytes = Self.align(tailBytes + size, to: alignment)
        tailBytes32 = Self.align(tailBytes32 + max(count32 ?? count, 1), to: alignment32 ?? alignment)
        let pointer: UnsafeMutableRawPointer
        if let base, tailBytes <= capacity {
            pointer = base + (capacity - tailBytes)
        } else {
            pointer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: Self.alignment)
            overflow.append(pointer)
        }
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        return pointer
    }

    /// Rounds a tail size up so the allocation's start (counted down from the
    /// 16-aligned end) is aligned.
    private static func align(_ size: Int, to alignment: Int) -> Int { (size + alignment - 1) / alignment * alignment }

    /// Allocates room for `count` values of `T` from the tail, at `T`'s alignment;
    /// `words32` is `T`'s size in 4-byte words on a 32-bit target when it differs from the host's.
    mutating func allocate<T>(_ type: T.Type, count: Int, words32: Int? = nil) -> UnsafeMutablePointer<T> {
        let bytes32 = words32.map { $0 * 4 * count }
        let alignment = max(MemoryLayout<T>.alignment, 4)
        return allocatePersistent(MemoryLayout<T>.stride * count, alignment: alignment,
                                  count32: bytes32, alignment32: words32 == nil ? nil : 4)
            .bindMemory(to: T.self, capacity: max(count, 1))
    }

    /// Whether the tail spilled out of the arena.
    var overflowed: Bool { !overflow.isEmpty }

    /// Releases memory served after the arena ran out.
    mutating func releaseOverflow() {
        for pointer in overflow { pointer.deallocate() }
        overflow.removeAll()
    }

    /// Start of the head (planned buffers).
    var head: UnsafeMutableRawPointer? { base }
}
