import XCTest
import Foundation
import SwiftletFormat
import SwiftletMicro
import SwiftletTools
@testable import SwiftletConvert

/// Every Keras fixture converted from both its `.keras` and `.h5` file, against TensorFlow's own
/// float conversion of the same model.
final class KerasFixtureTests: XCTestCase {
    /// Fixtures whose operator sequence must equal TF's exactly (TF's is minimal there).
    static let sameSequence: Set<String> = [
        "seq_mlp", "conv_basic", "conv_variants", "conv1d", "normalization",
        "net_kws_dscnn", "net_resnet8_small", "net_mobilenet_small", "net_fc_autoencoder_small",
    ]

    /// Fixtures TF converts to WHILE loops over subgraphs, which Swiftlet unrolls: longer, by design.
    static let unrolled: Set<String> = ["recurrent"]

    func testEveryFixtureConvertsIdenticallyFromKerasAndH5() throws {
        let names = try KerasFixture.names()
        XCTAssertGreaterThanOrEqual(names.count, 15)
        for name in names {
            let fixture = try KerasFixture(name: name)
            let fromKeras = try GraphWriter.serialize(try KerasImporter.importModel(path: fixture.path("model.keras")))
            let fromH5 = try GraphWriter.serialize(try KerasImporter.importModel(path: fixture.path("model.h5")))
            XCTAssertEqual(fromKeras, fromH5, "\(name): .keras and .h5 give different models")
            XCTAssertNoThrow(try ModelFile(bytes: fromKeras), "\(name): the written model does not verify")
        }
    }

    /// Outputs on Swiftlet's interpreter equal TF's float model's within 1e-5 of each output's
    /// largest magnitude, for every fixture (all of them must have Swiftlet kernels).
    func testOutputsMatchTensorFlowOnTheInterpreter() throws {
        var ran: [String] = []
        for name in try KerasFixture.names() {
            let fixture = try KerasFixture(name: name)
            let graph = try KerasImporter.importModel(path: fixture.path("model.keras"))
            guard interpreterRuns(graph) else { continue }
            let bytes = try GraphWriter.serialize(graph)
            for sample in 0..<fixture.samples {
                let outputs = try runFloatModel(bytes, inputs: try fixture.sample(sample))
                XCTAssertEqual(outputs.count, fixture.expected.count, name)
                for (k, output) in outputs.enumerated() {
                    let expected = try fixture.expectedOutput(k, sample: sample)
                    let scale = expected.map { abs($0) }.max() ?? 0
                    XCTAssertEqual(output.count, expected.count, "\(name) output \(k)")
                    let worst = zip(output, expected).map { abs($0 - $1) }.max() ?? 0
                    XCTAssertLessThanOrEqual(worst, 1e-5 * max(scale, 1e-6), "\(name) output \(k) sample \(sample)")
                }
            }
            ran.append(name)
        }
        XCTAssertEqual(ran, try KerasFixture.names(), "every Keras fixture must run on the interpreter")
    }

    /// Fixtures with a folded BatchNormalization. TF folds `γ·rsqrt(var + ε)` with Eigen's `prsqrt`:
    /// the CPU's `RSQRTPS` estimate plus one Newton step, which depends on the converting machine's
    /// hardware (within 2 ulps of the true value); Swiftlet uses the correctly rounded `1/√`.
    static let batchNormalized: Set<String> = [
        "conv_basic", "conv_variants", "net_fc_autoencoder_small", "net_kws_dscnn", "net_mobilenet_small", "net_resnet8_small",
    ]

    /// Weights and biases (after folding and layout changes) equal TF's bit for bit, operator by
    /// operator, except where a BatchNormalization was folded (within 1e-5 relative there); covers
    /// the fixtures the interpreter cannot run too.
    func testConstantsMatchTensorFlow() throws {
        for name in try KerasFixture.names() {
            let fixture = try KerasFixture(name: name)
            let graph = try KerasImporter.importModel(path: fixture.path("model.keras"))
            let difference = try constantDifference(graph, tfModelPath: fixture.path("tf_model.tflite"))
            XCTAssertLessThanOrEqual(difference.worst, 1e-5, "\(name): \(difference.where)")
            if !Self.batchNormalized.contains(name) {
                XCTAssertEqual(difference.inexact, [], "\(name): constants not bit-equal to TF's")
            }
            if Self.sameSequence.contains(name) {
                XCTAssertEqual(difference.unpaired, [], "\(name): operators TF does not have")
            }
        }
    }

    /// The operator sequence equals TF's where TF's is minimal; elsewhere ours is not longer.
    func testOperatorSequencesAgainstTensorFlow() throws {
        for name in try KerasFixture.names() {
            let fixture = try KerasFixture(name: name)
            let ours = operatorNames(try KerasImporter.importModel(path: fixture.path("model.keras")))
            if Self.sameSequence.contains(name) {
                XCTAssertEqual(ours, fixture.tfOps, name)
            } else if Self.unrolled.contains(name) {
                XCTAssertTrue(fixture.tfOps.contains("WHILE") && !ours.contains("WHILE"), name)
            } else {
                XCTAssertLessThanOrEqual(ours.count, fixture.tfOps.count, "\(name): ours \(ours), TF \(fixture.tfOps)")
            }
        }
    }
}
