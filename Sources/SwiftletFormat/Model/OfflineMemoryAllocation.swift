/// The `OfflineMemoryAllocation` metadata: arena offsets decided ahead of time
/// (by Vela, for example). Int32 words `[version, subgraphCount, n, offset₀ … offsetₙ₋₁]`;
/// an offset of −1 leaves that tensor to the runtime planner.
public struct OfflineMemoryAllocation {
    /// The metadata entry's name.
    public static let metadataName: StaticString = "OfflineMemoryAllocation"
    private let words: UnsafeRawBufferPointer

    init(uncheckedWords words: UnsafeRawBufferPointer) { self.words = words }

    /// Checks the layout of the metadata's bytes.
    public init(words: UnsafeRawBufferPointer) throws(FormatError) {
        guard words.count % 4 == 0, words.count >= 12 else { throw .invalidOfflineMemoryAllocation(reason: "shorter than its 3-word header or not whole int32 words") }
        self.words = words
        guard tensorCount >= 0, words.count == 12 + 4 * tensorCount else {
            throw .invalidOfflineMemoryAllocation(reason: "offset count does not match the data size")
        }
        guard subgraphCount >= 0 else { throw .invalidOfflineMemoryAllocation(reason: "negative subgraph count") }
    }

    private func word(_ index: Int) -> Int32 { Int32.load(from: words, at: 4 * index) }

    /// Format version.
    public var version: Int32 { word(0) }
    /// Number of subgraphs the plan covers.
    public var subgraphCount: Int { Int(word(1)) }
    /// Number of offsets (tensors across the subgraphs, in order).
    public var tensorCount: Int { Int(word(2)) }
    /// The arena offset of tensor `index` (counted across subgraphs), or nil for −1 (plan at runtime).
    public func offset(ofTensor index: Int) -> Int? {
        let value = word(3 + index)
        return value < 0 ? nil : Int(value)
    }
}
