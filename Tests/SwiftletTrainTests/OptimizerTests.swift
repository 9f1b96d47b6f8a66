import XCTest
@testable import SwiftletTrain

/// Optimizers' update rules on one or two steps computed by hand (Keras's formulas).
final class OptimizerTests: XCTestCase {
    private func parameter(_ value: [Float], gradient: [Float]) throws -> Parameter {
        let p = Parameter(name: "w", value: try Tensor(shape: [value.count], scalars: value))
        p.gradient = try Tensor(shape: [gradient.count], scalars: gradient)
        return p
    }

    func testPlainSGD() throws {
        let w = try parameter([1, -2], gradient: [0.5, -1])
        SGD(learningRate: 0.1).update([w])
        XCTAssertEqual(w.value.scalars[0], 0.95, accuracy: 1e-7)
        XCTAssertEqual(w.value.scalars[1], -1.9, accuracy: 1e-7)
    }

    func testSGDMomentum() throws {
        let w = try parameter([1], gradient: [1])
        let sgd = SGD(learningRate: 0.1, momentum: 0.9)
        sgd.update([w])  // v = −0.1, w = 0.9
        XCTAssertEqual(w.value.scalars[0], 0.9, accuracy: 1e-6)
        sgd.update([w])  // v = 0.9·(−0.1) − 0.1 = −0.19, w = 0.71
        XCTAssertEqual(w.value.scalars[0], 0.71, accuracy: 1e-6)
        let n = try parameter([1], gradient: [1])
        let nesterov = SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)
        nesterov.update([n])  // v = −0.1, w += 0.9·(−0.1) − 0.1 = −0.19
        XCTAssertEqual(n.value.scalars[0], 0.81, accuracy: 1e-6)
    }

    func testAdamTwoSteps() throws {
        let w = try parameter([1, 0], gradient: [0.5, -2])
        let adam = Adam(learningRate: 0.01)
        adam.update([w])
        // Step 1: m = 0.1 g, v = 0.001 g², alpha = 0.01 · sqrt(0.001) / 0.1, so the step is about 0.01 · sign(g).
        let root: Double = 0.001.squareRoot()
        let afterFirst: Double = 1 - 0.01 * 0.5 / (0.5 + 1e-7 / root)
        XCTAssertEqual(Double(w.value.scalars[0]), afterFirst, accuracy: 1e-6)
        XCTAssertEqual(w.value.scalars[1], 0.01, accuracy: 1e-6)
        // Step 2 with gradient 1 for the first weight.
        w.gradient.scalars = [1, -2]
        adam.update([w])
        let m: Double = 0.9 * 0.05 + 0.1 * 1
        let v: Double = 0.999 * 0.00025 + 0.001 * 1
        let alpha: Double = 0.01 * (1 - 0.999 * 0.999).squareRoot() / (1 - 0.9 * 0.9)
        let afterSecond: Double = afterFirst - alpha * m / (v.squareRoot() + 1e-7)
        XCTAssertEqual(Double(w.value.scalars[0]), afterSecond, accuracy: 1e-6)
        XCTAssertEqual(adam.iterations, 2)
    }

    func testNonTrainableParametersAreLeftAlone() throws {
        let w = Parameter(name: "moving", value: try Tensor(shape: [1], scalars: [3]), isTrainable: false)
        w.gradient.scalars = [1]
        Adam().update([w])
        SGD(momentum: 0.5).update([w])
        XCTAssertEqual(w.value.scalars, [3])
    }
}
