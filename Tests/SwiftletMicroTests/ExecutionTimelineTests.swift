import XCTest
import SwiftletFormat
@testable import SwiftletMicro

/// The one timeline the planner sees over all subgraphs (see `ExecutionTimeline`).
final class ExecutionTimelineTests: XCTestCase {
    /// The kernels through which the timeline follows calls.
    static var controlFlow: OpResolver { OpResolver([.if, .while, .callOnce]) }

    /// if_cond_float: main SUM, GREATER, IF(cond 4, x 0 → 5); else = subgraph 1 (RELU, SUB),
    /// then = subgraph 2 (FULLY_CONNECTED). Global tensor numbers: main 0…5, subgraph 1 6…9, subgraph 2 10…12.
    func testIfBranchesAreDisjointAndTheIfsTensorsDoNotSpanTheCall() throws {
        let fixture = try FixtureRun(name: "if_cond_float")
        let timeline = try ExecutionTimeline.of(model: fixture.file.model, resolver: Self.controlFlow)
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
        let timeline = try ExecutionTimeline.of(model: fixture.file.model, resolver: Self.controlFlow)
        XCTAssertEqual(timeline.isReached, [true])
        XCTAssertEqual(timeline.entry, Array(1...timeline.nodeCount))
        XCTAssertEqual(timeline.exit, timeline.entry)
    }

    /// WHILE: the loop values (its outputs) live from its entry to its exit, its inputs die at the entry.
    func testWhileOutputsSpanTheLoop() throws {
        let fixture = try FixtureRun(name: "while_loop_float")
        let model = fixture.file.model
        let timeline = try ExecutionTimeline.of(model: model, resolver: Self.controlFlow)
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

    /// Without control-flow kernels the timeline does not follow calls: only the main
    /// subgraph is planned (and preparing the IF then fails, naming it).
    func testWithoutControlFlowKernelsOnlyTheMainSubgraphIsReached() throws {
        let fixture = try FixtureRun(name: "if_cond_float")
        let timeline = try ExecutionTimeline.of(model: fixture.file.model, resolver: OpResolver([.fullyConnected]))
        XCTAssertEqual(timeline.isReached, [true, false, false])
        XCTAssertEqual(timeline.nodeCount, fixture.file.model.subgraphs[0].operators.count)
    }

    /// For every fixture without control flow, the main-subgraph timeline (what firmware
    /// without control-flow kernels links) equals the one that follows calls.
    func testMainSubgraphTimelineEqualsTheGeneralOneWithoutControlFlow() throws {
        var compared = 0
        for name in try FixtureRun.names() {
            let fixture = try FixtureRun(name: name)
            let model = fixture.file.model
            defer { withExtendedLifetime(fixture) {} }
            guard model.subgraphs.count == 1 else { continue }
            let general = try ExecutionTimeline.followingCalls(model: model, resolver: Self.controlFlow)
            let main = ExecutionTimeline(mainSubgraphOf: model)
            XCTAssertEqual(main.firstUse, general.firstUse, name)
            XCTAssertEqual(main.lastUse, general.lastUse, name)
            XCTAssertEqual(main.entry, general.entry, name)
            XCTAssertEqual(main.exit, general.exit, name)
            XCTAssertEqual(main.nodeBase, general.nodeBase, name)
            XCTAssertEqual(main.tensorBase, general.tensorBase, name)
            compared += 1
        }
        XCTAssertGreaterThan(compared, 200)
    }
}
