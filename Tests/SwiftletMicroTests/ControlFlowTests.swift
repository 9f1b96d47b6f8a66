import Foundation
import XCTest
import SwiftletFormat
import SwiftletMicro

/// IF, WHILE, CALL_ONCE and resource variables: the fixtures converted by TensorFlow
/// (tf.cond, a data-dependent tf.while_loop, a tf.Variable accumulator with reset())
/// against TFLM over several invokes, the shared arena, and clear refusals.
final class ControlFlowTests: XCTestCase {
    static let fixtures = ["if_cond_float", "while_loop_float", "variable_accumulator_float"]

    /// Every sample of every fixture (state carried over, reset() where TFLM's was called) matches TFLM,
    /// in an arena of exactly `requiredArenaBytes`.
    func testFixturesMatchTFLM() throws {
        let summary = try BitExact.check(Self.fixtures, resolver: .allBuiltins)
        XCTAssertEqual(summary.skipped, [])
        XCTAssertEqual(summary.exact, Self.fixtures)
        print("arena (Swiftlet vs TFLM, 64-bit host):\n  " + summary.arenaLines.joined(separator: "\n  "))
    }

    /// Firmware registers just what a model uses, control flow included (as `swiftlet export` writes it).
    func testMinimalResolvers() throws {
        let ifSummary = try BitExact.check(["if_cond_float"], resolver: OpResolver([.sum, .greater, .if, .fullyConnected, .relu, .sub]))
        XCTAssertEqual(ifSummary.exact, ["if_cond_float"])
        let whileSummary = try BitExact.check(["while_loop_float"], resolver: OpResolver([.while, .add, .abs, .sum, .less, .mul]))
        XCTAssertEqual(whileSummary.exact, ["while_loop_float"])
        let variableSummary = try BitExact.check(["variable_accumulator_float"],
                                                 resolver: OpResolver([.callOnce, .varHandle, .readVariable, .assignVariable, .add, .mul]))
        XCTAssertEqual(variableSummary.exact, ["variable_accumulator_float"])
    }

    /// Subgraphs that never run at the same time share memory, IF needs no staging
    /// copies and variables no tables: each model needs less arena than TFLM recorded.
    func testArenaIsSmallerThanTFLMs() throws {
        for name in Self.fixtures {
            let fixture = try FixtureRun(name: name)
            let ours = try MicroInterpreter.requiredArenaBytes(model: fixture.file.model, resolver: .allBuiltins)
            let tflm = try XCTUnwrap(fixture.tflmArenaBytes, name)
            XCTAssertLessThan(ours, tflm, name)
        }
    }

    /// Running a subgraph from IF or WHILE or CALL_ONCE allocates nothing.
    func testInvokeAllocatesNothing() throws {
        try assertInvokeAllocatesNothing(Self.fixtures, resolver: .allBuiltins)
    }

    /// The variable keeps its value across invokes, and reset() sets it to its default (0), as TFLM does:
    /// CALL_ONCE has run, so the initial value is not assigned again.
    func testVariableCarriesOverAndResets() throws {
        let fixture = try FixtureRun(name: "variable_accumulator_float")
        let (outputs, _, arena) = try fixture.run(resolver: .allBuiltins,
                                                  arenaBytes: try MicroInterpreter.requiredArenaBytes(model: fixture.file.model, resolver: .allBuiltins))
        arena.deallocate()
        let results = floats(outputs[0]), inputs = try fixture.inputs[0].floats()
        // Between samples 0 → 1 → 2 the output grows by twice the input; after reset() it is twice the input alone.
        for sample in 1..<3 {
            for lane in 0..<4 {
                XCTAssertEqual(results[sample * 4 + lane] - results[(sample - 1) * 4 + lane], 2 * inputs[sample * 4 + lane], accuracy: 1e-5)
            }
        }
        for lane in 0..<4 { XCTAssertEqual(results[12 + lane], 2 * inputs[12 + lane], accuracy: 1e-6) }
    }

    /// A kernel missing inside a called subgraph is named like one in the main graph.
    func testKernelMissingInABranchIsNamed() throws {
        let fixture = try FixtureRun(name: "if_cond_float")
        let resolver = OpResolver(OpResolver.allBuiltins.registrations.filter { $0.code != .fullyConnected })
        XCTAssertThrowsError(try MicroInterpreter.requiredArenaBytes(model: fixture.file.model, resolver: resolver)) { error in
            XCTAssertTrue("\(error)".contains("FULLY_CONNECTED"), "\(error)")
        }
    }

    /// A control-flow operator without its kernel is named too.
    func testControlFlowKernelMissingIsNamed() throws {
        let fixture = try FixtureRun(name: "while_loop_float")
        let resolver = OpResolver(OpResolver.allBuiltins.registrations.filter { $0.code != .`while` })
        XCTAssertThrowsError(try MicroInterpreter.requiredArenaBytes(model: fixture.file.model, resolver: resolver)) { error in
            XCTAssertTrue("\(error)".contains("WHILE"), "\(error)")
        }
    }

    /// A converted Keras 3 LSTM (RESHAPE, WHILE, RESHAPE) writes its output TensorList through tensors
    /// whose shapes change with the loop counter. TFLM runs it anyway and gets it wrong (0.96 off
    /// LiteRT); Swiftlet refuses it in allocateTensors() with the offending operator named.
    func testKerasLSTMWhileIsRefusedClearly() throws {
        let fixture = try FixtureRun(name: "while_keras_lstm_float")
        XCTAssertThrowsError(try MicroInterpreter.requiredArenaBytes(model: fixture.file.model, resolver: .allBuiltins)) { error in
            XCTAssertTrue("\(error)".contains("CONCATENATION"), "\(error)")
        }
    }
}
