import XCTest
import Foundation
import SwiftletFormat
import SwiftletMicro
import SwiftletTools
@testable import SwiftletConvert

/// Every SavedModel fixture (Keras 3 `model.export` and `tf.Module` signatures) converted by
/// `SavedModelImporter`, against TensorFlow's own `from_saved_model` conversion.
final class SavedModelFixtureTests: XCTestCase {
    static let root = KerasFixture.savedModelRoot

    /// Fixtures whose operator sequence equals TF's exactly.
    static let sameSequence: Set<String> = ["keras_dense", "keras_dscnn", "keras_resnet", "raw_conv_ops"]

    static func fixture(_ name: String) throws -> KerasFixture { try KerasFixture(name: name, root: root) }

    static func convert(_ name: String) throws -> Graph {
        try SavedModelImporter.convert(path: root.appendingPathComponent(name).appendingPathComponent("saved_model").path).graph
    }

    /// Outputs on Swiftlet's interpreter equal TF's float model's within 1e-5 of each output's
    /// largest magnitude.
    func testOutputsMatchTensorFlowOnTheInterpreter() throws {
        let names = try KerasFixture.names(root: Self.root)
        XCTAssertGreaterThanOrEqual(names.count, 5)
        for name in names {
            let fixture = try Self.fixture(name)
            let graph = try Self.convert(name)
            XCTAssertTrue(interpreterRuns(graph), "\(name): \(operatorNames(graph))")
            let bytes = try GraphWriter.serialize(graph)
            XCTAssertNoThrow(try ModelFile(bytes: bytes), "\(name): the written model does not verify")
            for sample in 0..<fixture.samples {
                let outputs = try runFloatModel(bytes, inputs: try fixture.sample(sample))
                XCTAssertEqual(outputs.count, fixture.expected.count, name)
                for (k, output) in outputs.enumerated() where k < fixture.expected.count {
                    let expected = try fixture.expectedOutput(k, sample: sample)
                    let scale = expected.map { abs($0) }.max() ?? 0
                    XCTAssertEqual(output.count, expected.count, "\(name) output \(k)")
                    let worst = zip(output, expected).map { abs($0 - $1) }.max() ?? 0
                    XCTAssertLessThanOrEqual(worst, 1e-5 * max(scale, 1e-6), "\(name) output \(k) sample \(sample)")
                }
            }
        }
    }

    /// The operator sequence equals TF's for the Keras exports; weights (batch norm folded)
    /// equal TF's within 1e-5 relative.
    func testOperatorsAndConstantsMatchTensorFlow() throws {
        for name in try KerasFixture.names(root: Self.root) {
            let fixture = try Self.fixture(name)
            let graph = try Self.convert(name)
            if Self.sameSequence.contains(name) {
                XCTAssertEqual(operatorNames(graph), fixture.tfOps, name)
            }
            let difference = try constantDifference(graph, tfModelPath: fixture.path("tf_model.tflite"))
            XCTAssertLessThanOrEqual(difference.worst, 1e-5, "\(name): \(difference.where)")
        }
    }
}
