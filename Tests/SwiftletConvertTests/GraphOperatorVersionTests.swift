import XCTest
import Foundation
import SwiftletFormat
import SwiftletTools
@testable import SwiftletConvert

/// `OperatorVersion` against the versions TensorFlow's converter wrote into the golden fixtures
/// (float32 and int8 models; the int16x8 ones are versioned by TF's quantizer, not its converter).
final class GraphOperatorVersionTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/models")

    /// Fixture operators whose TF version `OperatorVersion` does not give yet, named so the gap is not lost:
    /// TF versions a bool STRIDED_SLICE 3 (the type audit's `types_strided_slice_bool` fixture), `OperatorVersion`
    /// has no bool rule and says 1. When it learns the rule this entry fails and must go.
    static let knownDifferences: [String: (op: BuiltinOperator, swiftlet: Int32, tensorFlow: Int32)] = [
        "types_strided_slice_bool_float": (.stridedSlice, 1, 3),
    ]

    func testVersionsMatchTensorFlowOnTheFixtures() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).sorted()
        var checked = 0
        for name in names where !name.contains("int16") {
            let path = Self.fixtures.appendingPathComponent(name).appendingPathComponent("model.tflite").path
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let file = try ModelFile(path: path)
            let model = try ModelDefinition(reading: file.model)
            var needed: [Int: Int32] = [:]
            for subgraph in model.subgraphs {
                for op in subgraph.operators {
                    let code = model.operatorCodes[Int(op.opcodeIndex)].builtinCode
                    let operand = { (index: Int32) -> TensorDefinition? in index < 0 ? nil : subgraph.tensors[Int(index)] }
                    let signature = OperatorSignature(
                        code: code,
                        inputTypes: op.inputs.map { operand($0)?.type },
                        inputShapes: op.inputs.map { operand($0)?.shape.map { Int($0) } ?? [] },
                        outputTypes: op.outputs.map { subgraph.tensors[Int($0)].type },
                        options: Self.options(code, op.builtinOptions),
                        perChannel: op.inputs.count > 1 && (operand(op.inputs[1])?.quantization?.scale.count ?? 0) > 1)
                    let index = Int(op.opcodeIndex)
                    needed[index] = max(needed[index] ?? 0, OperatorVersion.version(of: signature))
                }
            }
            for (index, code) in model.operatorCodes.enumerated() {
                if let known = Self.knownDifferences[name], known.op == code.builtinCode {
                    XCTAssertEqual(needed[index], known.swiftlet, "\(name): OperatorVersion changed; drop it from knownDifferences")
                    XCTAssertEqual(code.version, known.tensorFlow, name)
                    continue
                }
                XCTAssertEqual(needed[index], code.version, "\(name): \(code.builtinCode.name.map { "\($0)" } ?? "?")")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 100)
    }

    /// The options fields that decide versions.
    static func options(_ code: BuiltinOperator, _ table: TableValue?) -> OperatorOptions {
        func int(_ name: StaticString) -> Int {
            if case .int(let value)? = table?[name] { return Int(value) }
            return 0
        }
        func flag(_ name: StaticString) -> Bool {
            if case .bool(let value)? = table?[name] { return value }
            return false
        }
        switch code {
        case .fullyConnected:
            return .fullyConnected(activation: ActivationFunction(rawValue: Int8(int("fused_activation_function"))) ?? .none,
                                   keepNumDims: flag("keep_num_dims"))
        case .depthwiseConv2D:
            let dilationW = table?["dilation_w_factor"] == nil ? 1 : int("dilation_w_factor")
            let dilationH = table?["dilation_h_factor"] == nil ? 1 : int("dilation_h_factor")
            return .depthwiseConv2D(DepthwiseConv2DParameters(dilationHeight: dilationH, dilationWidth: dilationW))
        case .transposeConv:
            return .transposeConv(TransposeConvParameters(activation: ActivationFunction(rawValue: Int8(int("fused_activation_function"))) ?? .none))
        case .stridedSlice:
            return .stridedSlice(StridedSliceParameters(ellipsisMask: int("ellipsis_mask"), newAxisMask: int("new_axis_mask"), offset: flag("offset")))
        case .gather:
            return .gather(axis: int("axis"), batchDims: int("batch_dims"))
        case .resizeNearestNeighbor:
            return .resizeNearestNeighbor(alignCorners: flag("align_corners"), halfPixelCenters: flag("half_pixel_centers"))
        case .resizeBilinear:
            return .resizeBilinear(alignCorners: flag("align_corners"), halfPixelCenters: flag("half_pixel_centers"))
        default:
            return .none
        }
    }
}
