import XCTest
@testable import SwiftletTrain

/// Compares a layer's backward pass with central finite differences of the
/// scalar L = Σ output · weights (fixed random weights), for every input
/// element and every trainable parameter element.
enum GradientCheck {
    static func random(_ shape: [Int], _ generator: inout SeededGenerator, scale: Float = 1) -> Tensor {
        Tensor(unchecked: shape, scalars: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() * scale })
    }

    static func check(_ layer: any Layer, inputShapes: [[Int]], batch: Int = 2, training: Bool = false,
                      seed: UInt64 = 1, step: Float = 1e-2, tolerance: Float = 2e-2, kinks: [Float] = [],
                      file: StaticString = #filePath, line: UInt = #line) throws {
        var generator = SeededGenerator(seed: seed)
        if layer.name.isEmpty { layer.name = layer.kindName }
        let outputShape = try layer.build(inputShapes: inputShapes, generator: &generator)
        // Non-zero biases and BatchNormalization scales, so their paths matter.
        for parameter in layer.parameters where parameter.isTrainable {
            parameter.value = random(parameter.value.shape, &generator, scale: 0.5)
        }
        var inputs = inputShapes.map { random([batch] + $0, &generator, scale: kinks.isEmpty ? 1 : 4) }
        // Keep inputs of piecewise-linear functions away from their kinks, where differences are meaningless.
        for k in inputs.indices {
            for i in inputs[k].scalars.indices where kinks.contains(where: { abs(inputs[k].scalars[i] - $0) < 3 * step }) {
                inputs[k].scalars[i] += 6 * step
            }
        }
        let weights = random([batch] + outputShape, &generator)
        func objective() -> Double {
            let output = layer.forward(inputs, training: training)
            return zip(output.scalars, weights.scalars).reduce(0) { $0 + Double($1.0 * $1.1) }
        }
        for parameter in layer.parameters { parameter.zeroGradient() }
        let output = layer.forward(inputs, training: training)
        XCTAssertEqual(output.shape, [batch] + outputShape, "output shape", file: file, line: line)
        let inputGradients = layer.backward(weights)
        XCTAssertEqual(inputGradients.count, inputs.count, file: file, line: line)
        let parameterGradients = layer.parameters.map(\.gradient)

        func compare(_ analytic: Float, _ numeric: Float, _ what: String) {
            let scale = max(1, abs(analytic), abs(numeric))
            XCTAssertLessThanOrEqual(abs(analytic - numeric), tolerance * scale,
                                     "\(layer.kindName) \(what): backward \(analytic), finite difference \(numeric)",
                                     file: file, line: line)
        }
        for k in inputs.indices {
            XCTAssertEqual(inputGradients[k].shape, inputs[k].shape, file: file, line: line)
            for i in inputs[k].scalars.indices {
                let saved = inputs[k].scalars[i]
                inputs[k].scalars[i] = saved + step
                let plus = objective()
                inputs[k].scalars[i] = saved - step
                let minus = objective()
                inputs[k].scalars[i] = saved
                compare(inputGradients[k].scalars[i], Float((plus - minus) / Double(2 * step)), "input \(k)[\(i)]")
            }
        }
        for (parameter, analytic) in zip(layer.parameters, parameterGradients) where parameter.isTrainable {
            for i in parameter.value.scalars.indices {
                let saved = parameter.value.scalars[i]
                parameter.value.scalars[i] = saved + step
                let plus = objective()
                parameter.value.scalars[i] = saved - step
                let minus = objective()
                parameter.value.scalars[i] = saved
                compare(analytic.scalars[i], Float((plus - minus) / Double(2 * step)), "\(parameter.name)[\(i)]")
            }
        }
    }
}
