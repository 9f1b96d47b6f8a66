import XCTest
import Foundation
import SwiftletFormat
import SwiftletTools
@testable import SwiftletConvert

/// Every ONNX fixture (Tests/Fixtures/onnx, made by `generate.sh onnx`) converts, runs on the
/// Swiftlet interpreter and matches onnxruntime within 1e-5 relative, after permuting
/// channels-first inputs and outputs to channels-last; convolutional nets keep no TRANSPOSE.
final class ONNXFixtureTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/onnx")

    struct Manifest: Decodable {
        struct Tensor: Decodable { var name: String; var shape: [Int] }
        var name: String
        var convolutional: Bool
        var inputs: [Tensor]
        var outputs: [Tensor]
    }

    static func fixtureNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter {
            FileManager.default.fileExists(atPath: fixtures.appendingPathComponent($0).appendingPathComponent("manifest.json").path)
        }.sorted()
    }

    func testThereAreFixtures() throws {
        XCTAssertGreaterThanOrEqual(try Self.fixtureNames().count, 20)
    }

    func testEveryFixtureMatchesOnnxRuntime() throws {
        for name in try Self.fixtureNames() {
            do { try check(name, options: ONNXImportOptions()) } catch { XCTFail("\(name): \(error)") }
        }
    }

    func testKeepingNCHWInputsAddsOneTransposeAtTheEdge() throws {
        for name in ["conv_bn_pool_gemm", "mobilenet_block", "kws_like"] {
            let imported = try check(name, options: ONNXImportOptions(keepNCHWInputs: true))
            XCTAssertEqual(imported.inputLayouts, [.unchanged], name)
            let inputShape = imported.graph[imported.graph.inputs[0]].shape
            XCTAssertEqual(imported.graph[imported.graph.inputs[0]].shape.count, 4, name)
            // One layout change right after the input (a RESHAPE when it has one channel).
            let first = imported.graph.operators.first { $0.inputs.contains(imported.graph.inputs[0]) }
            XCTAssertEqual(first?.code, inputShape[1] == 1 ? .reshape : .transpose, name)
            XCTAssertLessThanOrEqual(imported.transposeCount, 1, name)
        }
    }

    func testFlattenIntoGemmPermutesWeightsInsteadOfTransposing() throws {
        let imported = try ONNXImporter.convert(path: Self.fixtures.appendingPathComponent("conv_bn_pool_gemm/model.onnx").path)
        let codes = imported.graph.operators.map(\.code)
        // The stride-2 convolution's symmetric pads of 1 are not TFLite's SAME (which pads 0/1): one PAD.
        // The flatten RESHAPE folds into the FULLY_CONNECTED (GraphPasses); no TRANSPOSE anywhere.
        XCTAssertEqual(codes, [.conv2D, .maxPool2D, .pad, .conv2D, .fullyConnected, .softmax])
        // BatchNormalization folded and ReLU fused into the first convolution.
        XCTAssertEqual(imported.graph.operators[0].fusedActivation, .relu)
    }

    func testMobileNetBlockUsesDepthwiseAndRelu6() throws {
        let imported = try ONNXImporter.convert(path: Self.fixtures.appendingPathComponent("mobilenet_block/model.onnx").path)
        let codes = imported.graph.operators.map(\.code)
        XCTAssertEqual(codes.filter { $0 == .depthwiseConv2D }.count, 2)
        XCTAssertFalse(codes.contains(.mul), "BatchNormalization folded")
        XCTAssertEqual(imported.graph.operators.filter { $0.fusedActivation == .relu6 }.count, 4)
        XCTAssertEqual(imported.transposeCount, 0)
    }

    func testPyTorchExportsConvertWithoutTransposes() throws {
        let gelu = try ONNXImporter.convert(path: Self.fixtures.appendingPathComponent("torch_mlp_gelu/model.onnx").path)
        XCTAssertEqual(gelu.graph.operators.filter { $0.code == .gelu }.count, 1, "the Erf pattern is one GELU")
        XCTAssertFalse(gelu.graph.operators.contains { $0.code == .div }, "no leftover x/√2")
        for name in ["torch_lstm", "torch_gru"] {
            let imported = try ONNXImporter.convert(path: Self.fixtures.appendingPathComponent("\(name)/model.onnx").path)
            let codes = imported.graph.operators.map(\.code)
            XCTAssertEqual(imported.transposeCount, 0, "\(name): batch_first transposes over a batch of 1 are RESHAPEs")
            // Steps and gates are STRIDED_SLICEs (the quantizer handles them), not UNPACK/SPLIT/PACK.
            XCTAssertFalse(codes.contains(.unpack) || codes.contains(.split) || codes.contains(.pack), "\(name): \(codes)")
        }
        let lstm = try ONNXImporter.convert(path: Self.fixtures.appendingPathComponent("torch_lstm/model.onnx").path)
        XCTAssertEqual(lstm.graph.operators.filter { $0.code == .fullyConnected }.count, 6 + 5 + 1,
                       "one per step for the input, one per step after the first (zero state) for the state, the head")
    }

    /// Gemm transA (one TRANSPOSE of A), Selu (ELU, MINIMUM, MUL, ADD) and negative-step Slice (one
    /// STRIDED_SLICE with negative strides, the "through index 0" ends as end-mask bits).
    func testUncommonFormsConvert() throws {
        let imported = try check("uncommon_forms", options: ONNXImportOptions())
        let operators = imported.graph.operators
        XCTAssertEqual(operators.first?.code, .transpose, "transA: A transposed before the FULLY_CONNECTED")
        XCTAssertEqual(imported.transposeCount, 1)
        XCTAssertEqual(operators.filter { $0.code == .elu }.count, 2, "one ELU per Selu")
        let slice = try XCTUnwrap(operators.first { $0.code == .stridedSlice })
        guard case .stridedSlice(let parameters) = slice.options else { return XCTFail("\(slice.options)") }
        XCTAssertEqual(parameters.endMask, 0b11, "rows 3, 1 and columns 9…0 both run through index 0's side")
        XCTAssertEqual(imported.graph[slice.outputs[0]].shape, [2, 10])
    }

    @discardableResult
    func check(_ name: String, options: ONNXImportOptions) throws -> ONNXImport {
        let folder = Self.fixtures.appendingPathComponent(name)
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
        let imported = try ONNXImporter.convert(path: folder.appendingPathComponent("model.onnx").path, options: options)
        if manifest.convolutional && !options.keepNCHWInputs {
            XCTAssertEqual(imported.transposeCount, 0, "\(name): TRANSPOSE left in a convolutional net")
        }
        let bytes = try GraphWriter.serialize(imported.graph)
        let inputs = try NumPyFile.readArchive(folder.appendingPathComponent("inputs.npz").path)
        let expected = try NumPyFile.readArchive(folder.appendingPathComponent("expected.npz").path)
        var feeds: [[Float]] = []
        for (index, input) in manifest.inputs.enumerated() {
            let array = try XCTUnwrap(inputs[input.name], "\(name): input \(input.name)")
            let values = try array.floats()
            feeds.append(imported.inputLayouts[index] == .channelsLast ? Self.channelsLast(values, shape: array.shape) : values)
        }
        let outputs = try runFloatModel(bytes, inputs: feeds)
        XCTAssertEqual(outputs.count, manifest.outputs.count, name)
        for (index, output) in manifest.outputs.enumerated() where index < outputs.count {
            let array = try XCTUnwrap(expected[output.name], "\(name): output \(output.name)")
            var reference = try array.floats()
            if imported.outputLayouts[index] == .channelsLast { reference = Self.channelsLast(reference, shape: array.shape) }
            assertClose(outputs[index], reference, relative: 1e-5, "\(name) output \(output.name)")
        }
        return imported
    }

    /// `[N, C, spatial…]` values reordered to `[N, spatial…, C]`.
    static func channelsLast(_ values: [Float], shape: [Int]) -> [Float] {
        guard shape.count >= 3 else { return values }
        let batch = shape[0], channels = shape[1], spatial = shape[2...].reduce(1, *)
        var result = [Float](repeating: 0, count: values.count)
        for n in 0..<batch {
            for c in 0..<channels {
                for s in 0..<spatial {
                    result[(n * spatial + s) * channels + c] = values[(n * channels + c) * spatial + s]
                }
            }
        }
        return result
    }
}
