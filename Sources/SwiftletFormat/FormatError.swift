/// Why a `.tflite` file could not be read or written. Every case says where
/// (byte offset) and what, so that a person can tell a truncated download from
/// a file that is not a model at all.
public enum FormatError: Error {
    /// The file is shorter than the smallest possible model.
    case tooSmall(size: Int)
    /// Bytes 4..<8 are not `TFL3`.
    case wrongFileIdentifier(found: UInt32)
    /// `Model.version` is not the schema version this reader knows (3).
    case unsupportedSchemaVersion(found: UInt32)
    /// A table, vector, string or offset reaches outside the file.
    case outOfBounds(what: StaticString, offset: Int)
    /// A value is not aligned as FlatBuffers requires.
    case misaligned(what: StaticString, offset: Int)
    /// A table's vtable is malformed.
    case invalidVTable(table: StaticString, offset: Int)
    /// A string lacks its terminating zero byte.
    case unterminatedString(offset: Int)
    /// An index stored in the model points past the end of what it indexes.
    case indexOutOfRange(what: StaticString, index: Int, count: Int)
    /// A field holds a value the schema does not allow.
    case invalidValue(what: StaticString, value: Int)
    /// Nesting or sharing makes the file too expensive to verify (a hostile file).
    case tooComplex(tables: Int)
    /// `OfflineMemoryAllocation` metadata is malformed.
    case invalidOfflineMemoryAllocation(reason: StaticString)
    /// The writer met something it cannot represent (e.g. a union member this schema does not know).
    case cannotWrite(reason: StaticString)
    /// The model is too large for the FlatBuffer format (2 GB) even with buffers outside it.
    case modelTooLarge(bytes: Int)
    /// A custom operator's FlexBuffers options are malformed or lack a needed value.
    case invalidFlexBuffer(reason: StaticString, offset: Int)
    /// A custom operator's options lack a value its kernel needs.
    case missingFlexBufferKey(StaticString)
    /// A custom option's value has the wrong type or does not fit (`reason`).
    case invalidFlexBufferValue(key: StaticString, reason: StaticString)
}

extension FormatError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .tooSmall(let size):
            return "file is \(size) bytes, too small to be a .tflite model"
        case .wrongFileIdentifier(let found):
            return "not a .tflite model: bytes 4-7 are \(Self.fourCharacters(found)), expected \"TFL3\""
        case .unsupportedSchemaVersion(let found):
            return "model schema version \(found) is not supported (this reader knows version 3); re-convert the model with a current TensorFlow"
        case .outOfBounds(let what, let offset):
            return "corrupt or truncated model: \(what) at byte \(offset) reaches past the end of the file"
        case .misaligned(let what, let offset):
            return "corrupt model: \(what) at byte \(offset) is misaligned"
        case .invalidVTable(let table, let offset):
            return "corrupt model: \(table) table at byte \(offset) has an invalid vtable"
        case .unterminatedString(let offset):
            return "corrupt model: string at byte \(offset) has no terminating zero"
        case .indexOutOfRange(let what, let index, let count):
            return "corrupt model: \(what) is \(index) but there are only \(count)"
        case .invalidValue(let what, let value):
            return "corrupt model: \(what) has invalid value \(value)"
        case .tooComplex(let tables):
            return "model refused: more than \(tables) tables to verify (corrupt or hostile file)"
        case .invalidOfflineMemoryAllocation(let reason):
            return "invalid OfflineMemoryAllocation metadata: \(reason)"
        case .cannotWrite(let reason):
            return "cannot write model: \(reason)"
        case .modelTooLarge(let bytes):
            return "model of \(bytes) bytes is too large for the .tflite format"
        case .invalidFlexBuffer(let reason, let offset):
            return "corrupt custom options (FlexBuffers): \(reason) at byte \(offset); re-export the model"
        case .missingFlexBufferKey(let key):
            return "custom options lack \"\(key)\"; re-export the model with the operator's current version"
        case .invalidFlexBufferValue(let key, let reason):
            return "custom option \"\(key)\" (FlexBuffers): \(reason); re-export the model with the operator's current version"
        }
    }

    private static func fourCharacters(_ value: UInt32) -> String {
        var text = "\""
        for shift in stride(from: 0, to: 32, by: 8) {
            let byte = UInt8(truncatingIfNeeded: value >> UInt32(shift))
            if byte >= 0x20 && byte < 0x7f {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "\\x" + String(byte, radix: 16)
            }
        }
        return text + "\""
    }
}
