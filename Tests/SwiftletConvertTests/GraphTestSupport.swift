import XCTest
import SwiftletFormat
import SwiftletMicro
import SwiftletTools
@testable import SwiftletConvert

/// Runs a `.tflite` model on the Swiftlet micro interpreter with float32 (or int32, given as whole
/// floats) inputs and returns its float32 outputs.
func runFloatModel(_ bytes: [UInt8], inputs: [[Float]]) throws -> [[Float]] {
    let file = try ModelFile(bytes: bytes)
    let runner = try ModelRunner(file: file)
    for (index, values) in inputs.enumerated() {
        let view = try runner.inputView(index)
        XCTAssertEqual(view.elementCount, values.count, "input \(index) size")
        guard view.elementCount == values.count else { throw ConvertError.invalidInput("input \(index) has the wrong size") }
        if view.type == .int32 {
            let elements = view.elements(as: Int32.self)
            for (i, value) in values.enumerated() { elements[i] = Int32(value) }
        } else {
            let elements = view.elements(as: Float.self)
            for (i, value) in values.enumerated() { elements[i] = value }
        }
    }
    try runner.invoke()
    return try (0..<runner.interpreter.outputCount).map { index in
        Array(try runner.outputView(index).elements(as: Float.self))
    }
}

/// Asserts two float arrays agree element by element within `relative` (of the larger magnitude,
/// at least `absolute`).
func assertClose(_ actual: [Float], _ expected: [Float], relative: Float = 1e-5, absolute: Float = 1e-6,
                 _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(message): element count", file: file, line: line)
    var worst: (index: Int, error: Float) = (-1, 0)
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        let error = abs(a - e) / max(abs(e), abs(a), absolute / relative)
        if !(error <= worst.error) || a.isNaN != e.isNaN { worst = (i, error.isNaN ? .infinity : error) }
    }
    if worst.index >= 0 && worst.error > relative {
        XCTFail("\(message): element \(worst.index) is \(actual[worst.index]), expected \(expected[worst.index]) (relative error \(worst.error))",
                file: file, line: line)
    }
}
