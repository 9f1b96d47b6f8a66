import XCTest
import SwiftletFormat
@testable import SwiftletMicro

/// The one timeline the planner sees over all subgraphs (see `ExecutionTimeline`).
final class ExecutionTimelineTests: XCTestCase {
    /// if_cond_float: main SUM, GREATER, IF(cond 4, x 0 → 5); else = subgraph 1 (RELU, SUB),
    /// then = subgraph 2 (FULLY_CONNECTED). Global tensor numbers: main 0…5, subgraph 1 6…9, subgraph 2 10…12.
    func testIfBranchesAreDisjointAndTheIfsTensorsDoNotSpanTheCall() throws {
        let fixture = try FixtureRun(name: "if_cond_float")
        let timeline = try ExecutionTimeline(model: fixture.file.model)
        XCTAssertEqual(timeline.tensorBase, [0, 6, 10])
        XCTAssertEqual(timeline.isReached, [true, true, true])
        XCTAssertEqual(timeline.nodeBase, [0, 3, 5])
        let ifNode = 2
        let entry = timeline.entry[ifNode], exit = timeline.exit[ifNode]
        XCTAssertLessThan(entry, exit)
        // Every step of both branches lies inside the IF.
        for node in 3..<6 {
            XCTAssertGreaterThan(timeline.entry[node], entry)
            XCTAssertLessThan(timeline.exit[node], exit)
        }
        // The condition dies at the IF's entry; the IF's output is born at its exit.
        XCTAssertEqual(timeline.lastUse[4], entry)
        XCTAssertEqual(timeline.firstUse[5], exit)
        // Both branches' inputs are written at the entry; their outputs live until the exit.
        XCTAssertEqual(timeline.firstUse[6], entry)
        XCTAssertEqual(timeline.firstUse[10], entry)
        XCTAssertEqual(timeline.lastUse[9], exit)
        XCTAssertEqual(timeline.lastUse[12], exit)
        // The then branch's input and the else branch's RELU output never live at the same time: they may share memory.
        XCTAssertLessThan(timeline.lastUse[10], timeline.firstUse[8])
    }

    /// A model with one subgraph keeps the order of its operators, one step each.
    func testSingleSubgraphIsOneStepPerOperator() throws {
        let fixture = try FixtureRun(name: "convnet_int8")
        let timeline = try ExecutionTimeline(model: fixture.file.model)
        XCTAssertEqual(timeline.isReached, [true])
        XCTAssertEqual(timeline.entry, Array(1...timeline.nodeCount))
        XCTAssertEqual(timeline.exit, timeline.entry)
    }

    /// WHILE: the loop values (its outputs) live from its entry to its exit, its inputs die at the entry.
    func testWhileOutputsSpanTheLoop() throws {
        let fixture = try FixtureRun(name: "while_loop_float")
        let model = fixture.file.model
        let timeline = try ExecutionTimeline(model: model)
        let main = model.subgraphs[0]
        let node = try XCTUnwrap((0..<main.operators.count).first { model.operatorCode(of: main.operators[$0]).builtinCode == .`while` })
        let op = main.operators[node]
        for output in op.outputs {
            XCTAssertEqual(timeline.firstUse[Int(output)], timeline.entry[node])
            XCTAssertGreaterThanOrEqual(timeline.lastUse[Int(output)], timeline.exit[node])
        }
        for input in op.inputs where model.data(of: main.tensors[Int(input)]) == nil && !main.inputs.contains(input) {
            XCTAssertEqual(timeline.lastUse[Int(input)], timeline.entry[node])
        }
    }
}
