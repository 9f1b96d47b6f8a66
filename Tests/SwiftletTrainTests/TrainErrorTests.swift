import XCTest
@testable import SwiftletTrain

final class TrainErrorTests: XCTestCase {
    func testShapeMismatchSaysSo() {
        XCTAssertEqual(TrainError.shapeMismatch("Dense expects 16 inputs, got 8").description,
                       "shape mismatch: Dense expects 16 inputs, got 8")
    }
}
