import XCTest
import SwiftletFormat

/// Every fixture reads, writes back, and reads back equal, field for field.
final class RoundTripTests: XCTestCase {
    func testFixturesExist() throws {
        XCTAssertGreaterThanOrEqual(try FixtureModels.all().count, 5, "run Tools/fixtures/generate.sh")
    }

    func testEveryFixtureRoundTripsInline() throws {
        for (name, bytes) in try FixtureModels.all() {
            let original = try withAlignedBytes(bytes) { try ModelDefinition(reading: try Model(bytes: $0)) }
            let written = try ModelWriter.serialize(original, bufferPlacement: .inline)
            let reread = try withAlignedBytes(written) { raw -> ModelDefinition in
                let model = try Model(bytes: raw)
                // Every non-empty buffer starts on a 16-byte boundary of the file.
                for buffer in model.buffers where !buffer.data.isEmpty {
                    XCTAssertEqual((buffer.data.baseAddress! - raw.baseAddress!) % 16, 0, "\(name): buffer not 16-byte aligned")
                }
                return try ModelDefinition(reading: model)
            }
            XCTAssertEqual(reread, original, "\(name): round trip changed the model")
            // Writing is deterministic: the same definition gives the same bytes.
            XCTAssertEqual(try ModelWriter.serialize(reread, bufferPlacement: .inline), written, "\(name): writer not deterministic")
        }
    }

    func testEveryFixtureRoundTripsWithOutOfLineBuffers() throws {
        for (name, bytes) in try FixtureModels.all() {
            let original = try withAlignedBytes(bytes) { try ModelDefinition(reading: try Model(bytes: $0)) }
            let written = try ModelWriter.serialize(original, bufferPlacement: .outOfLine)
            let reread = try withAlignedBytes(written) { raw -> ModelDefinition in
                let model = try Model(bytes: raw)
                for buffer in model.buffers where !buffer.data.isEmpty {
                    XCTAssertTrue(buffer.isOutOfLine, "\(name): buffer should be out of line")
                    XCTAssertEqual(buffer.offset % 16, 0)
                }
                return try ModelDefinition(reading: model)
            }
            XCTAssertEqual(reread, original, "\(name): out-of-line round trip changed the model")
        }
    }

    func testFixtureViewsAgreeWithDefinition() throws {
        for (name, bytes) in try FixtureModels.all() {
            try withAlignedBytes(bytes) { raw in
                let model = try Model(bytes: raw)
                let definition = try ModelDefinition(reading: model)
                XCTAssertEqual(model.version, 3)
                XCTAssertEqual(definition.subgraphs.count, model.subgraphs.count)
                let main = model.subgraphs[0]
                XCTAssertFalse(main.operators.isEmpty, "\(name): no operators")
                for (index, tensor) in main.tensors.enumerated() {
                    XCTAssertEqual(Array(tensor.shape), definition.subgraphs[0].tensors[index].shape)
                    XCTAssertNotNil(tensor.type.name, "\(name): unknown tensor type")
                }
                for op in main.operators {
                    XCTAssertNotNil(model.operatorCode(of: op).builtinCode.name, "\(name): unknown operator")
                }
                XCTAssertGreaterThan(touchEverything(model), 0)
            }
        }
    }
}
