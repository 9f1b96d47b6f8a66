/// How a tensor's integers map to real numbers: `real = (q − zeroPoint) × scale`,
/// per tensor or per channel along `quantizedDimension`.
public struct QuantizationParameters: FlatTableView {
    public let table: FlatTable
    public init(table: FlatTable) { self.table = table }

    /// Calibrated minimum per channel (field 0); often absent.
    public var min: FlatVector<Float> { table.vector(field: 0) }
    /// Calibrated maximum per channel (field 1); often absent.
    public var max: FlatVector<Float> { table.vector(field: 1) }
    /// Scales (field 2): one, or one per channel.
    public var scale: FlatVector<Float> { table.vector(field: 2) }
    /// Zero points (field 3): one, or one per channel.
    public var zeroPoint: FlatVector<Int64> { table.vector(field: 3) }
    /// The union tag of `details` (field 4): 0 none, 1 CustomQuantization, 2 BlockwiseQuantization.
    public var detailsType: UInt8 { table.scalar(field: 4, default: 0) }
    /// The details table (field 5), if any.
    public var details: FlatTable? { detailsType == 0 ? nil : table.table(field: 5) }
    /// The axis of per-channel quantization (field 6).
    public var quantizedDimension: Int32 { table.scalar(field: 6, default: 0) }
    /// Whether the tensor carries scales (is quantized).
    public var isQuantized: Bool { !scale.isEmpty }
}
