/// A Python literal as found in a `.npy` header: the header is the `repr` of
/// a dict such as `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
indirect enum NpyHeaderLiteral {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    case tuple([NpyHeaderLiteral])
    case list([NpyHeaderLiteral])
    case dict([(key: NpyHeaderLiteral, value: NpyHeaderLiteral)])

    /// A short name for messages: "a string", "a tuple", ….
    var kindName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .boolean: return "a bool"
        case .none: return "None"
        case .tuple: return "a tuple"
        case .list: return "a list"
        case .dict: return "a dict"
        }
    }

    /// Parses one literal that fills `bytes` (surrounding whitespace allowed).
    /// Returns a reason on failure; never traps, whatever the bytes.
    static func parse(_ bytes: [UInt8]) -> Result<NpyHeaderLiteral, Failure> {
        var parser = Parser(bytes: bytes)
        do throws(Failure) {
            let value = try parser.value(depth: 0)
            parser.skipWhitespace()
            guard parser.position == bytes.count else {
                throw Failure(reason: "unexpected \(parser.describeCurrent()) after the header dict at offset \(parser.position)")
            }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    struct Failure: Error {
        var reason: String
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0
        static let maxDepth = 32

        init(bytes: [UInt8]) { self.bytes = bytes }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        func describeCurrent() -> String {
            guard let byte = current else { return "end of header" }
            if byte >= 0x20 && byte < 0x7F { return "character '\(Character(Unicode.Scalar(byte)))'" }
            return "byte 0x" + String(byte, radix: 16, uppercase: true)
        }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                position += 1
            }
        }

        mutating func expect(_ byte: UInt8) throws(Failure) {
            skipWhitespace()
            guard current == byte else {
                throw Failure(reason: "expected '\(Character(Unicode.Scalar(byte)))' but found \(describeCurrent()) at offset \(position)")
            }
            position += 1
        }

        mutating func value(depth: Int) throws(Failure) -> NpyHeaderLiteral {
            guard depth < Parser.maxDepth else {
                throw Failure(reason: "header is nested more than \(Parser.maxDepth) levels deep")
            }
            skipWhitespace()
            guard let byte = current else {
                throw Failure(reason: "header ends where a value was expected")
            }
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .integer(try integer())
            case UInt8(ascii: "("):
                position += 1
                let (items, sawComma) = try sequence(closing: UInt8(ascii: ")"), depth: depth)
                // `(x)` is just a parenthesised value in Python; `()` and `(x,)` are tuples.
                if items.count == 1 && !sawComma { return items[0] }
                return .tuple(items)
            case UInt8(ascii: "["):
                position += 1
                return .list(try sequence(closing: UInt8(ascii: "]"), depth: depth).items)
            case UInt8(ascii: "{"):
                position += 1
                return try dict(depth: depth)
            default:
                return try keyword()
            }
        }

        mutating func sequence(closing: UInt8, depth: Int) throws(Failure) -> (items: [NpyHeaderLiteral], sawComma: Bool) {
            var items: [NpyHeaderLiteral] = []
            var sawComma = false
            while true {
                skipWhitespace()
                if current == closing { position += 1; return (items, sawComma) }
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    sawComma = true
                } else if current == closing {
                    position += 1
                    return (items, sawComma)
                } else {
                    throw Failure(reason: "expected ',' or '\(Character(Unicode.Scalar(closing)))' but found \(describeCurrent()) at offset \(position)")
                }
            }
        }

        mutating func dict(depth: Int) throws(Failure) -> NpyHeaderLiteral {
            var entries: [(key: NpyHeaderLiteral, value: NpyHeaderLiteral)] = []
            while true {
                skipWhitespace()
                if current == UInt8(ascii: "}") { position += 1; return .dict(entries) }
                let key = try value(depth: depth + 1)
                try expect(UInt8(ascii: ":"))
                let value = try value(depth: depth + 1)
                entries.append((key, value))
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                } else if current == UInt8(ascii: "}") {
                    position += 1
                    return .dict(entries)
                } else {
                    throw Failure(reason: "expected ',' or '}' but found \(describeCurrent()) at offset \(position)")
                }
            }
        }

        mutating func string() throws(Failure) -> String {
            guard let quote = current else { throw Failure(reason: "header ends where a string was expected") }
            let start = position
            position += 1
            var content: [UInt8] = []
            while let byte = current {
                position += 1
                if byte == quote { return String(decoding: content, as: UTF8.self) }
                if byte == UInt8(ascii: "\\") {
                    guard let escaped = current else { break }
                    position += 1
                    switch escaped {
                    case UInt8(ascii: "n"): content.append(0x0A)
                    case UInt8(ascii: "t"): content.append(0x09)
                    case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): content.append(escaped)
                    default: content.append(contentsOf: [byte, escaped])
                    }
                } else if byte == 0x0A {
                    break
                } else {
                    content.append(byte)
                }
            }
            throw Failure(reason: "string starting at offset \(start) is not closed")
        }

        mutating func integer() throws(Failure) -> Int {
            let start = position
            var negative = false
            if current == UInt8(ascii: "-") || current == UInt8(ascii: "+") {
                negative = current == UInt8(ascii: "-")
                position += 1
            }
            var magnitude = 0
            var digits = 0
            while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (next, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                guard !overflow1 && !overflow2 else {
                    throw Failure(reason: "integer at offset \(start) is too large")
                }
                magnitude = next
                digits += 1
                position += 1
            }
            guard digits > 0 else {
                throw Failure(reason: "expected a digit but found \(describeCurrent()) at offset \(position)")
            }
            // Python 2 wrote long integers with an `L` suffix, e.g. `(3L, 4L)`.
            if current == UInt8(ascii: "L") || current == UInt8(ascii: "l") { position += 1 }
            if let byte = current, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                throw Failure(reason: "number at offset \(start) is not an integer")
            }
            return negative ? -magnitude : magnitude
        }

        mutating func keyword() throws(Failure) -> NpyHeaderLiteral {
            let start = position
            while let byte = current, (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_") {
                position += 1
            }
            let word = String(decoding: bytes[start..<position], as: UTF8.self)
            switch word {
            case "True": return .boolean(true)
            case "False": return .boolean(false)
            case "None": return .none
            case "":
                throw Failure(reason: "unexpected \(describeCurrent()) at offset \(position)")
            default:
                throw Failure(reason: "unexpected name '\(word)' at offset \(start)")
            }
        }
    }
}
