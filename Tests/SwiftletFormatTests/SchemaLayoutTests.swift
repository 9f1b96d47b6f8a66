import XCTest
@testable import SwiftletFormat

/// The verifier walks the compact catalogue (`SchemaLayout`); the reader and writer use
/// `SchemaTable.field(at:)`. Both are generated from the same schema facts: they must agree
/// on every field of every table.
final class SchemaLayoutTests: XCTestCase {
    func testCompactCatalogueMatchesFieldDescriptors() {
        var table: UInt16 = 0
        var fields = 0
        while let schemaTable = SchemaTable(rawValue: table) {
            XCTAssertEqual(schemaTable.layoutRange.count, schemaTable.fieldCount, "\(schemaTable.name)")
            for index in 0..<schemaTable.fieldCount {
                let descriptor = schemaTable.field(at: index)
                let compact = schemaTable.layoutField(at: index)
                XCTAssertEqual(compact.id, descriptor.id, "\(schemaTable.name).\(descriptor.name)")
                XCTAssertEqual(compact.fieldKind, descriptor.kind, "\(schemaTable.name).\(descriptor.name)")
                if case .scalar(let type) = descriptor.kind { XCTAssertEqual(compact.scalarSize, type.byteSize) }
                if case .scalarVector(let type) = descriptor.kind { XCTAssertEqual(compact.scalarSize, type.byteSize) }
                fields += 1
            }
            table += 1
        }
        XCTAssertEqual(Int(table), 169, "every table of the schema")
        XCTAssertEqual(SchemaLayout.fields.utf8CodeUnitCount, 4 * fields)
        XCTAssertGreaterThan(fields, 300)
    }

    func testHostErrorsStillNameTheField() {
        // Model.operator_codes pointing past the end: the message names the schema field.
        var bytes = [UInt8](repeating: 0, count: 64)
        func put32(_ value: UInt32, at offset: Int) { for k in 0..<4 { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) } }
        put32(16, at: 0)                         // root table at 16
        bytes[4] = 0x54; bytes[5] = 0x46; bytes[6] = 0x4C; bytes[7] = 0x33   // "TFL3"
        // vtable at 8: size 8, table size 12, field 0 (version) at 4, field 1 (operator_codes) at 8
        bytes[8] = 8; bytes[10] = 12; bytes[12] = 4; bytes[14] = 8
        put32(8, at: 16)                         // soffset: 16 - 8 = vtable at 8
        put32(3, at: 20)                         // version 3
        put32(1_000, at: 24)                     // operator_codes offset: far outside
        let error = bytes.withUnsafeBytes { raw -> FormatError? in
            do throws(FormatError) { _ = try Model(bytes: raw); return nil } catch { return error }
        }
        guard case .outOfBounds(let what, let offset)? = error else { return XCTFail("expected outOfBounds, got \(String(describing: error))") }
        XCTAssertEqual("\(what)", "operator_codes")
        XCTAssertEqual(offset, 24)
    }
}
