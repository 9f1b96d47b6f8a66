import Foundation
import SwiftletTools
import XCTest
@testable import SwiftletTrain

/// The sine model trained in Swift reaches Keras's accuracy on the same data
/// (Tests/Fixtures/train, made by Tools/fixtures/generate_train_reference.py).
final class SineTrainingTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/train")

    private func tensor(_ archive: NumPyArchive, _ name: String) throws -> Tensor {
        let array = try XCTUnwrap(archive[name], "sine_data.npz lacks \(name)")
        return try Tensor(shape: array.shape, scalars: array.floats())
    }

    func testTestMSEIsWithinTwiceKeras() throws {
        let archive = try NumPyFile.readArchive(Self.fixtures.appendingPathComponent("sine_data.npz").path)
        let reference = try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.fixtures.appendingPathComponent("keras_reference.json"))) as? [String: Any]
        let kerasMSE = try XCTUnwrap(reference?["median_test_mse"] as? Double)
        let model = try SineExample.makeModel(seed: 1)
        let history = try model.fit(x: tensor(archive, "x_train"), y: tensor(archive, "y_train"),
                                    loss: .meanSquaredError, optimizer: Adam(), options: SineExample.trainingOptions())
        XCTAssertEqual(history.epochs.count, 500)
        let mse = try model.evaluate(x: tensor(archive, "x_test"), y: tensor(archive, "y_test"), loss: .meanSquaredError)
        print("sine test MSE: Swiftlet \(mse), Keras (median) \(kerasMSE)")
        XCTAssertLessThanOrEqual(Double(mse), 2 * kerasMSE)
        // The noise alone has variance 0.01: nothing can be much below it, and a good fit is close to it.
        XCTAssertGreaterThan(mse, 0.005)
    }
}
