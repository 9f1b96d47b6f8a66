/// Which operator/type pairs Swiftlet's micro interpreter and TFLM's reference kernels run,
/// as `swiftlet inspect` lists them for a model.
///
/// An operator's "type" is the type of its data input (`INT8`), `A→B` for conversions
/// (CAST, QUANTIZE, DEQUANTIZE, SOFTMAX to int16) and a hybrid label for float activations
/// with int8 weights. Both tables are checked against every golden fixture by
/// `BitExactFixtureTests` (what TFLM ran must be listed for TFLM, what it refused must not
/// be; what Swiftlet passes must be listed for Swiftlet). The TFLM table is the type audit's
/// probe of the pinned `tflite-micro` wheel (`Tools/fixtures/type_audit.py`, TYPE_AUDIT.md;
/// `Tests/Fixtures/type_audit.json`, which `TypeAuditTests` holds this table to).
public enum OperatorSupport {
    /// Every type (data movement and state ops that copy bytes whatever they hold).
    static let anyType = "*"

    static let float: Set<String> = ["FLOAT32"]
    static let quantized: Set<String> = ["FLOAT32", "INT8", "INT16"]
    static let floatInt8: Set<String> = ["FLOAT32", "INT8"]
    static let numeric: Set<String> = ["FLOAT32", "INT8", "INT16", "INT32", "INT64"]
    /// The comparisons other than GREATER: no int16 in TFLM.
    static let compared: Set<String> = ["FLOAT32", "INT8", "INT32", "INT64"]
    /// CAST: every pair of distinct types among these five.
    static let castPairs: Set<String> = {
        let types = ["FLOAT32", "INT8", "INT16", "INT32", "BOOL"]
        return Set(types.flatMap { a in types.filter { $0 != a }.map { "\(a)→\($0)" } })
    }()

    /// TFLM: operator → data-input types its reference kernel accepts.
    public static let tflm: [String: Set<String>] = [
        "ABS": quantized, "ADD": quantized.union(["INT32"]), "ADD_N": floatInt8, "ARG_MAX": floatInt8, "ARG_MIN": floatInt8,
        "ASSIGN_VARIABLE": [anyType], "AVERAGE_POOL_2D": quantized, "BATCH_MATMUL": quantized,
        "BATCH_TO_SPACE_ND": floatInt8, "BROADCAST_ARGS": ["INT32", "INT64"], "BROADCAST_TO": [anyType],
        "CALL_ONCE": [anyType], "CAST": castPairs, "CEIL": float, "CONCATENATION": numeric.union(["BOOL"]),
        "CONV_2D": quantized, "COS": float, "CUMSUM": floatInt8, "DEPTHWISE_CONV_2D": quantized,
        "DEPTH_TO_SPACE": floatInt8, "DEQUANTIZE": ["INT8→FLOAT32", "INT16→FLOAT32", "UINT8→FLOAT32"],
        "DIV": floatInt8.union(["INT32"]), "DYNAMIC_UPDATE_SLICE": quantized.union(["INT32"]), "ELU": floatInt8,
        "EMBEDDING_LOOKUP": ["FLOAT32", "INT8", "INT8→FLOAT32 (hybrid)"],
        "EQUAL": compared.union(["BOOL"]), "NOT_EQUAL": compared.union(["BOOL"]), "EXP": float, "EXPAND_DIMS": quantized,
        "FILL": ["FLOAT32", "INT8", "INT32"], "FLOOR": float, "FLOOR_DIV": float, "FLOOR_MOD": float,
        "FULLY_CONNECTED": quantized, "GATHER": floatInt8, "GATHER_ND": floatInt8,
        "GREATER": numeric, "GREATER_EQUAL": compared, "LESS": compared, "LESS_EQUAL": compared,
        "HARD_SWISH": floatInt8, "IF": [anyType], "L2_NORMALIZATION": floatInt8, "L2_POOL_2D": float,
        "LEAKY_RELU": quantized, "LOG": float, "LOGICAL_AND": ["BOOL"], "LOGICAL_NOT": ["BOOL"], "LOGICAL_OR": ["BOOL"],
        "LOGISTIC": quantized, "LOG_SOFTMAX": floatInt8, "MAXIMUM": numeric, "MINIMUM": numeric, "MAX_POOL_2D": quantized,
        "MEAN": quantized, "MIRROR_PAD": floatInt8, "MUL": quantized.union(["INT32"]), "NEG": float,
        "PACK": numeric, "UNPACK": quantized.union(["INT32"]),
        "PAD": quantized.union(["INT32"]), "PADV2": quantized.union(["INT32"]), "PRELU": floatInt8,
        "QUANTIZE": ["FLOAT32→INT8", "FLOAT32→INT16", "INT8→INT8", "INT8→INT16", "INT8→INT32", "INT8→UINT8",
                     "INT16→INT8", "INT16→INT16", "INT16→INT32", "INT32→INT8", "INT32→INT16", "UINT8→INT8"],
        "READ_VARIABLE": [anyType], "REDUCE_ALL": ["BOOL"], "REDUCE_MAX": floatInt8, "REDUCE_MIN": floatInt8,
        "RELU": quantized, "RELU6": quantized, "RESHAPE": [anyType], "RESIZE_BILINEAR": floatInt8,
        "RESIZE_NEAREST_NEIGHBOR": quantized, "REVERSE_V2": [anyType], "ROUND": float,
        "RSQRT": quantized, "SELECT_V2": quantized, "SHAPE": [anyType], "SIN": float, "SLICE": quantized.union(["INT32", "BOOL"]),
        "SOFTMAX": ["FLOAT32", "INT8", "INT8→INT16", "INT16"], "SPACE_TO_BATCH_ND": floatInt8, "SPACE_TO_DEPTH": floatInt8,
        "SPLIT": quantized.union(["INT32"]), "SPLIT_V": quantized.union(["INT32"]), "SQRT": float, "SQUARE": float,
        "SQUARED_DIFFERENCE": quantized.union(["INT32"]),
        "SQUEEZE": [anyType], "STRIDED_SLICE": quantized.union(["INT32", "BOOL"]), "SUB": quantized.union(["INT32"]),
        "SUM": quantized, "SVDF": floatInt8, "TANH": quantized, "TRANSPOSE": quantized,
        "TRANSPOSE_CONV": quantized, "UNIDIRECTIONAL_SEQUENCE_LSTM": quantized, "VAR_HANDLE": [anyType],
        "WHILE": [anyType], "ZEROS_LIKE": ["FLOAT32", "INT8", "INT32", "INT64"],
        // Custom operators TFLM's resolver offers.
        "CIRCULAR_BUFFER": [anyType], "TFLite_Detection_PostProcess": ["FLOAT32"],  // TFLM's kernel fails on int8/uint8
        // The signal library's custom ops (all 14 registered by the tflite-micro wheel), by input 0's type.
        "SignalWindow": ["INT16"], "SignalFftAutoScale": ["INT16"], "SignalRfft": ["INT16", "INT32", "FLOAT32"],
        "SignalEnergy": ["INT16"], "SignalFilterBank": ["UINT32"], "SignalFilterBankSquareRoot": ["UINT64"],
        "SignalFilterBankSpectralSubtraction": ["UINT32"], "SignalPCAN": ["UINT32"], "SignalFilterBankLog": ["UINT32"],
        "SignalFramer": ["INT16"], "SignalStacker": ["INT16"], "SignalDelay": ["INT16"],
        "SignalOverlapAdd": ["INT16", "FLOAT32"], "SignalIrfft": ["INT16", "INT32", "FLOAT32"],
    ]

    /// Swiftlet: operator → data-input types its kernel accepts (the kernel must also be registered).
    public static let swiftlet: [String: Set<String>] = {
        var table = tflm
        func add(_ op: String, _ types: Set<String>) { table[op, default: []].formUnion(types) }
        // Beyond TFLM (LiteRT's reference behaviour).
        add("TILE", [anyType]); add("GELU", floatInt8); add("SELECT", [anyType]); add("SELECT_V2", [anyType])
        add("RELU_N1_TO_1", floatInt8); add("EXP", ["INT8"]); add("LOG", ["INT8"]); add("SQRT", ["INT8"])
        add("NEG", ["INT32", "INT64"]); add("ADD_N", ["INT32"]); add("FLOOR_DIV", ["INT32"]); add("FLOOR_MOD", ["INT32", "INT64"])
        add("SUM", ["INT32"]); add("REDUCE_MAX", ["INT32"]); add("REDUCE_MIN", ["INT32"]); add("ARG_MAX", ["INT16", "INT32"])
        add("ARG_MIN", ["INT16", "INT32"]); add("CUMSUM", ["INT32", "INT64"]); add("ABS", ["INT32"])
        add("GATHER", [anyType]); add("GATHER_ND", [anyType]); add("PACK", [anyType]); add("UNPACK", [anyType])
        add("SLICE", [anyType]); add("SPLIT", [anyType]); add("SPLIT_V", [anyType]); add("REVERSE_V2", [anyType])
        add("MIRROR_PAD", [anyType]); add("SPACE_TO_DEPTH", [anyType]); add("DEPTH_TO_SPACE", [anyType])
        add("SPACE_TO_BATCH_ND", ["INT16"]); add("BATCH_TO_SPACE_ND", ["INT16"]); add("DYNAMIC_UPDATE_SLICE", [anyType])
        add("RESIZE_NEAREST_NEIGHBOR", [anyType]); add("FILL", [anyType])
        add("EXPAND_DIMS", [anyType]); add("CAST", [anyType]); add("TRANSPOSE", ["INT32"]); add("RESIZE_BILINEAR", ["INT16"])
        add("EQUAL", ["INT16"]); add("NOT_EQUAL", ["INT16"]); add("GREATER_EQUAL", ["INT16"]); add("LESS", ["INT16"])
        add("LESS_EQUAL", ["INT16"])
        add("FULLY_CONNECTED", ["FLOAT32 (int8 weights, hybrid)"]); add("CONV_2D", ["FLOAT32 (int8 weights, hybrid)"])
        add("DEPTHWISE_CONV_2D", ["FLOAT32 (int8 weights, hybrid)"]); add("DEQUANTIZE", ["FLOAT16→FLOAT32"])
        table["TFLite_Detection_PostProcess"] = ["FLOAT32"]  // float32 only, as TFLM's kernel
        return table
    }()

    /// Whether `types` (a support table entry) covers `type`.
    public static func covers(_ types: Set<String>?, _ type: String) -> Bool {
        guard let types else { return false }
        return types.contains(anyType) || types.contains(type)
    }

    /// The input slot whose type names the operator's type (the data, not axes, ids or shapes).
    static func dataInput(_ op: String) -> Int {
        switch op {
        case "SPLIT", "EMBEDDING_LOOKUP", "SELECT", "SELECT_V2", "FILL": return 1
        case "TRANSPOSE_CONV": return 2
        default: return 0
        }
    }

    /// The type label of one operator, from its tensors' type names (−1 = omitted input).
    public static func typeLabel(op: String, inputTypes: [String?], outputTypes: [String?]) -> String {
        let slot = dataInput(op)
        let input = (slot < inputTypes.count ? inputTypes[slot] : nil) ?? "?"
        let output = outputTypes.first.flatMap { $0 } ?? "?"
        switch op {
        case "CAST", "QUANTIZE", "DEQUANTIZE":
            return "\(input)→\(output)"
        case "EMBEDDING_LOOKUP" where input == "INT8" && output == "FLOAT32":
            return "INT8→FLOAT32 (hybrid)"
        case "FULLY_CONNECTED", "CONV_2D", "DEPTHWISE_CONV_2D":
            let weights = inputTypes.count > 1 ? inputTypes[1] : nil
            return input == "FLOAT32" && weights == "INT8" ? "FLOAT32 (int8 weights, hybrid)" : input
        case "SOFTMAX" where input != output:
            return "\(input)→\(output)"
        default:
            return input
        }
    }
}
