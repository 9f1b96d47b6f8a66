import XCTest
@testable import SwiftletTrain

/// Losses' values and gradients on cases worked out by hand.
final class LossTests: XCTestCase {
    func testMeanSquaredError() throws {
        let p = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let t = try Tensor(shape: [2, 2], scalars: [1, 0, 3, 7])
        let (loss, gradient) = try Loss.meanSquaredError.evaluate(predictions: p, targets: t)
        XCTAssertEqual(loss, (0 + 4 + 0 + 9) / 4)
        XCTAssertEqual(gradient.scalars, [0, 1, 0, -1.5])  // 2 (p − t) / 4
    }

    func testMeanAbsoluteError() throws {
        let p = try Tensor(shape: [4, 1], scalars: [1, 2, 3, 4])
        let t = try Tensor(shape: [4, 1], scalars: [1, 0, 3.5, 7])
        let (loss, gradient) = try Loss.meanAbsoluteError.evaluate(predictions: p, targets: t)
        XCTAssertEqual(loss, (0 + 2 + 0.5 + 3) / 4)
        XCTAssertEqual(gradient.scalars, [0, 0.25, -0.25, -0.25])
    }

    func testSparseCategoricalCrossentropy() throws {
        let p = try Tensor(shape: [2, 3], scalars: [0.2, 0.5, 0.3, 0.1, 0.1, 0.8])
        let t = try Tensor(shape: [2], scalars: [1, 2])
        let (loss, gradient) = try Loss.sparseCategoricalCrossentropy.evaluate(predictions: p, targets: t)
        XCTAssertEqual(loss, Float(-(log(0.5) + log(0.8)) / 2), accuracy: 1e-6)
        XCTAssertEqual(gradient.scalars[1], -1 / (0.5 * 2), accuracy: 1e-6)
        XCTAssertEqual(gradient.scalars[5], -1 / (0.8 * 2), accuracy: 1e-6)
        XCTAssertEqual(gradient.scalars.filter { $0 != 0 }.count, 2)
        // A probability of 0 is clipped to 1e-7, as Keras does: a large but finite loss.
        let zero = try Tensor(shape: [1, 2], scalars: [1, 0])
        let clipped = try Loss.sparseCategoricalCrossentropy.evaluate(predictions: zero, targets: Tensor(shape: [1], scalars: [1]))
        XCTAssertEqual(clipped.loss, -log(1e-7), accuracy: 1e-3)
    }

    /// Softmax followed by cross-entropy gives the textbook gradient p − onehot.
    func testSoftmaxCrossEntropyGradient() throws {
        let layer = Softmax()
        var generator = SeededGenerator(seed: 0)
        _ = try layer.build(inputShapes: [[3]], generator: &generator)
        let logits = try Tensor(shape: [1, 3], scalars: [0.5, -1, 2])
        let p = layer.forward([logits], training: true)
        let (_, g) = try Loss.sparseCategoricalCrossentropy.evaluate(predictions: p, targets: Tensor(shape: [1], scalars: [0]))
        let dx = layer.backward(g)[0]
        XCTAssertEqual(dx.scalars[0], p.scalars[0] - 1, accuracy: 1e-6)
        XCTAssertEqual(dx.scalars[1], p.scalars[1], accuracy: 1e-6)
        XCTAssertEqual(dx.scalars[2], p.scalars[2], accuracy: 1e-6)
    }

    func testBadTargetsAreErrors() throws {
        let p = try Tensor(shape: [2, 3], scalars: [0.2, 0.5, 0.3, 0.1, 0.1, 0.8])
        XCTAssertThrowsError(try Loss.sparseCategoricalCrossentropy.evaluate(predictions: p, targets: Tensor(shape: [2], scalars: [1, 3])))
        XCTAssertThrowsError(try Loss.sparseCategoricalCrossentropy.evaluate(predictions: p, targets: Tensor(shape: [2], scalars: [1, 0.5])))
        XCTAssertThrowsError(try Loss.meanSquaredError.evaluate(predictions: p, targets: Tensor(shape: [2], scalars: [1, 0])))
    }
}
