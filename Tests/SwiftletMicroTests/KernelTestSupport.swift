import MallocCounter
import XCTest
import SwiftletFormat
import SwiftletMicro

// Shared helpers of the kernel tests: building small models in memory, running
// them in an exact arena, reading outputs, fixture checks and seeded random data.

// MARK: - Models built in memory

/// A small model built in memory: tensors and constant buffers are added one at a
/// time, then one or more operators are serialized with `ModelWriter`, parsed back
/// and run by the `MicroInterpreter` in an arena of exactly `requiredArenaBytes`.
///
/// Activations (tensors without data) are named `t<index>` and point at the empty
/// buffer 0; constants are named `c<index>` and get a buffer of their own.
struct KernelTestModel {
    var tensors: [TensorDefinition] = []
    var buffers: [[UInt8]] = [[]]

    /// One operator: its builtin code, options, input tensors and output tensor.
    typealias Operator = (code: BuiltinOperator, options: TableValue?, inputs: [Int32], output: Int32)

    /// What `run(operators:inputs:outputs:resolver:)` saw after `invoke()`.
    struct Run {
        /// The bytes of each requested output, in order.
        var outputs: [[UInt8]]
        /// Every tensor's data pointer after `allocateTensors()`.
        var pointers: [UnsafeMutableRawPointer?]
    }

    /// Adds a tensor without data (a graph input, output or intermediate); returns its index.
    mutating func activation<Dimension: BinaryInteger>(_ shape: [Dimension], _ type: TensorType,
                                                       quantization: QuantizationDefinition? = nil) -> Int32 {
        tensors.append(TensorDefinition(shape: shape.map { Int32($0) }, type: type, buffer: 0, name: "t\(tensors.count)",
                                        quantization: quantization))
        return Int32(tensors.count - 1)
    }

    /// Adds a tensor without data quantized per tensor by `scale` and `zeroPoint` (not quantized when `scale` is nil).
    mutating func activation<Dimension: BinaryInteger>(_ shape: [Dimension], _ type: TensorType, scale: Float?,
                                                       zeroPoint: Int64 = 0) -> Int32 {
        activation(shape, type, quantization: scale.map { QuantizationDefinition(scale: [$0], zeroPoint: [zeroPoint]) })
    }

    /// Adds a constant tensor holding `data`; returns its index.
    mutating func constant<Dimension: BinaryInteger>(_ shape: [Dimension], _ type: TensorType, _ data: [UInt8],
                                                     quantization: QuantizationDefinition? = nil) -> Int32 {
        buffers.append(data)
        tensors.append(TensorDefinition(shape: shape.map { Int32($0) }, type: type, buffer: UInt32(buffers.count - 1),
                                        name: "c\(tensors.count)", quantization: quantization))
        return Int32(tensors.count - 1)
    }

    /// Runs the one operator `code` on `operands`, feeding `input` to the first operand
    /// that is not a constant; returns the bytes of output `result`.
    func run(_ code: BuiltinOperator, _ options: TableValue?, _ operands: [Int32], _ result: Int32, input: [UInt8],
             resolver: OpResolver, file: StaticString = #filePath, line: UInt = #line) throws -> [UInt8] {
        let fed = operands.first { tensors[Int($0)].buffer == 0 }!
        return try run(code, options, operands, result, inputs: [(fed, input)], resolver: resolver, file: file, line: line)
    }

    /// Runs the one operator `code` on `operands` with graph inputs `inputs` (tensor, bytes);
    /// returns the bytes of output `result`.
    func run(_ code: BuiltinOperator, _ options: TableValue?, _ operands: [Int32], _ result: Int32, inputs: [(Int32, [UInt8])],
             resolver: OpResolver, file: StaticString = #filePath, line: UInt = #line) throws -> [UInt8] {
        try run(operators: [(code, options, operands, result)], inputs: inputs, outputs: [result], resolver: resolver,
                file: file, line: line).outputs[0]
    }

    /// Runs `operators` in order with graph inputs `inputs` (tensor, bytes) and graph outputs `outputs`.
    func run(operators: [Operator], inputs: [(Int32, [UInt8])], outputs: [Int32], resolver: OpResolver,
             file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        var codes: [BuiltinOperator] = []
        var subgraph = SubGraphDefinition()
        subgraph.tensors = tensors
        subgraph.inputs = inputs.map { $0.0 }
        subgraph.outputs = outputs
        for (code, options, operands, result) in operators {
            if !codes.contains(code) { codes.append(code) }
            let index = UInt32(codes.firstIndex(of: code)!)
            subgraph.operators.append(OperatorDefinition(opcodeIndex: index, inputs: operands, outputs: [result], builtinOptions: options))
        }
        var model = ModelDefinition()
        model.operatorCodes = codes.map { OperatorCodeDefinition(builtinCode: $0) }
        model.buffers = buffers
        model.subgraphs = [subgraph]
        return try withParsedModel(model) { parsed in
            try withExactArena(model: parsed, resolver: resolver) { interpreter in
                for (index, (_, data)) in inputs.enumerated() {
                    try feed(&interpreter, input: index, data, file: file, line: line)
                }
                try interpreter.invoke()
                return Run(outputs: try (0..<outputs.count).map { try outputBytes(interpreter, $0) },
                           pointers: try (0..<tensors.count).map { try interpreter.tensor($0).data })
            }
        }
    }
}

/// Serializes `definition` with `ModelWriter` into 16-byte aligned storage and hands the parsed model to `body`.
func withParsedModel<Result>(_ definition: ModelDefinition, _ body: (Model) throws -> Result) throws -> Result {
    let serialized = try ModelWriter.serialize(definition)
    let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: serialized.count, alignment: 16)
    defer { storage.deallocate() }
    storage.copyMemory(from: serialized.withUnsafeBytes { $0 })
    return try body(try Model(bytes: UnsafeRawBufferPointer(storage)))
}

// MARK: - Running in an exact arena

/// Allocates an arena of exactly `requiredArenaBytes` (at least one byte), builds the
/// interpreter, allocates its tensors and hands it to `body`; the arena is freed after.
func withExactArena<Result>(model: Model, resolver: OpResolver,
                            _ body: (inout MicroInterpreter) throws -> Result) throws -> Result {
    let needed = try MicroInterpreter.requiredArenaBytes(model: model, resolver: resolver)
    let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: max(needed, 1), alignment: 16)
    defer { arena.deallocate() }
    var interpreter = try MicroInterpreter(model: model, resolver: resolver, arena: arena)
    try interpreter.allocateTensors()
    return try body(&interpreter)
}

/// A feed whose size is not the input tensor's.
struct FeedSizeMismatch: Error {
    var input: Int
}

/// Copies `data` into input `index`; a size other than the tensor's fails the test and throws.
func feed(_ interpreter: inout MicroInterpreter, input index: Int, _ data: [UInt8],
          file: StaticString = #filePath, line: UInt = #line) throws {
    let view = try interpreter.input(index)
    XCTAssertEqual(view.byteCount, data.count, "feed \(index) has the wrong size", file: file, line: line)
    guard view.byteCount == data.count else { throw FeedSizeMismatch(input: index) }
    data.withUnsafeBytes { view.data!.copyMemory(from: $0.baseAddress!, byteCount: data.count) }
}

/// The bytes of output `index`.
func outputBytes(_ interpreter: MicroInterpreter, _ index: Int) throws -> [UInt8] {
    let view = try interpreter.output(index)
    return view.byteCount == 0 ? [] : Array(UnsafeRawBufferPointer(start: view.data, count: view.byteCount))
}

// MARK: - Fixtures

/// Every fixture whose name starts with `prefix` (there must be `count`) is bit-exact with
/// TFLM and none is skipped; prints the names and the arena sizes next to TFLM's.
func assertFixturesBitExact(prefix: String, count: Int, resolver: OpResolver,
                            file: StaticString = #filePath, line: UInt = #line) throws {
    let names = try FixtureRun.names().filter { $0.hasPrefix(prefix) }
    XCTAssertEqual(names.count, count, file: file, line: line)
    let summary = try BitExact.check(names, resolver: resolver, file: file, line: line)
    XCTAssertEqual(summary.skipped, [], file: file, line: line)
    XCTAssertEqual(summary.exact.sorted(), names.sorted(), file: file, line: line)
    print("\(prefix)* bit-exact: \(summary.exact.joined(separator: ", "))")
    print("arena (Swiftlet vs TFLM):\n  " + summary.arenaLines.joined(separator: "\n  "))
}

/// Runs each fixture in an exact arena and checks that not even the first `invoke()`
/// touches the heap. Skips where allocations cannot be counted.
func assertInvokeAllocatesNothing(_ names: [String], resolver: OpResolver,
                                  file: StaticString = #filePath, line: UInt = #line) throws {
    guard swiftlet_malloc_counter_available() == 1 else { throw XCTSkip("allocation counting needs glibc") }
    for name in names {
        let fixture = try FixtureRun(name: name)
        try withExactArena(model: fixture.file.model, resolver: resolver) { interpreter in
            swiftlet_malloc_counter_start()
            for _ in 0..<3 { try interpreter.invoke() }
            XCTAssertEqual(swiftlet_malloc_counter_stop(), 0, "\(name): invoke() allocated on the heap", file: file, line: line)
        }
    }
}

// MARK: - Typed data

/// The raw bytes of `values`.
func bytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }

/// `data` read as an array of `T`.
func elements<T>(_ data: [UInt8], as _: T.Type) -> [T] { data.withUnsafeBytes { Array($0.bindMemory(to: T.self)) } }

func floats(_ data: [UInt8]) -> [Float] { elements(data, as: Float.self) }
func int8s(_ data: [UInt8]) -> [Int8] { data.map { Int8(bitPattern: $0) } }
func int16s(_ data: [UInt8]) -> [Int16] { elements(data, as: Int16.self) }
func int32s(_ data: [UInt8]) -> [Int32] { elements(data, as: Int32.self) }

// MARK: - Seeded random data

/// A deterministic 64-bit generator, so failures reproduce; the helpers draw one value each.
protocol SeededRandomSource {
    mutating func next() -> UInt64
}

extension SeededRandomSource {
    /// A float in [low, high) with 24 random bits.
    mutating func float(_ low: Float, _ high: Float) -> Float { low + (high - low) * Float(next() >> 40) / Float(1 << 24) }

    /// An integer in low...high.
    mutating func int(_ low: Int, _ high: Int) -> Int { low + Int(next() % UInt64(high - low + 1)) }

    /// An integer in low...high.
    mutating func int32(_ low: Int32, _ high: Int32) -> Int32 {
        low + Int32(truncatingIfNeeded: next() % UInt64(Int64(high) - Int64(low) + 1))
    }
}

/// SplitMix64 (Steele, Lea and Flood).
struct SplitMix64: SeededRandomSource {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
