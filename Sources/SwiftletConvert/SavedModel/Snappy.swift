/// Snappy decompression (the raw block format LevelDB tables may use for their blocks).
enum Snappy {
    /// Decompresses `input`; `label` names the data in errors.
    static func decompress(_ input: ArraySlice<UInt8>, label: String) throws(ConvertError) -> [UInt8] {
        var position = input.startIndex
        func fail(_ reason: String) -> ConvertError { .malformed(path: label, reason: "snappy block: \(reason)") }
        var length = 0, shift = 0
        while true {
            guard position < input.endIndex, shift < 35 else { throw fail("bad length header") }
            let byte = input[position]
            position += 1
            length |= Int(byte & 0x7F) << shift
            shift += 7
            if byte & 0x80 == 0 { break }
        }
        guard length <= 1 << 30 else { throw fail("declared length \(length) is implausible") }
        var output: [UInt8] = []
        output.reserveCapacity(length)
        func littleEndian(_ count: Int) throws(ConvertError) -> Int {
            guard input.endIndex - position >= count else { throw fail("truncated") }
            var value = 0
            for k in 0..<count { value |= Int(input[position + k]) << (8 * k) }
            position += count
            return value
        }
        while position < input.endIndex {
            let tag = input[position]
            position += 1
            switch tag & 3 {
            case 0:
                var literal = Int(tag >> 2)
                if literal >= 60 { literal = try littleEndian(literal - 59) }
                literal += 1
                guard input.endIndex - position >= literal else { throw fail("literal runs past the end") }
                output.append(contentsOf: input[position..<(position + literal)])
                position += literal
            default:
                let count: Int, offset: Int
                switch tag & 3 {
                case 1:
                    count = 4 + Int((tag >> 2) & 7)
                    offset = (Int(tag >> 5) << 8) | (try littleEndian(1))
                case 2:
                    count = 1 + Int(tag >> 2)
                    offset = try littleEndian(2)
                default:
                    count = 1 + Int(tag >> 2)
                    offset = try littleEndian(4)
                }
                guard offset > 0, offset <= output.count else { throw fail("copy offset \(offset) outside the output") }
                for _ in 0..<count { output.append(output[output.count - offset]) }
            }
            guard output.count <= length else { throw fail("output longer than declared") }
        }
        guard output.count == length else { throw fail("output is \(output.count) bytes, declared \(length)") }
        return output
    }
}
