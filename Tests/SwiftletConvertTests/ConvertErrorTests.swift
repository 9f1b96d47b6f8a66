import XCTest
@testable import SwiftletConvert

final class ConvertErrorTests: XCTestCase {
    func testDescriptionsNameTheProblem() {
        let error = ConvertError.unsupportedOperator(name: "Einsum", node: "dense/einsum", supported: "MatMul, Conv2D")
        XCTAssertTrue(error.description.contains("Einsum"))
        XCTAssertTrue(error.description.contains("dense/einsum"))
        XCTAssertTrue(error.description.contains("supported: MatMul"))
    }
}
