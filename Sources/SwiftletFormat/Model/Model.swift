/// A verified, zero-copy view of a `.tflite` model.
///
/// `init(bytes:)` checks the whole file once — every offset, vtable, vector,
/// string, index and buffer range — and throws a `FormatError` naming what is
/// wrong and where. After that every accessor reads the bytes in place.
/// The bytes must outlive the `Model` (firmware: a `const` array; host: see
/// `SwiftletTools.ModelFile`).
public struct Model {
    /// The model's bytes.
    public let bytes: UnsafeRawBufferPointer
    /// The root `Model` table.
    public let table: FlatTable

    /// The schema version this reader accepts.
    public static let schemaVersion: UInt32 = 3
    /// The FlatBuffer file identifier of `.tflite` files.
    public static let fileIdentifier: StaticString = "TFL3"

    /// Verifies `bytes` and makes a view over them.
    public init(bytes: UnsafeRawBufferPointer) throws(FormatError) {
        guard bytes.count >= 8, bytes.baseAddress != nil else { throw .tooSmall(size: bytes.count) }
        let identifier = UInt32.load(from: bytes, at: 4)
        guard identifier == 0x334C_4654 else { throw .wrongFileIdentifier(found: identifier) }
        var verifier = FlatBufferVerifier(bytes: bytes)
        let root = try verifier.verifyRoot(as: .model)
        self.bytes = bytes
        self.table = FlatTable(bytes: bytes, position: root)
        guard version == Self.schemaVersion else { throw .unsupportedSchemaVersion(found: version) }
        try ModelVerifier.verifyReferences(of: self)
    }

    /// Schema version (field 0).
    public var version: UInt32 { table.scalar(field: 0, default: 0) }
    /// Operator codes (field 1).
    public var operatorCodes: TableList<OperatorCode> { table.tables(field: 1) }
    /// Subgraphs (field 2); 0 is the main graph.
    public var subgraphs: TableList<SubGraph> { table.tables(field: 2) }
    /// Free-text description (field 3), e.g. "MLIR Converted.".
    public var modelDescription: FlatString? { table.string(field: 3) }
    /// Constant buffers (field 4); buffer 0 is the empty sentinel.
    public var buffers: TableList<Buffer> { table.tables(field: 4) }
    /// Deprecated metadata buffer indices (field 5).
    public var metadataBuffer: FlatVector<Int32> { table.vector(field: 5) }
    /// Named metadata (field 6).
    public var metadata: TableList<Metadata> { table.tables(field: 6) }
    /// Signatures (field 7).
    public var signatureDefs: TableList<SignatureDef> { table.tables(field: 7) }
    /// External buffer groups (field 8).
    public var externalBufferGroups: TableList<FlatTable> { table.tables(field: 8) }
    /// External buffers (field 9).
    public var externalBuffers: TableList<FlatTable> { table.tables(field: 9) }

    /// The bytes of metadata entry `name`, or nil if the model has none.
    public func metadata(named name: StaticString) -> UnsafeRawBufferPointer? {
        for entry in metadata where entry.name?.equals(name) == true {
            return buffers[entry.bufferIndex].data
        }
        return nil
    }

    /// The constant data of `tensor`, or nil when it has none (activations).
    public func data(of tensor: Tensor) -> UnsafeRawBufferPointer? {
        let index = tensor.bufferIndex
        guard index != 0 else { return nil }
        let data = buffers[index].data
        return data.isEmpty ? nil : data
    }

    /// The operator code an operator runs.
    public func operatorCode(of op: Operator) -> OperatorCode { operatorCodes[op.opcodeIndex] }

    /// The offline memory plan stored by tools such as Vela, if present (verified at load).
    public var offlineMemoryAllocation: OfflineMemoryAllocation? {
        metadata(named: OfflineMemoryAllocation.metadataName).map { OfflineMemoryAllocation(uncheckedWords: $0) }
    }
}
