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

    /// Like the reference, three weight seeds; the median test MSE is compared.
    func testTestMSEIsWithinTwiceKeras() throws {
        let archive = try NumPyFile.readArchive(Self.fixtures.appendingPathComponent("sine_data.npz").path)
        let reference = try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.fixtures.appendingPathComponent("keras_reference.json"))) as? [String: Any]
        let kerasMSE = try XCTUnwrap(reference?["median_test_mse"] as? Double)
        let (xTrain, yTrain) = (try tensor(archive, "x_train"), try tensor(archive, "y_train"))
        let (xTest, yTest) = (try tensor(archive, "x_test"), try tensor(archive, "y_test"))
        var results: [Float] = []
        for seed: UInt64 in [1, 2, 3] {
            let model = try SineExample.makeModel(seed: seed)
            let history = try model.fit(x: xTrain, y: yTrain, loss: .meanSquaredError, optimizer: Adam(),
                                        options: SineExample.trainingOptions(seed: seed))
            XCTAssertEqual(history.epochs.count, 500)
            results.append(try model.evaluate(x: xTest, y: yTest, loss: .meanSquaredError))
        }
        let median = results.sorted()[1]
        print("sine test MSE: Swiftlet \(results) (median \(median)), Keras median \(kerasMSE)")
        XCTAssertLessThanOrEqual(Double(median), 2 * kerasMSE)
        // The noise alone has variance 0.01: no fit is far below it.
        XCTAssertGreaterThan(median, 0.005)
    }
}
