import Foundation
import SwiftletFormat
import SwiftletTools

/// Runs a one-input, one-output model of a single value (`[1, 1]` → `[1, 1]`,
/// float32 or int8) on the micro interpreter, quantizing the input and
/// dequantizing the output with the tensors' own scale and zero point.
public final class ScalarModelRunner {
    private let runner: ModelRunner

    /// Prepares `file` in an arena of exactly the size it needs.
    public init(file: ModelFile) throws {
        runner = try ModelRunner(file: file)
        guard try runner.inputView(0).elementCount == 1, try runner.outputView(0).elementCount == 1 else {
            throw TrainError.invalidArgument("\(file.path): the model does not map one value to one value")
        }
    }

    /// The arena the interpreter uses, in bytes.
    public var arenaBytes: Int { runner.interpreter.arenaUsedBytes }

    /// The model's output for `x`.
    public func callAsFunction(_ x: Float) throws -> Float {
        let input = try runner.inputView(0)
        switch input.type {
        case .float32:
            input.elements(as: Float.self)[0] = x
        case .int8:
            let q = (x / input.scale).rounded() + Float(input.zeroPoint)
            input.elements(as: Int8.self)[0] = Int8(min(max(q, -128), 127))
        default:
            throw TrainError.invalidArgument("input type \(input.type) is neither float32 nor int8")
        }
        try runner.invoke()
        let output = try runner.outputView(0)
        switch output.type {
        case .float32:
            return output.elements(as: Float.self)[0]
        case .int8:
            return Float(Int32(output.elements(as: Int8.self)[0]) - output.zeroPoint) * output.scale
        default:
            throw TrainError.invalidArgument("output type \(output.type) is neither float32 nor int8")
        }
    }

    /// Mean squared error of the model against `f` at `xs`.
    public func meanSquaredError(at xs: [Float], against f: (Float) -> Float) throws -> Double {
        var sum = 0.0
        for x in xs {
            let difference = Double(try self(x) - f(x))
            sum += difference * difference
        }
        return sum / Double(max(xs.count, 1))
    }
}
