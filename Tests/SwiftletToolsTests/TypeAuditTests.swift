import Foundation
import XCTest
@testable import SwiftletTools

/// `OperatorSupport.tflm` (what `swiftlet inspect` says TFLM runs) agrees with the type audit:
/// the operator × type pairs the real TFLM interpreter accepted or refused when
/// `Tools/fixtures/type_audit.py` probed it (`Tests/Fixtures/type_audit.json`, TYPE_AUDIT.md).
final class TypeAuditTests: XCTestCase {
    static let audit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/type_audit.json")

    struct Audit: Decodable {
        var types: [String]
        var accepted: [String: [String]]
        var unchecked: [String: [String]]
    }

    /// The labels a probe could produce for `op`: one per type, or one per input→output pair.
    func probedLabels(_ op: String, _ audit: Audit) -> [String] {
        switch op {
        case "CAST": return audit.types.flatMap { a in audit.types.filter { $0 != a }.map { "\(a)→\($0)" } }
        case "QUANTIZE": return audit.types.flatMap { a in ["INT8", "INT16", "INT32", "UINT8"].map { "\(a)→\($0)" } }
        case "DEQUANTIZE": return audit.types.map { "\($0)→FLOAT32" }
        default: return audit.types
        }
    }

    func testTFLMSupportTableMatchesTheProbe() throws {
        let audit = try JSONDecoder().decode(Audit.self, from: Data(contentsOf: Self.audit))
        XCTAssertGreaterThan(audit.accepted.count, 90, "the audit probes (nearly) every builtin TFLM registers")
        for (op, accepted) in audit.accepted {
            let table = OperatorSupport.tflm[op]
            XCTAssertNotNil(table, "TFLM registers \(op) but OperatorSupport.tflm has no row for it")
            let accepts = Set(audit.unchecked[op] ?? accepted)
            for label in probedLabels(op, audit) {
                XCTAssertEqual(OperatorSupport.covers(table, label), accepts.contains(label),
                               "\(op) \(label): TFLM \(accepts.contains(label) ? "accepts" : "refuses") it; fix OperatorSupport.tflm")
            }
        }
    }
}
