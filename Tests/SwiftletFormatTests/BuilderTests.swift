import XCTest
import SwiftletFormat

/// Models built from definitions: typed option views, errors for bad references,
/// metadata and offline plans.
final class BuilderTests: XCTestCase {
    /// A one-operator CONV_2D model with options, quantization and a signature.
    static func convModel() -> ModelDefinition {
        var model = ModelDefinition()
        model.description = "built by a test"
        model.operatorCodes = [OperatorCodeDefinition(builtinCode: .conv2D, version: 3)]
        model.buffers = [[], [UInt8](repeating: 7, count: 3 * 3 * 2 * 4), []]
        var subgraph = SubGraphDefinition()
        subgraph.name = "main"
        var input = TensorDefinition(shape: [1, 8, 8, 2], type: .int8, name: "input")
        input.quantization = QuantizationDefinition(scale: [0.5], zeroPoint: [-3])
        var filter = TensorDefinition(shape: [4, 3, 3, 2], type: .int8, buffer: 1, name: "filter")
        filter.quantization = QuantizationDefinition(scale: [0.1, 0.2, 0.3, 0.4], zeroPoint: [0, 0, 0, 0], quantizedDimension: 0)
        let output = TensorDefinition(shape: [1, 4, 4, 4], type: .int8, buffer: 2, name: "output")
        subgraph.tensors = [input, filter, output]
        subgraph.inputs = [0]
        subgraph.outputs = [2]
        var options = TableValue(.conv2DOptions)
        options["padding"] = .int(1)
        options["stride_w"] = .int(2)
        options["stride_h"] = .int(2)
        options["fused_activation_function"] = .int(3)
        subgraph.operators = [OperatorDefinition(opcodeIndex: 0, inputs: [0, 1, -1], outputs: [2], builtinOptions: options)]
        model.subgraphs = [subgraph]
        var signature = SignatureDefDefinition()
        signature.signatureKey = "serving_default"
        signature.inputs = [TensorMapDefinition(name: "x", tensorIndex: 0)]
        signature.outputs = [TensorMapDefinition(name: "y", tensorIndex: 2)]
        model.signatureDefs = [signature]
        return model
    }

    func testTypedOptionsAndFieldsReadBack() throws {
        let bytes = try ModelWriter.serialize(Self.convModel())
        XCTAssertEqual(Array(bytes[4..<8]), Array("TFL3".utf8))
        try withAlignedBytes(bytes) { raw in
            let model = try Model(bytes: raw)
            XCTAssertEqual(model.modelDescription?.string, "built by a test")
            let op = model.subgraphs[0].operators[0]
            XCTAssertEqual(model.operatorCode(of: op).builtinCode, .conv2D)
            XCTAssertEqual(model.operatorCode(of: op).version, 3)
            let conv = try XCTUnwrap(op.options(Conv2DOptions.self))
            XCTAssertEqual(conv.padding, 1)
            XCTAssertEqual(conv.strideW, 2)
            XCTAssertEqual(conv.strideH, 2)
            XCTAssertEqual(conv.fusedActivationFunction, ActivationFunction.relu6.rawValue)
            XCTAssertEqual(conv.dilationWFactor, 1, "absent field reads the schema default")
            XCTAssertNil(op.options(Pool2DOptions.self), "options of another kind are not reinterpreted")
            XCTAssertEqual(Array(op.inputs), [0, 1, -1])
            let filter = model.subgraphs[0].tensors[1]
            XCTAssertEqual(Array(filter.quantization!.scale), [0.1, 0.2, 0.3, 0.4])
            XCTAssertEqual(model.data(of: filter)?.count, 72)
            XCTAssertNil(model.data(of: model.subgraphs[0].tensors[2]), "empty buffer means no data")
            XCTAssertEqual(model.signatureDefs[0].signatureKey?.string, "serving_default")
            XCTAssertEqual(model.signatureDefs[0].outputs[0].tensorIndex, 2)
        }
    }

    func testLargeBuiltinCodeUsesDeprecatedPlaceholder() throws {
        var model = Self.convModel()
        model.operatorCodes[0].builtinCode = .stablehloAdd  // a code above 127
        let bytes = try ModelWriter.serialize(model)
        try withAlignedBytes(bytes) { raw in
            let code = try Model(bytes: raw).operatorCodes[0]
            XCTAssertEqual(code.deprecatedBuiltinCode, 127)
            XCTAssertEqual(code.builtinCode, .stablehloAdd)
        }
    }

    func testOutOfRangeReferencesAreRejected() throws {
        var model = Self.convModel()
        model.subgraphs[0].operators[0].inputs = [0, 9, -1]
        XCTAssertThrowsError(try withAlignedBytes(try ModelWriter.serialize(model)) { try Model(bytes: $0) }) { error in
            guard case FormatError.indexOutOfRange(_, let index, let count) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(index, 9)
            XCTAssertEqual(count, 3)
            XCTAssertTrue("\(error)".contains("operator input tensor index"))
        }
        model = Self.convModel()
        model.subgraphs[0].tensors[1].buffer = 40
        XCTAssertThrowsError(try withAlignedBytes(try ModelWriter.serialize(model)) { try Model(bytes: $0) })
        model = Self.convModel()
        model.subgraphs[0].operators[0].opcodeIndex = 5
        XCTAssertThrowsError(try withAlignedBytes(try ModelWriter.serialize(model)) { try Model(bytes: $0) })
    }

    func testWrongSchemaVersionAndIdentifier() throws {
        var model = Self.convModel()
        model.version = 2
        XCTAssertThrowsError(try withAlignedBytes(try ModelWriter.serialize(model)) { try Model(bytes: $0) }) { error in
            guard case FormatError.unsupportedSchemaVersion(2) = error else { return XCTFail("\(error)") }
        }
        var bytes = try ModelWriter.serialize(Self.convModel())
        bytes[4] = UInt8(ascii: "X")
        XCTAssertThrowsError(try withAlignedBytes(bytes) { try Model(bytes: $0) }) { error in
            guard case FormatError.wrongFileIdentifier = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("XFL3"))
        }
        XCTAssertThrowsError(try withAlignedBytes([1, 2, 3]) { try Model(bytes: $0) }) { error in
            guard case FormatError.tooSmall(3) = error else { return XCTFail("\(error)") }
        }
    }

    func testOfflineMemoryAllocationMetadata() throws {
        var model = Self.convModel()
        var words: [UInt8] = []
        for word: Int32 in [1, 1, 3, 0, -1, 256] { withUnsafeBytes(of: word.littleEndian) { words.append(contentsOf: $0) } }
        model.buffers.append(words)
        model.metadata = [MetadataDefinition(name: "OfflineMemoryAllocation", buffer: 3)]
        try withAlignedBytes(try ModelWriter.serialize(model)) { raw in
            let plan = try XCTUnwrap(try Model(bytes: raw).offlineMemoryAllocation)
            XCTAssertEqual(plan.version, 1)
            XCTAssertEqual(plan.subgraphCount, 1)
            XCTAssertEqual(plan.tensorCount, 3)
            XCTAssertEqual(plan.offset(ofTensor: 0), 0)
            XCTAssertNil(plan.offset(ofTensor: 1))
            XCTAssertEqual(plan.offset(ofTensor: 2), 256)
        }
        model.buffers[3].removeLast(4)  // says 3 offsets, holds 2
        XCTAssertThrowsError(try withAlignedBytes(try ModelWriter.serialize(model)) { try Model(bytes: $0) }) { error in
            guard case FormatError.invalidOfflineMemoryAllocation = error else { return XCTFail("\(error)") }
        }
    }

    func testWriterRejectsMismatchedFieldValues() {
        var model = Self.convModel()
        var options = TableValue(.conv2DOptions)
        options["stride_w"] = .string("two")
        model.subgraphs[0].operators[0].builtinOptions = options
        XCTAssertThrowsError(try ModelWriter.serialize(model))
        model = Self.convModel()
        model.subgraphs[0].operators[0].builtinOptions = TableValue(.tensor)  // not a BuiltinOptions member
        XCTAssertThrowsError(try ModelWriter.serialize(model))
        model = Self.convModel()
        options = TableValue(.conv2DOptions)
        options["padding"] = .int(300)  // does not fit int8
        model.subgraphs[0].operators[0].builtinOptions = options
        XCTAssertThrowsError(try ModelWriter.serialize(model))
    }

    func testEveryOptionsTableRoundTripsThroughTheCatalogue() throws {
        // Fill every field of every BuiltinOptions member with a non-default value and read it back.
        var tag: UInt8 = 1
        var checked = 0
        while tag < 255 {
            defer { tag += 1 }
            guard let table = SchemaUnion.builtinOptions.table(forType: tag) else { continue }
            var options = TableValue(table)
            for field in table.fields {
                switch field.kind {
                case .scalar(.bool): options.fields[field.id] = .bool(true)
                case .scalar(.float32): options.fields[field.id] = .float(0.25)
                case .scalar(let type) where [.int8, .int16, .int32, .int64].contains(type): options.fields[field.id] = .int(-2)
                case .scalar: options.fields[field.id] = .uint(2)
                case .scalarVector(.int32): options.fields[field.id] = .int32s([1, -1, 5])
                case .scalarVector(.int64): options.fields[field.id] = .int64s([7])
                case .scalarVector(.float32): options.fields[field.id] = .floats([1.5])
                case .scalarVector(.uint8): options.fields[field.id] = .bytes([9, 8])
                case .scalarVector(.bool): options.fields[field.id] = .bools([true, false])
                case .string: options.fields[field.id] = .string("name")
                default: break
                }
            }
            var model = Self.convModel()
            model.subgraphs[0].operators[0].builtinOptions = options
            let reread = try withAlignedBytes(try ModelWriter.serialize(model)) { try ModelDefinition(reading: try Model(bytes: $0)) }
            XCTAssertEqual(reread.subgraphs[0].operators[0].builtinOptions, options, "\(table.name)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 100)
    }
}
