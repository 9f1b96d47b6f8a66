/// Names for exported model arrays: checking a user's `--name` and deriving
/// one from a model's file name.
///
/// A name must work as a C and a C++ identifier, because the generated source
/// compiles as both: ASCII letters, digits and `_`, not starting with a digit,
/// and not a C or C++ keyword.
public enum CIdentifier {
    /// What `swiftlet export-c` prefixes to a derived name that would start with a digit.
    public static let digitPrefix = "model_"

    /// Whether `name` is usable as the array's name in C and C++.
    public static func isValid(_ name: String) -> Bool {
        problem(with: name) == nil
    }

    /// Throws unless `name` is usable as the array's name in C and C++.
    /// - Throws: `ToolsError.invalidArgument` with a one-line message saying what is wrong.
    public static func validate(_ name: String) throws(ToolsError) {
        if let problem = problem(with: name) {
            throw .invalidArgument(problem)
        }
    }

    /// The name `xxd -i` would give the file at `path`, from its last path
    /// component only: every character that is not an ASCII letter, digit or
    /// `_` becomes `_`, a leading digit gets ``digitPrefix`` in front, and a
    /// result that is a C/C++ keyword gets `_data` appended.
    ///
    /// `models/person_detect.tflite` → `person_detect_tflite`,
    /// `8bit-net.tflite` → `model_8bit_net_tflite`.
    public static func derived(fromPath path: String) -> String {
        let fileName = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
        var name = String(fileName.unicodeScalars.map { isIdentifierCharacter($0) ? Character($0) : "_" })
        if name.isEmpty { name = "model" }
        if let first = name.unicodeScalars.first, isDigit(first) { name = digitPrefix + name }
        if keywords.contains(name) { name += "_data" }
        return name
    }

    /// Why `name` cannot be used, as one line, or nil if it can.
    static func problem(with name: String) -> String? {
        let shown = "--name \"\(name)\""
        guard let first = name.unicodeScalars.first else {
            return "--name is empty; give a C identifier such as person_detect_model"
        }
        guard name.unicodeScalars.allSatisfy(isIdentifierCharacter), !isDigit(first) else {
            return "\(shown) is not a C identifier; use ASCII letters, digits and _, not starting with a digit"
        }
        if keywords.contains(name) {
            return "\(shown) is a C/C++ keyword; pick another name"
        }
        return nil
    }

    private static func isIdentifierCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_": return true
        default: return false
        }
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }

    /// C (through C23) and C++ (through C++23) keywords, plus the alternative
    /// operator spellings C++ reserves.
    static let keywords: Set<String> = [
        // C
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
        "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
        "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch",
        "typedef", "union", "unsigned", "void", "volatile", "while",
        "_Alignas", "_Alignof", "_Atomic", "_BitInt", "_Bool", "_Complex", "_Decimal128",
        "_Decimal32", "_Decimal64", "_Generic", "_Imaginary", "_Noreturn", "_Static_assert",
        "_Thread_local",
        // C23 and C++
        "alignas", "alignof", "bool", "constexpr", "false", "nullptr", "static_assert",
        "thread_local", "true", "typeof", "typeof_unqual",
        // C++
        "asm", "catch", "char8_t", "char16_t", "char32_t", "class", "co_await", "co_return",
        "co_yield", "concept", "const_cast", "consteval", "constinit", "decltype", "delete",
        "dynamic_cast", "explicit", "export", "friend", "mutable", "namespace", "new",
        "noexcept", "operator", "private", "protected", "public", "reinterpret_cast",
        "requires", "static_cast", "template", "this", "throw", "try", "typeid", "typename",
        "using", "virtual", "wchar_t",
        "and", "and_eq", "bitand", "bitor", "compl", "not", "not_eq", "or", "or_eq", "xor",
        "xor_eq",
    ]
}
