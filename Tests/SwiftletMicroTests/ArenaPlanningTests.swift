import Foundation
import XCTest
import SwiftletFormat
import SwiftletMicro
import SwiftletTools

/// The planner's memory savings: element-wise operators writing over a dying
/// input, convolution-like operators overlapping their input, and the
/// resulting arenas against TFLM's.
final class ArenaPlanningTests: XCTestCase {
    // MARK: - Element-wise in place

    /// `a = relu(x); b = relu(a); y = add(b, x)`: `b` goes over `a` (which dies at
    /// its operator) and `y` over `b`; the graph input `x` is never written over.
    func testElementwiseOutputTakesItsDyingInput() throws {
        var graph = PlanningGraph()
        let x = graph.tensor([1, 64]), a = graph.tensor([1, 64]), b = graph.tensor([1, 64]), y = graph.tensor([1, 64])
        graph.op(.relu, [x], a)
        graph.op(.relu, [a], b)
        graph.op(.add, [b, x], y)
        let run = try graph.run(inputs: [x], outputs: [y], feeds: [(0..<64).map { Float($0 - 32) }])
        defer { run.release() }
        XCTAssertEqual(run.address(a), run.address(b))
        XCTAssertEqual(run.address(b), run.address(y))
        XCTAssertNotEqual(run.address(x), run.address(a))
        XCTAssertEqual(run.interpreter.headBytes, 2 * 256)
        XCTAssertEqual(run.output, (0..<64).map { Float($0 - 32) }.map { max($0, 0) + $0 })
    }

    /// A graph input is never written over, even where that would save memory.
    func testGraphInputIsNotWrittenOver() throws {
        var graph = PlanningGraph()
        let x = graph.tensor([1, 16]), y = graph.tensor([1, 16])
        graph.op(.relu, [x], y)
        let run = try graph.run(inputs: [x], outputs: [y], feeds: [(0..<16).map { Float($0 - 8) }])
        defer { run.release() }
        XCTAssertNotEqual(run.address(x), run.address(y))
        XCTAssertEqual(try run.interpreter.input(0).elements(as: Float.self)[0], -8)
    }

    /// A graph output that an operator also reads is not written over.
    func testGraphOutputIsNotWrittenOver() throws {
        var graph = PlanningGraph()
        let x = graph.tensor([1, 16]), a = graph.tensor([1, 16]), b = graph.tensor([1, 16]), y = graph.tensor([1, 16])
        graph.op(.relu, [x], a)
        graph.op(.relu6, [a], b)
        graph.op(.add, [b, x], y)
        let run = try graph.run(inputs: [x], outputs: [y, a], feeds: [(0..<16).map { Float($0 - 8) }])
        defer { run.release() }
        XCTAssertNotEqual(run.address(a), run.address(b))
        XCTAssertEqual(try run.interpreter.output(1).elements(as: Float.self)[15], 7)
    }

    /// An input read again by a later operator is not written over.
    func testInputStillUsedLaterIsNotWrittenOver() throws {
        var graph = PlanningGraph()
        let x = graph.tensor([1, 16]), a = graph.tensor([1, 16]), b = graph.tensor([1, 16]), y = graph.tensor([1, 16])
        graph.op(.relu, [x], a)
        graph.op(.relu6, [a], b)
        graph.op(.add, [b, a], y)
        let values = (0..<16).map { Float($0 - 4) }
        let run = try graph.run(inputs: [x], outputs: [y], feeds: [values])
        defer { run.release() }
        XCTAssertNotEqual(run.address(a), run.address(b))
        XCTAssertEqual(run.output, values.map { min(max($0, 0), 6) + max($0, 0) })
    }

    /// Only an input of the output's exact shape is written over: a broadcast
    /// operand (here one of another rank) is not.
    func testBroadcastInputIsNotWrittenOver() throws {
        var graph = PlanningGraph()
        let x = graph.tensor([4, 4]), u = graph.tensor([1, 4, 4]), s = graph.tensor([4, 4]), y = graph.tensor([1, 4, 4])
        graph.op(.relu, [x], s)
        graph.op(.add, [s, u], y)
        let values = (0..<16).map { Float($0 - 8) }
        let run = try graph.run(inputs: [x, u], outputs: [y], feeds: [values, values])
        defer { run.release() }
        XCTAssertNotEqual(run.address(s), run.address(y))
        XCTAssertEqual(run.output, values.map { max($0, 0) + $0 })
    }

    // MARK: - Convolutions overlapping their input

    /// In the keyword-spotting network each depthwise convolution's output starts
    /// a little before its dying input and covers most of it.
    func testConvolutionOutputOverlapsItsDyingInput() throws {
        let fixture = try FixtureRun(name: "net_kws_dscnn_int8")
        let needed = try MicroInterpreter.requiredArenaBytes(model: fixture.file.model, resolver: .allBuiltins)
        let (_, interpreter, arena) = try fixture.run(resolver: .allBuiltins, arenaBytes: needed)
        defer { arena.deallocate() }
        let op = fixture.file.model.subgraphs[0].operators[1]
        let input = try interpreter.tensor(Int(op.inputs[0])), output = try interpreter.tensor(Int(op.outputs[0]))
        let inputStart = input.data!, outputStart = output.data!
        XCTAssertLessThan(outputStart, inputStart)
        XCTAssertLessThan(inputStart, outputStart + output.byteCount)
    }

    // MARK: - Against TFLM

    /// Every network fixture fits in no more arena than TFLM needs for it.
    func testNetworkArenasAreNoLargerThanTFLM() throws {
        var checked = 0
        for name in try FixtureRun.names() where name.hasPrefix("net_") || name.hasPrefix("convnet_") {
            let fixture = try FixtureRun(name: name)
            guard let tflm = fixture.tflmArenaBytes, fixture.missingOperators(.allBuiltins).isEmpty else { continue }
            let needed = try MicroInterpreter.requiredArenaBytes(model: fixture.file.model, resolver: .allBuiltins)
            XCTAssertLessThanOrEqual(needed, tflm, "\(name): \(needed) B against TFLM's \(tflm) B")
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 5)
    }
}

// MARK: - Helpers

/// Builds small float graphs of element-wise operators and runs them.
fileprivate struct PlanningGraph {
    var tensors: [TensorDefinition] = []
    var operators: [(BuiltinOperator, [Int32], Int32)] = []

    mutating func tensor(_ shape: [Int]) -> Int32 {
        tensors.append(TensorDefinition(shape: shape.map(Int32.init), type: .float32, name: "t\(tensors.count)"))
        return Int32(tensors.count - 1)
    }

    mutating func op(_ code: BuiltinOperator, _ inputs: [Int32], _ output: Int32) {
        operators.append((code, inputs, output))
    }

    struct Run {
        let interpreter: MicroInterpreter
        let output: [Float]
        let storage: UnsafeMutableRawBufferPointer
        let arena: UnsafeMutableRawBufferPointer

        func address(_ tensor: Int32) -> UnsafeMutableRawPointer? { try? interpreter.tensor(Int(tensor)).data }

        func release() {
            arena.deallocate()
            storage.deallocate()
        }
    }

    func run(inputs: [Int32], outputs: [Int32], feeds: [[Float]]) throws -> Run {
        var model = ModelDefinition()
        var subgraph = SubGraphDefinition()
        subgraph.tensors = tensors
        subgraph.inputs = inputs
        subgraph.outputs = outputs
        var codes: [BuiltinOperator] = []
        for (code, _, _) in operators where !codes.contains(code) { codes.append(code) }
        subgraph.operators = operators.map { code, operands, result in
            OperatorDefinition(opcodeIndex: UInt32(codes.firstIndex(of: code)!), inputs: operands, outputs: [result], builtinOptions: nil)
        }
        model.operatorCodes = codes.map { OperatorCodeDefinition(builtinCode: $0) }
        model.buffers = [[]]
        model.subgraphs = [subgraph]
        let serialized = try ModelWriter.serialize(model)
        // Both stay allocated for the life of the run (the interpreter reads the model in place).
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: serialized.count, alignment: 16)
        storage.copyMemory(from: serialized.withUnsafeBytes { $0 })
        let parsed = try Model(bytes: UnsafeRawBufferPointer(storage))
        let resolver = OpResolver([.add, .relu, .relu6])
        let needed = try MicroInterpreter.requiredArenaBytes(model: parsed, resolver: resolver)
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: needed, alignment: 16)
        var interpreter = try MicroInterpreter(model: parsed, resolver: resolver, arena: arena)
        try interpreter.allocateTensors()
        for (index, values) in feeds.enumerated() {
            let view = try interpreter.input(index).elements(as: Float.self)
            for (slot, value) in values.enumerated() { view[slot] = value }
        }
        try interpreter.invoke()
        let output = Array(try interpreter.output(0).elements(as: Float.self))
        return Run(interpreter: interpreter, output: output, storage: storage, arena: arena)
    }
}
