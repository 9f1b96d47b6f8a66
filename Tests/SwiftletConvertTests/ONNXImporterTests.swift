import XCTest
import Foundation
import SwiftletFormat
@testable import SwiftletConvert

/// The importer on small models built here with the generated protobuf types: clear errors for
/// malformed and unsupported input, tensor decoding, and operators the fixtures do not cover.
final class ONNXImporterTests: XCTestCase {
    // MARK: - Building models

    static func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String = "",
                     ints: [String: [Int64]] = [:], floats: [String: Float] = [:], strings: [String: String] = [:]) -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = op
        node.input = inputs
        node.output = outputs
        node.name = name
        for (key, values) in ints.sorted(by: { $0.key < $1.key }) {
            var attribute = Onnx_AttributeProto()
            attribute.name = key
            attribute.type = .ints
            attribute.ints = values
            node.attribute.append(attribute)
        }
        for (key, value) in floats.sorted(by: { $0.key < $1.key }) {
            var attribute = Onnx_AttributeProto()
            attribute.name = key
            attribute.type = .float
            attribute.f = value
            node.attribute.append(attribute)
        }
        for (key, value) in strings.sorted(by: { $0.key < $1.key }) {
            var attribute = Onnx_AttributeProto()
            attribute.name = key
            attribute.type = .string
            attribute.s = Data(value.utf8)
            node.attribute.append(attribute)
        }
        return node
    }

    static func floatTensor(_ name: String, _ shape: [Int64], _ values: [Float]) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = shape
        tensor.dataType = 1
        tensor.floatData = values
        return tensor
    }

    static func int64Tensor(_ name: String, _ values: [Int64]) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = [Int64(values.count)]
        tensor.dataType = 7
        tensor.rawData = values.withUnsafeBytes { Data($0) }
        return tensor
    }

    static func model(_ nodes: [Onnx_NodeProto], input: (String, [Int64]) = ("x", [1, 2, 4, 4]), dynamic: Int? = nil,
                      outputs: [String], initializers: [Onnx_TensorProto] = [], opset: Int64 = 13) throws -> Data {
        var graph = Onnx_GraphProto()
        graph.node = nodes
        graph.initializer = initializers
        var value = Onnx_ValueInfoProto()
        value.name = input.0
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = 1
        for (index, size) in input.1.enumerated() {
            var dimension = Onnx_TensorShapeProto.Dimension()
            if index == dynamic { dimension.dimParam = "n" } else { dimension.dimValue = size }
            tensorType.shape.dim.append(dimension)
        }
        value.type.tensorType = tensorType
        graph.input = [value]
        graph.output = outputs.map { name in
            var output = Onnx_ValueInfoProto()
            output.name = name
            return output
        }
        var model = Onnx_ModelProto()
        model.irVersion = 8
        model.graph = graph
        var opsetImport = Onnx_OperatorSetIdProto()
        opsetImport.version = opset
        model.opsetImport = [opsetImport]
        return try model.serializedData()
    }

    func convertError(_ data: Data, directory: URL? = nil) -> ConvertError? {
        do {
            _ = try ONNXImporter.convert(data: data, directory: directory, path: "test.onnx")
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Errors

    func testUnsupportedOperatorNamesItsNodeAndTheSupportedOnes() throws {
        let data = try Self.model([Self.node("Relu", ["x"], ["r"]), Self.node("Einsum", ["r"], ["y"], name: "mixer")], outputs: ["y"])
        guard case .unsupportedOperator(let name, let node, let supported)? = convertError(data) else {
            return XCTFail("expected an unsupported-operator error")
        }
        XCTAssertEqual(name, "Einsum")
        XCTAssertTrue(node.contains("mixer"), node)
        XCTAssertTrue(supported.contains("Conv") && supported.contains("Gemm"), supported)
    }

    func testNonDefaultDomainIsUnsupported() throws {
        var custom = Self.node("FusedConv", ["x"], ["y"], name: "fused")
        custom.domain = "com.microsoft"
        guard case .unsupportedOperator(let name, _, _)? = convertError(try Self.model([custom], outputs: ["y"])) else {
            return XCTFail("expected an unsupported-operator error")
        }
        XCTAssertEqual(name, "com.microsoft.FusedConv")
    }

    func testGarbageAndTruncatedFilesAreMalformed() throws {
        let garbage = Data((0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
        XCTAssertNotNil(convertError(garbage))
        let good = try Self.model([Self.node("Relu", ["x"], ["y"])], outputs: ["y"])
        XCTAssertNil(convertError(good))
        guard case .malformed? = convertError(good.prefix(good.count - 3)) else {
            return XCTFail("a truncated model should be malformed: \(String(describing: convertError(good.prefix(good.count - 3))))")
        }
        guard case .unsupportedFormat? = convertError(Data()) else { return XCTFail("an empty file has no graph") }
    }

    func testOpsetOutsideTheRangeIsRejected() throws {
        let data = try Self.model([Self.node("Relu", ["x"], ["y"])], outputs: ["y"], opset: 9)
        guard case .unsupportedFeature(let message)? = convertError(data) else { return XCTFail("expected an opset error") }
        XCTAssertTrue(message.contains("opset 9") && message.contains("11–21"), message)
    }

    func testUndefinedInputAndMissingWeightsAreReported() throws {
        let data = try Self.model([Self.node("Add", ["x", "nowhere"], ["y"], name: "adder")], outputs: ["y"])
        guard case .malformed(_, let reason)? = convertError(data) else { return XCTFail("expected malformed") }
        XCTAssertTrue(reason.contains("nowhere") && reason.contains("adder"), reason)
    }

    func testRunTimeWeightsAreUnsupported() throws {
        let data = try Self.model([Self.node("Relu", ["x"], ["w"]), Self.node("Conv", ["x", "w"], ["y"], name: "c")], outputs: ["y"])
        guard case .unsupportedFeature(let message)? = convertError(data) else { return XCTFail("expected unsupported") }
        XCTAssertTrue(message.contains("weight") && message.contains("constant"), message)
    }

    func testDynamicSpatialDimensionIsRejected() throws {
        let data = try Self.model([Self.node("Relu", ["x"], ["y"])], dynamic: 2, outputs: ["y"])
        guard case .unsupportedFeature(let message)? = convertError(data) else { return XCTFail("expected unsupported") }
        XCTAssertTrue(message.contains("static"), message)
        // A dynamic batch becomes 1.
        let batch = try ONNXImporter.convert(data: try Self.model([Self.node("Relu", ["x"], ["y"])], dynamic: 0, outputs: ["y"]), directory: nil)
        XCTAssertEqual(batch.graph[batch.graph.inputs[0]].shape, [1, 4, 4, 2])
    }

    func testMissingExternalDataFileIsReported() throws {
        var weight = Self.floatTensor("w", [2, 2, 1, 1], [])
        weight.dataLocation = .external
        var location = Onnx_StringStringEntryProto()
        location.key = "location"
        location.value = "missing.bin"
        weight.externalData = [location]
        let data = try Self.model([Self.node("Conv", ["x", "w"], ["y"])], outputs: ["y"], initializers: [weight])
        let folder = FileManager.default.temporaryDirectory
        guard case .malformed(_, let reason)? = convertError(data, directory: folder) else { return XCTFail("expected malformed") }
        XCTAssertTrue(reason.contains("missing.bin"), reason)
    }

    // MARK: - Tensor decoding

    func testTensorDecodingFromRawAndTypedFields() throws {
        let raw = try ONNXTensorDecoder.constant(Self.int64Tensor("s", [1, -1, 7]), directory: nil, path: "t")
        XCTAssertEqual(raw.integers, [1, -1, 7])
        XCTAssertFalse(raw.isFloat)
        let typed = try ONNXTensorDecoder.constant(Self.floatTensor("f", [3], [0.5, -2, 3.25]), directory: nil, path: "t")
        XCTAssertEqual(typed.floats, [0.5, -2, 3.25])
        var half = Onnx_TensorProto()
        half.dataType = 10
        half.dims = [3]
        half.int32Data = [0x3C00, 0xC000, 0x3555]   // 1, -2, 0.33325
        XCTAssertEqual(try ONNXTensorDecoder.constant(half, directory: nil, path: "t").floats, [1, -2, 0.333251953125])
        var wrong = Self.floatTensor("f", [4], [1, 2, 3])
        wrong.name = "short"
        XCTAssertThrowsError(try ONNXTensorDecoder.constant(wrong, directory: nil, path: "t")) { error in
            XCTAssertTrue("\(error)".contains("short"), "\(error)")
        }
    }

    // MARK: - Operators outside the fixtures

    func testResizeSoftmaxOverChannelsAndPReluConvert() throws {
        let nodes = [
            Self.node("PRelu", ["x", "slope"], ["p"]),
            Self.node("Resize", ["p", "", "scales"], ["r"], strings: ["mode": "nearest", "coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"]),
            Self.node("Softmax", ["r"], ["y"], ints: [:]),
        ]
        var softmax = nodes[2]
        var axis = Onnx_AttributeProto()
        axis.name = "axis"
        axis.type = .int
        axis.i = 1
        softmax.attribute = [axis]
        let data = try Self.model([nodes[0], nodes[1], softmax], outputs: ["y"], initializers: [
            Self.floatTensor("slope", [2, 1, 1], [0.1, 0.2]),
            Self.floatTensor("scales", [4], [1, 1, 2, 2]),
        ])
        let imported = try ONNXImporter.convert(data: data, directory: nil)
        XCTAssertEqual(imported.graph.operators.map(\.code), [.prelu, .resizeNearestNeighbor, .softmax])
        XCTAssertEqual(imported.transposeCount, 0, "softmax over channels is over the last NHWC axis")
        XCTAssertEqual(imported.graph[imported.graph.operators[0].inputs[1]!].shape, [1, 1, 1, 2])
        XCTAssertEqual(imported.graph[imported.graph.outputs[0]].shape, [1, 8, 8, 2])
        XCTAssertEqual(imported.outputLayouts, [.channelsLast])
    }

    func testFlattenFeedingSomethingOtherThanGemmTransposesOnce() throws {
        // Flatten of a [1, 2, 4, 4] map into a Relu: the element order must be ONNX's.
        let data = try Self.model([Self.node("Flatten", ["x"], ["f"]), Self.node("Relu", ["f"], ["y"])], outputs: ["y"])
        let imported = try ONNXImporter.convert(data: data, directory: nil)
        XCTAssertEqual(imported.transposeCount, 1)
        let bytes = try GraphWriter.serialize(imported.graph)
        let input = (0..<32).map { Float($0) - 10 }   // ONNX [1, 2, 4, 4]
        let output = try runFloatModel(bytes, inputs: [ONNXFixtureTests.channelsLast(input, shape: [1, 2, 4, 4])])
        XCTAssertEqual(output[0], input.map { max($0, 0) })
    }

    // MARK: - Patterns and recurrent layers

    func testErfGeluPatternBecomesOneGeluInEitherMulOrder() throws {
        // x·(1+erf(x/√2))·0.5 and x·((1+erf(x·(1/√2)))·0.5), as PyTorch versions export them.
        let nodes = [
            Self.node("Div", ["x", "sqrt2"], ["d"]), Self.node("Erf", ["d"], ["e"]), Self.node("Add", ["e", "one"], ["a"]),
            Self.node("Mul", ["x", "a"], ["m"]), Self.node("Mul", ["m", "half"], ["g"]),
            Self.node("Mul", ["g", "rsqrt2"], ["d2"]), Self.node("Erf", ["d2"], ["e2"]), Self.node("Add", ["one", "e2"], ["a2"]),
            Self.node("Mul", ["a2", "half"], ["h2"]), Self.node("Mul", ["g", "h2"], ["y"]),
        ]
        let data = try Self.model(nodes, outputs: ["y"], initializers: [
            Self.floatTensor("sqrt2", [], [Float(2).squareRoot()]), Self.floatTensor("rsqrt2", [], [Float(0.5).squareRoot()]),
            Self.floatTensor("one", [], [1]), Self.floatTensor("half", [], [0.5]),
        ])
        let imported = try ONNXImporter.convert(data: data, directory: nil)
        XCTAssertEqual(imported.graph.operators.map(\.code), [.gelu, .gelu])
        let bytes = try GraphWriter.serialize(imported.graph)
        let input = (0..<32).map { Float($0) / 4 - 4 }
        let output = try runFloatModel(bytes, inputs: [input])
        func gelu(_ v: Double) -> Double { v * 0.5 * (1 + erf(v / 2.0.squareRoot())) }
        assertClose(output[0], input.map { Float(gelu(gelu(Double($0)))) }, relative: 1e-5, "GELU∘GELU")
    }

    func testErfWhoseIntermediateIsReadElsewhereIsNotFused() throws {
        // The Erf output is also a graph output: no GELU, and a lone Erf is unsupported.
        let nodes = [
            Self.node("Div", ["x", "sqrt2"], ["d"]), Self.node("Erf", ["d"], ["e"], name: "lone_erf"), Self.node("Add", ["e", "one"], ["a"]),
            Self.node("Mul", ["x", "a"], ["m"]), Self.node("Mul", ["m", "half"], ["y"]),
        ]
        let data = try Self.model(nodes, outputs: ["y", "e"], initializers: [
            Self.floatTensor("sqrt2", [], [Float(2).squareRoot()]), Self.floatTensor("one", [], [1]), Self.floatTensor("half", [], [0.5]),
        ])
        guard case .unsupportedOperator(let name, let node, _)? = convertError(data) else {
            return XCTFail("expected an unsupported-operator error for the lone Erf")
        }
        XCTAssertEqual(name, "Erf")
        XCTAssertTrue(node.contains("lone_erf"), node)
    }

    func testUnsupportedRecurrentFormsAreNamed() throws {
        let weights = [Self.floatTensor("W", [1, 8, 2], [Float](repeating: 0.1, count: 16)),
                       Self.floatTensor("R", [1, 8, 2], [Float](repeating: 0.1, count: 16))]
        let bidirectional = try Self.model([Self.node("LSTM", ["x", "W", "R"], ["y"], ints: ["hidden_size": [2]], strings: ["direction": "bidirectional"])],
                                           input: ("x", [3, 1, 2]), outputs: ["y"], initializers: weights)
        guard case .unsupportedFeature(let message)? = convertError(bidirectional) else { return XCTFail("expected an unsupported-feature error") }
        XCTAssertTrue(message.contains("bidirectional"), message)
        let gru = try Self.model([Self.node("GRU", ["x", "W", "R"], ["y"], ints: ["hidden_size": [2]])],
                                 input: ("x", [3, 1, 2]), outputs: ["y"], initializers: [
                                     Self.floatTensor("W", [1, 6, 2], [Float](repeating: 0.1, count: 12)),
                                     Self.floatTensor("R", [1, 6, 2], [Float](repeating: 0.1, count: 12))])
        guard case .unsupportedFeature(let gruMessage)? = convertError(gru) else { return XCTFail("expected an unsupported-feature error") }
        XCTAssertTrue(gruMessage.contains("linear_before_reset"), gruMessage)
    }
}
