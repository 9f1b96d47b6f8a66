/// The preamble and header of a `.npy` file: magic `\x93NUMPY`, version,
/// header length, then the `repr` of a dict with 'descr', 'fortran_order'
/// and 'shape'. See numpy/lib/format.py.
struct NpyHeader: Equatable {
    /// The format version, e.g. (1, 0).
    var major: UInt8
    var minor: UInt8
    var dtype: NumPyDType
    /// True when the file's data is big-endian and must be byte-swapped.
    var bigEndian: Bool
    var shape: [Int]
    /// Byte offset of the first data byte.
    var dataOffset: Int
    /// Number of data bytes the header promises.
    var dataByteCount: Int

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    /// NumPy pads the header so that the data starts at a multiple of this.
    static let alignment = 64
    /// NumPy leaves room for the first dimension to grow to this many digits.
    static let growthAxisMaxDigits = 21

    // MARK: - Reading

    /// Parses the header at the start of `bytes`. `path` only names the file in errors.
    static func parse(_ bytes: [UInt8], path: String) throws(ToolsError) -> NpyHeader {
        func invalid(_ reason: String) -> ToolsError { .invalidNumPy(path: path, reason: reason) }

        let magicFound = Array(bytes.prefix(magic.count))
        guard magicFound == Array(magic.prefix(magicFound.count)) else {
            throw invalid("bad magic: a .npy file starts with \\x93NUMPY, this one starts with \(hexDump(magicFound))")
        }
        guard bytes.count >= 8 else {
            throw invalid("truncated header: expected at least 10 bytes of preamble, found \(bytes.count)")
        }
        let (major, minor) = (bytes[6], bytes[7])
        let lengthSize: Int
        switch (major, minor) {
        case (1, 0): lengthSize = 2
        case (2, 0), (3, 0): lengthSize = 4
        default:
            throw .unsupportedNumPy(path: path, feature: "format version \(major).\(minor) (Swiftlet reads versions 1.0, 2.0 and 3.0)")
        }
        let preamble = 8 + lengthSize
        guard bytes.count >= preamble else {
            throw invalid("truncated header: expected \(preamble) bytes of preamble, found \(bytes.count)")
        }
        var headerLength = 0
        for index in (0..<lengthSize).reversed() {
            headerLength = headerLength << 8 | Int(bytes[8 + index])
        }
        let headerEnd = preamble + headerLength  // at most 12 + 2^32 - 1: cannot overflow
        guard bytes.count >= headerEnd else {
            throw invalid("truncated header: header length says \(headerLength) bytes, found \(bytes.count - preamble)")
        }
        let text = Array(bytes[preamble..<headerEnd])

        let literal: NpyHeaderLiteral
        switch NpyHeaderLiteral.parse(text) {
        case .success(let value): literal = value
        case .failure(let failure): throw invalid("malformed header \(quote(text)): \(failure.reason)")
        }
        guard case .dict(let entries) = literal else {
            throw invalid("header is \(literal.kindName), not a dict: \(quote(text))")
        }
        var fields: [String: NpyHeaderLiteral] = [:]
        for (key, value) in entries {
            guard case .string(let name) = key, ["descr", "fortran_order", "shape"].contains(name) else {
                throw invalid("header has an unexpected key \(describeKey(key)); expected only 'descr', 'fortran_order' and 'shape'")
            }
            guard fields.updateValue(value, forKey: name) == nil else {
                throw invalid("header has the key '\(name)' twice")
            }
        }
        guard let descr = fields["descr"] else { throw invalid("header has no 'descr' key") }
        guard let fortranOrder = fields["fortran_order"] else { throw invalid("header has no 'fortran_order' key") }
        guard let shapeLiteral = fields["shape"] else { throw invalid("header has no 'shape' key") }

        let shape = try parseShape(shapeLiteral, path: path)
        let (dtype, bigEndian) = try parseDescr(descr, path: path)

        guard case .boolean(let isFortran) = fortranOrder else {
            throw invalid("'fortran_order' is \(fortranOrder.kindName), expected True or False")
        }
        // Column-major data only differs from row-major when two or more dimensions exceed 1.
        if isFortran && shape.filter({ $0 > 1 }).count > 1 {
            throw .unsupportedNumPy(
                path: path,
                feature: "fortran_order True (column-major data; convert it with numpy.ascontiguousarray(array) before saving)")
        }
        if let problem = NumPyShape.problem(shape, itemSize: dtype.itemSize) {
            throw invalid(problem)
        }
        let byteCount = NumPyShape.byteCount(shape, itemSize: dtype.itemSize) ?? 0
        return NpyHeader(
            major: major, minor: minor, dtype: dtype, bigEndian: bigEndian, shape: shape,
            dataOffset: headerEnd, dataByteCount: byteCount)
    }

    private static func parseShape(_ literal: NpyHeaderLiteral, path: String) throws(ToolsError) -> [Int] {
        guard case .tuple(let items) = literal else {
            throw .invalidNumPy(path: path, reason: "'shape' is \(literal.kindName), expected a tuple of integers such as (2, 3)")
        }
        var shape: [Int] = []
        for item in items {
            guard case .integer(let dimension) = item else {
                throw .invalidNumPy(path: path, reason: "'shape' contains \(item.kindName), expected only integers")
            }
            shape.append(dimension)
        }
        return shape
    }

    /// Maps a descr such as `'<f4'` to a dtype and byte order, naming unsupported types.
    private static func parseDescr(_ literal: NpyHeaderLiteral, path: String) throws(ToolsError) -> (NumPyDType, bigEndian: Bool) {
        let descr: String
        switch literal {
        case .string(let value):
            descr = value
        case .list:
            throw .unsupportedNumPy(path: path, feature: "structured dtype (record arrays with named fields)")
        default:
            throw .invalidNumPy(path: path, reason: "'descr' is \(literal.kindName), expected a type string such as '<f4'")
        }
        var characters = Substring(descr)
        var bigEndian = isBigEndianHost
        if let first = characters.first, "<>|=".contains(first) {
            // '|' means "not applicable" (one-byte types); '=' means native order.
            if first == "<" { bigEndian = false } else if first == ">" { bigEndian = true }
            characters = characters.dropFirst()
        }
        guard let kind = characters.first else {
            throw .invalidNumPy(path: path, reason: "'descr' \(quoted(descr)) names no type")
        }
        let sizeText = characters.dropFirst()
        let unsupported: String?
        switch kind {
        case "O": unsupported = "object dtype (Python objects stored with pickle)"
        case "U": unsupported = "unicode string dtype \(quoted(descr))"
        case "S", "a": unsupported = "byte string dtype \(quoted(descr))"
        case "V": unsupported = "void (raw bytes) dtype \(quoted(descr))"
        case "c": unsupported = "complex dtype \(quoted(descr))"
        case "M": unsupported = "datetime64 dtype \(quoted(descr))"
        case "m": unsupported = "timedelta64 dtype \(quoted(descr))"
        default: unsupported = nil
        }
        if let unsupported { throw .unsupportedNumPy(path: path, feature: unsupported) }

        guard "biuf".contains(kind), !sizeText.isEmpty, sizeText.count <= 3, sizeText.allSatisfy(\.isASCII),
            let size = Int(sizeText)
        else {
            throw .invalidNumPy(path: path, reason: "'descr' \(quoted(descr)) is not a NumPy type string such as '<f4'")
        }
        guard let dtype = NumPyDType(kind: kind, itemSize: size) else {
            if kind == "f" && (size == 12 || size == 16) {
                throw .unsupportedNumPy(path: path, feature: "long double dtype \(quoted(descr))")
            }
            throw .unsupportedNumPy(path: path, feature: "dtype \(quoted(descr))")
        }
        return (dtype, dtype.itemSize > 1 && bigEndian)
    }

    static var isBigEndianHost: Bool { 1.bigEndian == 1 }

    private static func describeKey(_ key: NpyHeaderLiteral) -> String {
        if case .string(let name) = key { return quoted(name) }
        return key.kindName
    }

    private static func quoted(_ text: String) -> String {
        "'" + String(text.prefix(40)) + (text.count > 40 ? "…" : "") + "'"
    }

    /// The header text for messages: printable, trimmed, at most 120 characters.
    private static func quote(_ text: [UInt8]) -> String {
        var printable = ""
        for byte in text.prefix(120) {
            if byte >= 0x20 && byte < 0x7F {
                printable.append(Character(Unicode.Scalar(byte)))
            } else {
                printable += byte == 0x0A ? "\\n" : "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        while printable.hasSuffix(" ") || printable.hasSuffix("\\n") {
            printable.removeLast(printable.hasSuffix(" ") ? 1 : 2)
        }
        return "\"" + printable + (text.count > 120 ? "…" : "") + "\""
    }

    private static func hexDump(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return "nothing (the file is empty)" }
        return bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
    }

    // MARK: - Writing

    /// The preamble and header NumPy writes for a C-order little-endian array:
    /// version 1.0 (2.0 if the header exceeds 65535 bytes), keys sorted, room for
    /// the first dimension to grow, padded with spaces and a final '\n' so that the
    /// data starts at a multiple of 64 bytes.
    static func encode(dtype: NumPyDType, shape: [Int]) -> [UInt8] {
        var dict = "{'descr': '\(dtype.descr)', 'fortran_order': False, 'shape': \(NumPyShape.describe(shape)), }"
        if let first = shape.first {
            dict += String(repeating: " ", count: max(0, growthAxisMaxDigits - String(first).count))
        }
        return wrap(Array(dict.utf8))
    }

    /// Adds magic, version, length and padding around a header dict, choosing version 1.0
    /// when the padded length fits in 16 bits and 2.0 otherwise.
    static func wrap(_ dict: [UInt8]) -> [UInt8] {
        var (major, lengthSize): (UInt8, Int) = (1, 2)
        var (headerLength, padding) = layout(dictLength: dict.count, lengthSize: lengthSize)
        if headerLength > Int(UInt16.max) {
            (major, lengthSize) = (2, 4)
            (headerLength, padding) = layout(dictLength: dict.count, lengthSize: lengthSize)
        }
        var bytes = magic + [major, 0]
        for index in 0..<lengthSize {
            bytes.append(UInt8(truncatingIfNeeded: headerLength >> (8 * index)))
        }
        bytes += dict
        bytes += [UInt8](repeating: 0x20, count: padding)
        bytes.append(0x0A)
        return bytes
    }

    /// NumPy's `_wrap_header` arithmetic: the header length field counts the dict,
    /// the padding and the final '\n'; the padding is 1...64 spaces.
    private static func layout(dictLength: Int, lengthSize: Int) -> (headerLength: Int, padding: Int) {
        let preamble = magic.count + 2 + lengthSize
        let unpadded = dictLength + 1
        let padding = alignment - (preamble + unpadded) % alignment
        return (unpadded + padding, padding)
    }
}
