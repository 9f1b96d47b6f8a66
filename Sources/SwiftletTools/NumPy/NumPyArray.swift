/// An n-dimensional array as stored in a `.npy` file: a dtype, a shape and
/// the raw element bytes, little-endian and in C (row-major) order.
///
/// The initialisers check that `data` holds exactly `elementCount` elements
/// of `dtype`, so every `NumPyArray` can be written without further checks.
///
///     let weights = try NumPyArray([0.5, -1, 2, 0] as [Float], shape: [2, 2])
///     try NumPyFile.write(weights, to: "weights.npy")
///     let back = try NumPyFile.readArray("weights.npy").floats()
public struct NumPyArray: Equatable, Sendable, CustomStringConvertible {
    /// The element type.
    public private(set) var dtype: NumPyDType
    /// The size of each dimension; `[]` for a 0-d (scalar) array.
    public private(set) var shape: [Int]
    /// The elements' bytes: little-endian, C order, `elementCount * dtype.itemSize` bytes.
    public private(set) var data: [UInt8]

    /// Makes an array from raw little-endian, C-order element bytes.
    /// - Throws: `ToolsError.invalidArgument` if the shape is negative or too large,
    ///   or if `data.count` is not `elementCount * dtype.itemSize`.
    public init(dtype: NumPyDType, shape: [Int], data: [UInt8]) throws(ToolsError) {
        if let problem = NumPyShape.problem(shape, itemSize: dtype.itemSize) {
            throw .invalidArgument("cannot make a NumPy array: \(problem)")
        }
        let expected = NumPyShape.byteCount(shape, itemSize: dtype.itemSize) ?? -1
        guard data.count == expected else {
            throw .invalidArgument(
                "cannot make a NumPy \(dtype) array of shape \(NumPyShape.describe(shape)): "
                    + "it needs \(expected) bytes of data, got \(data.count)")
        }
        self.init(unchecked: dtype, shape: shape, data: data)
    }

    /// Makes an array of `values` (C order). `shape` defaults to `[values.count]`.
    /// - Throws: `ToolsError.invalidArgument` if `shape` does not hold exactly `values.count` elements.
    public init<Element: NumPyElement>(_ values: [Element], shape: [Int]? = nil) throws(ToolsError) {
        let shape = shape ?? [values.count]
        if let problem = NumPyShape.problem(shape, itemSize: Element.numPyDType.itemSize) {
            throw .invalidArgument("cannot make a NumPy array: \(problem)")
        }
        let count = NumPyShape.elementCount(shape) ?? -1
        guard count == values.count else {
            throw .invalidArgument(
                "cannot make a NumPy array of shape \(NumPyShape.describe(shape)): "
                    + "it holds \(count) elements, got \(values.count)")
        }
        self.init(unchecked: Element.numPyDType, shape: shape, data: Element.encodeLittleEndian(values))
    }

    /// An array of zeros (`false` for bool).
    /// - Throws: `ToolsError.invalidArgument` if the shape is negative or too large.
    public static func zeros(_ dtype: NumPyDType, shape: [Int]) throws(ToolsError) -> NumPyArray {
        if let problem = NumPyShape.problem(shape, itemSize: dtype.itemSize) {
            throw .invalidArgument("cannot make a NumPy array: \(problem)")
        }
        let bytes = NumPyShape.byteCount(shape, itemSize: dtype.itemSize) ?? 0
        return NumPyArray(unchecked: dtype, shape: shape, data: [UInt8](repeating: 0, count: bytes))
    }

    /// For callers that have already validated the shape and data length.
    init(unchecked dtype: NumPyDType, shape: [Int], data: [UInt8]) {
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// The number of elements: the product of `shape` (1 for a 0-d array).
    public var elementCount: Int { data.count / dtype.itemSize }

    /// The number of dimensions (0 for a scalar).
    public var rank: Int { shape.count }

    public var description: String {
        "NumPyArray(\(dtype), shape: \(NumPyShape.describe(shape)))"
    }

    /// The same elements with another shape holding the same number of elements.
    /// - Throws: `ToolsError.invalidArgument` if the element counts differ.
    public func reshaped(_ newShape: [Int]) throws(ToolsError) -> NumPyArray {
        try NumPyArray(dtype: dtype, shape: newShape, data: data)
    }

    // MARK: - Typed access

    /// The elements as `Element`, whose dtype must equal `dtype` exactly.
    /// Use `asFloats()` / `asDoubles()` to convert between numeric types.
    /// - Throws: `ToolsError.invalidArgument` naming both dtypes on a mismatch.
    public func elements<Element: NumPyElement>(as type: Element.Type = Element.self) throws(ToolsError) -> [Element] {
        guard Element.numPyDType == dtype else {
            throw .invalidArgument(
                "NumPy array has dtype \(dtype), not \(Element.numPyDType); "
                    + "read it as \(dtype) or convert it with asFloats() / asDoubles()")
        }
        return Element.decodeLittleEndian(data)
    }

    /// The elements of a float32 array. - Throws: `ToolsError.invalidArgument` for other dtypes.
    public func floats() throws(ToolsError) -> [Float] { try elements(as: Float.self) }
    /// The elements of a float64 array. - Throws: `ToolsError.invalidArgument` for other dtypes.
    public func doubles() throws(ToolsError) -> [Double] { try elements(as: Double.self) }
    /// The elements of an int8 array. - Throws: `ToolsError.invalidArgument` for other dtypes.
    public func int8s() throws(ToolsError) -> [Int8] { try elements(as: Int8.self) }
    /// The elements of an int16 array. - Throws: `ToolsError.invalidArgument` for other dtypes.
    public func int16s() throws(ToolsError) -> [Int16] { try elements(as: Int16.self) }
    /// The elements of an int32 array. - Throws: `ToolsError.invalidArgument` for other dtypes.
    public func int32s() throws(ToolsError) -> [Int32] { try elements(as: Int32.self) }
    /// The elements of an int64 array. - Throws: `ToolsError.invalidArgument` for other dtypes.
    public func int64s() throws(ToolsError) -> [Int64] { try elements(as: Int64.self) }
    /// The elements of a uint8 array. - Throws: `ToolsError.invalidArgument` for other dtypes.
    public func uint8s() throws(ToolsError) -> [UInt8] { try elements(as: UInt8.self) }
    /// The elements of a uint16 array. - Throws: `ToolsError.invalidArgument` for other dtypes.
    public func uint16s() throws(ToolsError) -> [UInt16] { try elements(as: UInt16.self) }
    /// The elements of a uint32 array. - Throws: `ToolsError.invalidArgument` for other dtypes.
    public func uint32s() throws(ToolsError) -> [UInt32] { try elements(as: UInt32.self) }
    /// The elements of a uint64 array. - Throws: `ToolsError.invalidArgument` for other dtypes.
    public func uint64s() throws(ToolsError) -> [UInt64] { try elements(as: UInt64.self) }
    /// The elements of a bool array. - Throws: `ToolsError.invalidArgument` for other dtypes.
    public func bools() throws(ToolsError) -> [Bool] { try elements(as: Bool.self) }

    // MARK: - Conversion

    /// Every element converted to `Float`, from any dtype (bool gives 0 or 1).
    /// Large 32- and 64-bit integers and float64 values are rounded to the nearest Float.
    public func asFloats() -> [Float] {
        switch dtype {
        case .bool: return data.map { $0 != 0 ? 1 : 0 }
        case .int8: return Int8.decodeLittleEndian(data).map { Float($0) }
        case .int16: return Int16.decodeLittleEndian(data).map { Float($0) }
        case .int32: return Int32.decodeLittleEndian(data).map { Float($0) }
        case .int64: return Int64.decodeLittleEndian(data).map { Float($0) }
        case .uint8: return data.map { Float($0) }
        case .uint16: return UInt16.decodeLittleEndian(data).map { Float($0) }
        case .uint32: return UInt32.decodeLittleEndian(data).map { Float($0) }
        case .uint64: return UInt64.decodeLittleEndian(data).map { Float($0) }
        case .float16: return NumPyBytes.decode(data, as: UInt16.self).map(NumPyBytes.float(fromHalf:))
        case .float32: return Float.decodeLittleEndian(data)
        case .float64: return Double.decodeLittleEndian(data).map { Float($0) }
        }
    }

    /// Every element converted to `Double`, from any dtype (bool gives 0 or 1).
    /// 64-bit integers beyond ±2^53 are rounded to the nearest Double.
    public func asDoubles() -> [Double] {
        switch dtype {
        case .bool: return data.map { $0 != 0 ? 1 : 0 }
        case .int8: return Int8.decodeLittleEndian(data).map { Double($0) }
        case .int16: return Int16.decodeLittleEndian(data).map { Double($0) }
        case .int32: return Int32.decodeLittleEndian(data).map { Double($0) }
        case .int64: return Int64.decodeLittleEndian(data).map { Double($0) }
        case .uint8: return data.map { Double($0) }
        case .uint16: return UInt16.decodeLittleEndian(data).map { Double($0) }
        case .uint32: return UInt32.decodeLittleEndian(data).map { Double($0) }
        case .uint64: return UInt64.decodeLittleEndian(data).map { Double($0) }
        case .float16: return NumPyBytes.decode(data, as: UInt16.self).map { Double(NumPyBytes.float(fromHalf: $0)) }
        case .float32: return Float.decodeLittleEndian(data).map { Double($0) }
        case .float64: return Double.decodeLittleEndian(data)
        }
    }
}
