import Foundation
import SwiftletFormat

/// The seed's sine model shape (1 → 16 ReLU → 1, FULLY_CONNECTED), built in
/// Swift without training: the hidden units are ReLU hinges at 16 knots over
/// [0, 2π] and the output layer sums them into the piecewise-linear
/// interpolant of sin(x). Deterministic, exact to a few 1e-2.
public enum SineModel {
    /// The input range the model covers.
    public static let range: ClosedRange<Float> = 0...(2 * .pi)
    /// Hidden units (knots).
    public static let hiddenUnits = 16

    /// The float32 model as a definition.
    public static func definition() -> ModelDefinition {
        let knots = (0..<hiddenUnits).map { Float($0) * range.upperBound / Float(hiddenUnits) }
        let step = range.upperBound / Float(hiddenUnits)
        // Slope of the interpolant on each segment, and each hinge's change of slope.
        let slopes = (0..<hiddenUnits).map { (sin(knots[$0] + step) - sin(knots[$0])) / step }
        let outputWeights = (0..<hiddenUnits).map { $0 == 0 ? slopes[0] : slopes[$0] - slopes[$0 - 1] }
        let hiddenWeights = [Float](repeating: 1, count: hiddenUnits)
        let hiddenBias = knots.map { -$0 }

        var model = ModelDefinition()
        model.description = "Swiftlet sine demo: piecewise-linear sin(x) on [0, 2pi]"
        model.operatorCodes = [OperatorCodeDefinition(builtinCode: .fullyConnected)]
        model.buffers = [[], [], bytes(hiddenWeights), bytes(hiddenBias), bytes(outputWeights), bytes([sin(0)]), [], []]
        var subgraph = SubGraphDefinition()
        subgraph.name = "main"
        subgraph.tensors = [
            TensorDefinition(shape: [1, 1], type: .float32, buffer: 1, name: "x"),
            TensorDefinition(shape: [Int32(hiddenUnits), 1], type: .float32, buffer: 2, name: "hidden/weights"),
            TensorDefinition(shape: [Int32(hiddenUnits)], type: .float32, buffer: 3, name: "hidden/bias"),
            TensorDefinition(shape: [1, Int32(hiddenUnits)], type: .float32, buffer: 6, name: "hidden/relu"),
            TensorDefinition(shape: [1, Int32(hiddenUnits)], type: .float32, buffer: 4, name: "output/weights"),
            TensorDefinition(shape: [1], type: .float32, buffer: 5, name: "output/bias"),
            TensorDefinition(shape: [1, 1], type: .float32, buffer: 7, name: "y"),
        ]
        // Activation tensors point at empty buffers, as TensorFlow's converter writes them.
        model.buffers[1] = []
        subgraph.inputs = [0]
        subgraph.outputs = [6]
        var relu = TableValue(.fullyConnectedOptions)
        relu["fused_activation_function"] = .int(Int64(ActivationFunction.relu.rawValue))
        subgraph.operators = [
            OperatorDefinition(opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3], builtinOptions: relu),
            OperatorDefinition(opcodeIndex: 0, inputs: [3, 4, 5], outputs: [6], builtinOptions: TableValue(.fullyConnectedOptions)),
        ]
        model.subgraphs = [subgraph]
        return model
    }

    private static func bytes(_ values: [Float]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }
    }
}
