import XCTest
import SwiftletFormat
import SwiftletMicro

/// SVDF and UNIDIRECTIONAL_SEQUENCE_LSTM (float32, int8, int16x8): fixtures bit-exact with TFLM (float within
/// 1e-5) with the state carried across the samples, and
/// `reset()` brings the state back so a rerun repeats the first outputs.
final class RecurrentKernelTests: XCTestCase {
    static var kernels: [KernelRegistration] { [.svdf, .unidirectionalSequenceLstm] }

    func testSvdfFixtures() throws {
        try OpsBFixtures.assertExact(["svdf"], kernels: Self.kernels, minimum: 4)
    }

    func testUnidirectionalLstmFixtures() throws {
        try OpsBFixtures.assertExact(["unidirectional_lstm"], kernels: Self.kernels, minimum: 6)
    }

    /// The state really carries over (a second pass differs) and `reset()` clears it.
    func testResetRestartsTheState() throws {
        for name in ["svdf_float", "svdf_int8", "unidirectional_lstm_float", "unidirectional_lstm_int8", "unidirectional_lstm_int16x8"] {
            let fixture = try FixtureRun(name: name)
            let resolver = OpResolver(Self.kernels)
            let bytes = try MicroInterpreter.requiredArenaBytes(model: fixture.file.model, resolver: resolver)
            let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes, alignment: 16)
            defer { arena.deallocate() }
            var interpreter = try MicroInterpreter(model: fixture.file.model, resolver: resolver, arena: arena)
            try interpreter.allocateTensors()
            let input = try interpreter.input(0)
            func run() throws -> [UInt8] {
                fixture.inputs[0].data.withUnsafeBytes { input.data!.copyMemory(from: $0.baseAddress!, byteCount: input.byteCount) }
                try interpreter.invoke()
                let output = try interpreter.output(0)
                return Array(UnsafeRawBufferPointer(start: output.data, count: output.byteCount))
            }
            let first = try run()
            let second = try run()
            XCTAssertNotEqual(first, second, "\(name): the state should change the second output")
            interpreter.reset()
            XCTAssertEqual(try run(), first, "\(name): reset() restarts from the initial state")
        }
    }

    /// Runs after one pass over the fixtures: a debug build instantiates the metadata of
    /// generic code (the int8/int16 state variants) lazily on its first call anywhere in the process.
    func testInvokeAllocatesNothing() throws {
        try BitExact.check(try OpsBFixtures.names(["svdf", "unidirectional_lstm"]), resolver: OpResolver(Self.kernels))
        try assertInvokeAllocatesNothing(try OpsBFixtures.names(["svdf", "unidirectional_lstm"]), resolver: OpResolver(Self.kernels))
    }
}
