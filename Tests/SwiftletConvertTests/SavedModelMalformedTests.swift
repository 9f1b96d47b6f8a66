import XCTest
import Foundation
import SwiftProtobuf
@testable import SwiftletConvert

/// Bad SavedModels: clear `ConvertError`s, never a crash.
final class SavedModelMalformedTests: XCTestCase {
    private var work: URL!

    override func setUpWithError() throws {
        work = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-savedmodel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: work)
    }

    /// A copy of fixture `name`'s SavedModel folder in the scratch folder.
    private func copy(_ name: String) throws -> URL {
        let source = SavedModelFixtureTests.root.appendingPathComponent(name).appendingPathComponent("saved_model")
        let target = work.appendingPathComponent(name)
        try FileManager.default.copyItem(at: source, to: target)
        return target
    }

    private func error(_ path: URL, signature: String = "serving_default") -> ConvertError? {
        do {
            _ = try SavedModelImporter.convert(path: path.path, signature: signature)
            return nil
        } catch {
            return error
        }
    }

    private func modify(_ file: URL, _ change: (inout [UInt8]) -> Void) throws {
        var bytes = [UInt8](try Data(contentsOf: file))
        change(&bytes)
        try Data(bytes).write(to: file)
    }

    func testFolderWithoutSavedModelIsNotAFormat() throws {
        guard case .unsupportedFormat(_, let reason)? = error(work) else { return XCTFail("expected unsupportedFormat") }
        XCTAssertTrue(reason.contains("saved_model.pb"), reason)
        XCTAssertFalse(SavedModelImporter.isSavedModel(path: work.path))
    }

    func testGarbageProtobufIsMalformed() throws {
        try Data([0xFF, 0xFF, 0xFF, 0x12, 0x99]).write(to: work.appendingPathComponent("saved_model.pb"))
        guard case .malformed(let path, _)? = error(work) else { return XCTFail("expected malformed") }
        XCTAssertTrue(path.hasSuffix("saved_model.pb"), path)
    }

    func testUnknownSignatureNamesTheOnesThereAre() throws {
        let model = try copy("keras_dense")
        guard case .invalidInput(let message)? = error(model, signature: "nope") else { return XCTFail("expected invalidInput") }
        XCTAssertTrue(message.contains("serving_default") && message.contains("--signature"), message)
        XCTAssertNoThrow(try SavedModelImporter.convert(path: model.path, signature: "serve"))
    }

    func testTruncatedIndexIsMalformed() throws {
        let model = try copy("keras_dense")
        try modify(model.appendingPathComponent("variables/variables.index")) { $0 = Array($0.prefix(30)) }
        guard case .malformed(_, let reason)? = error(model) else { return XCTFail("expected malformed") }
        XCTAssertTrue(reason.contains("too short"), reason)
    }

    func testIndexWithoutMagicIsMalformed() throws {
        let model = try copy("keras_dense")
        try modify(model.appendingPathComponent("variables/variables.index")) { $0[$0.count - 1] ^= 0xFF }
        guard case .malformed(_, let reason)? = error(model) else { return XCTFail("expected malformed") }
        XCTAssertTrue(reason.contains("magic"), reason)
    }

    func testCorruptedIndexBlockFailsItsChecksum() throws {
        let model = try copy("keras_dense")
        try modify(model.appendingPathComponent("variables/variables.index")) { $0[40] ^= 0x55 }
        guard case .malformed(_, let reason)? = error(model) else { return XCTFail("expected malformed") }
        XCTAssertTrue(reason.contains("CRC-32C") || reason.contains("past the end") || reason.contains("entry"), reason)
    }

    func testTruncatedDataShardIsMalformed() throws {
        let model = try copy("keras_dense")
        try modify(model.appendingPathComponent("variables/variables.data-00000-of-00001")) { $0 = Array($0.prefix($0.count / 2)) }
        guard case .malformed(_, let reason)? = error(model) else { return XCTFail("expected malformed") }
        XCTAssertTrue(reason.contains("runs past the end") || reason.contains("CRC"), reason)
    }

    func testCorruptedVariableFailsItsChecksum() throws {
        let model = try copy("keras_dense")
        let bundle = try TensorBundle(prefix: model.appendingPathComponent("variables/variables").path)
        let entry = try XCTUnwrap(bundle.entries["variables/0/.ATTRIBUTES/VARIABLE_VALUE"])
        try modify(model.appendingPathComponent("variables/variables.data-00000-of-00001")) { $0[Int(entry.offset) + 4] ^= 0x40 }
        guard case .malformed(_, let reason)? = error(model) else { return XCTFail("expected malformed") }
        XCTAssertTrue(reason.contains("CRC-32C"), reason)
    }

    func testMissingDataShardIsAnInputError() throws {
        let model = try copy("keras_dense")
        try FileManager.default.removeItem(at: model.appendingPathComponent("variables/variables.data-00000-of-00001"))
        guard case .invalidInput(let message)? = error(model) else { return XCTFail("expected invalidInput") }
        XCTAssertTrue(message.contains("variables.data-00000-of-00001"), message)
    }

    func testBundleReadsTheCheckpointVariables() throws {
        let model = try copy("keras_dense")
        let bundle = try TensorBundle(prefix: model.appendingPathComponent("variables/variables").path)
        let kernel = try bundle.tensor("variables/0/.ATTRIBUTES/VARIABLE_VALUE")
        XCTAssertEqual(kernel.shape, [64, 16])
        XCTAssertTrue(kernel.values.contains { $0 != 0 })
    }

    func testSnappyDecompressesLiteralsAndCopies() throws {
        // "abc" literal, then a 9-byte copy at offset 3: "abcabcabcabc".
        let stream: [UInt8] = [12, 8, 97, 98, 99, 21, 3]
        XCTAssertEqual(try Snappy.decompress(stream[...], label: "test"), Array("abcabcabcabc".utf8))
        XCTAssertThrowsError(try Snappy.decompress([12, 8, 97, 98, 99, 21, 9][...], label: "test"))  // offset past the output
        XCTAssertThrowsError(try Snappy.decompress([20, 8, 97, 98, 99][...], label: "test"))        // shorter than declared
    }

    // MARK: - Hand-built graphs

    /// A SavedModel whose serving_default calls `body` (a function of `x`, float [1, 4]).
    private func writeModel(_ body: [Tensorflow_NodeDef], output: String) throws -> URL {
        var function = Tensorflow_FunctionDef()
        function.signature.name = "body_fn"
        var argument = Tensorflow_OpDef.ArgDef()
        argument.name = "x"
        argument.type = .dtFloat
        function.signature.inputArg = [argument]
        var result = Tensorflow_OpDef.ArgDef()
        result.name = "y"
        function.signature.outputArg = [result]
        function.nodeDef = body
        function.ret = ["y": output]

        var placeholder = Tensorflow_NodeDef()
        placeholder.name = "serving_default_x"
        placeholder.op = "Placeholder"
        var call = Tensorflow_NodeDef()
        call.name = "PartitionedCall"
        call.op = "PartitionedCall"
        call.input = ["serving_default_x"]
        var f = Tensorflow_AttrValue()
        var nameList = Tensorflow_NameAttrList()
        nameList.name = "body_fn"
        f.func = nameList
        call.attr["f"] = f

        var meta = Tensorflow_MetaGraphDef()
        meta.metaInfoDef.tags = ["serve"]
        meta.graphDef.node = [placeholder, call]
        meta.graphDef.library.function = [function]
        var signature = Tensorflow_SignatureDef()
        var input = Tensorflow_TensorInfo()
        input.name = "serving_default_x:0"
        input.dtype = .dtFloat
        input.tensorShape.dim = [1, 4].map { size in var d = Tensorflow_TensorShapeProto.Dim(); d.size = Int64(size); return d }
        var outputInfo = Tensorflow_TensorInfo()
        outputInfo.name = "PartitionedCall:0"
        signature.inputs = ["x": input]
        signature.outputs = ["y": outputInfo]
        meta.signatureDef = ["serving_default": signature]
        var model = Tensorflow_SavedModel()
        model.savedModelSchemaVersion = 1
        model.metaGraphs = [meta]
        let folder = work.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(model.serializedBytes() as [UInt8]).write(to: folder.appendingPathComponent("saved_model.pb"))
        return folder
    }

    private func node(_ name: String, _ op: String, _ inputs: [String]) -> Tensorflow_NodeDef {
        var node = Tensorflow_NodeDef()
        node.name = name
        node.op = op
        node.input = inputs
        return node
    }

    func testHandBuiltFunctionConverts() throws {
        let model = try writeModel([node("r", "Relu", ["x"]), node("t", "Tanh", ["r:activations:0"])], output: "t:y:0")
        let graph = try SavedModelImporter.convert(path: model.path).graph
        XCTAssertEqual(operatorNames(graph), ["RELU", "TANH"])
        XCTAssertEqual(graph.inputSignatureNames, ["x"])
        XCTAssertEqual(graph.outputSignatureNames, ["y"])
    }

    func testUnsupportedOperatorNamesOpNodeAndFunction() throws {
        let model = try writeModel([node("cumulative", "Cumsum", ["x"])], output: "cumulative:out:0")
        guard case .unsupportedOperator(let name, let where_, let supported)? = error(model) else { return XCTFail("expected unsupportedOperator") }
        XCTAssertEqual(name, "Cumsum")
        XCTAssertTrue(where_.contains("cumulative") && where_.contains("body_fn"), where_)
        XCTAssertTrue(supported.contains("Conv2D"), supported)
    }

    func testWhileLoopIsAClearError() throws {
        let model = try writeModel([node("loop", "While", ["x"])], output: "loop:output:0")
        guard case .unsupportedOperator(let name, _, let supported)? = error(model) else { return XCTFail("expected unsupportedOperator") }
        XCTAssertEqual(name, "While")
        XCTAssertTrue(supported.contains("LSTM"), supported)
    }

    func testUndefinedReferenceIsMalformed() throws {
        let model = try writeModel([node("r", "Relu", ["missing:y:0"])], output: "r:activations:0")
        guard case .malformed(_, let reason)? = error(model) else { return XCTFail("expected malformed") }
        XCTAssertTrue(reason.contains("missing"), reason)
    }

    func testCycleIsAnError() throws {
        let model = try writeModel([node("a", "Relu", ["b:activations:0"]), node("b", "Relu", ["a:activations:0"])], output: "a:activations:0")
        guard case .unsupportedFeature(let message)? = error(model) else { return XCTFail("expected unsupportedFeature") }
        XCTAssertTrue(message.contains("cycle"), message)
    }
}
