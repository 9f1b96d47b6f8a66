import Foundation
import XCTest
import SwiftletFormat
import SwiftletMicro
@testable import SwiftletTools

/// `swiftlet resolver`'s generator: the names it writes exist as registrations,
/// it lists exactly a model's operators, and its arena is `inspect`'s.
final class ResolverExporterTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func fixture(_ name: String) -> String {
        root.appendingPathComponent("Tests/Fixtures/models/\(name)/model.tflite").path
    }

    /// Every `public static var NAME: KernelRegistration` declared in an
    /// `extension KernelRegistration` of Sources/SwiftletMicro (what `OpResolver([.NAME])` can name).
    static func declaredRegistrations() throws -> Set<String> {
        let folder = root.appendingPathComponent("Sources/SwiftletMicro")
        let pattern = try NSRegularExpression(pattern: #"^\s+public static var `?(\w+)`?: KernelRegistration"#)  // `if`, `while`
        var names = Set<String>()
        let files = FileManager.default.enumerator(atPath: folder.path)!
        for case let file as String in files where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: folder.appendingPathComponent(file).path, encoding: .utf8)
            var inExtension = false
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
                if line.hasPrefix("extension KernelRegistration") { inExtension = true; continue }
                if line.hasPrefix("}") { inExtension = false; continue }
                guard inExtension,
                      let match = pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) else { continue }
                names.insert(String(line[Range(match.range(at: 1), in: line)!]))
            }
        }
        return names
    }

    func testEveryBuiltinKernelMapsToADeclaredRegistration() throws {
        let declared = try Self.declaredRegistrations()
        var generated = Set<String>()
        for registration in OpResolver.allBuiltins.registrations {
            let schemaName = try XCTUnwrap(registration.customName.map { "\($0)" } ?? registration.code.name.map { "\($0)" })
            let name = registration.customName == nil ? ResolverExporter.registrationName(forOperator: schemaName)
                                                      : try XCTUnwrap(ResolverExporter.customRegistrations[schemaName], schemaName)
            XCTAssertTrue(declared.contains(name), "\(schemaName) -> .\(name), which Sources/SwiftletMicro does not declare; add it to ResolverExporter.nameExceptions")
            generated.insert(name)
        }
        XCTAssertEqual(generated, declared, "allBuiltins and the declared KernelRegistration members differ")
        XCTAssertGreaterThanOrEqual(generated.count, 27)
    }

    /// The audio front end's custom operators are registered by name, so its firmware links only them.
    func testAudioFrontEndResolverRegistersItsCustomKernels() throws {
        let path = Self.root.appendingPathComponent("Tests/Fixtures/signal/audio_frontend/model.tflite").path
        let result = try ResolverExporter.run(modelPath: path, name: "audio", outputPath: nil)
        XCTAssertEqual(result.requirements.registrations, ["reshape", "signalEnergy", "signalFftAutoScale", "signalFilterBank",
                                                           "signalFilterBankLog", "signalFilterBankSpectralSubtraction",
                                                           "signalFilterBankSquareRoot", "signalPCAN", "signalRfft", "signalWindow"])
        XCTAssertTrue(result.source.contains("OpResolver([.reshape, .signalEnergy,"), result.source)
        XCTAssertGreaterThan(result.requirements.arenaTarget32Bytes, 0)
    }

    func testNameRules() {
        XCTAssertEqual(ResolverExporter.registrationName(forOperator: "DEPTHWISE_CONV_2D"), "depthwiseConv2D")
        XCTAssertEqual(ResolverExporter.registrationName(forOperator: "FULLY_CONNECTED"), "fullyConnected")
        XCTAssertEqual(ResolverExporter.registrationName(forOperator: "RELU6"), "relu6")
        XCTAssertEqual(ResolverExporter.registrationName(forOperator: "PADV2"), "padV2")
        XCTAssertEqual(ResolverExporter.registrationName(forOperator: "SOFTMAX"), "softmax")
    }

    func testPersonDetectionNeedsItsFiveKernelsAndInspectsArena() throws {
        let path = Self.fixture("net_person_mobilenet_v1_025_int8")
        let file = try ModelFile(path: path)
        let needs = try ResolverExporter.requirements(of: file.model, path: path)
        XCTAssertEqual(needs.registrations, ["averagePool2D", "conv2D", "depthwiseConv2D", "reshape", "softmax"])
        XCTAssertEqual(needs.operatorNames, ["AVERAGE_POOL_2D", "CONV_2D", "DEPTHWISE_CONV_2D", "RESHAPE", "SOFTMAX"])
        let report = ModelReport(model: file.model)
        XCTAssertEqual(needs.arenaTarget32Bytes, try XCTUnwrap(report.arena).target32Bytes)
        XCTAssertEqual(needs.arenaHostBytes, try XCTUnwrap(report.arena).hostBytes)

        // The generated resolver really runs the model in exactly that arena on this host's
        // interpreter when given the host size (the 32-bit size is for targets).
        let resolver = OpResolver(needs.registrations.map { name in
            OpResolver.allBuiltins.registrations.first { ResolverExporter.registrationName(forOperator: "\($0.code.name!)") == name }!
        })
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: needs.arenaHostBytes, alignment: 16)
        defer { arena.deallocate() }
        var interpreter = try MicroInterpreter(model: file.model, resolver: resolver, arena: arena)
        XCTAssertNoThrow(try interpreter.allocateTensors())
    }

    func testSourceListsTheKernelsAndTheArena() throws {
        let path = Self.fixture("net_kws_dscnn_int8")
        let result = try ResolverExporter.run(modelPath: path, name: "g_kws", outputPath: nil)
        let needs = result.requirements
        XCTAssertNil(result.path)
        XCTAssertTrue(result.source.contains("public var g_kws_resolver: OpResolver {\n    OpResolver([\(needs.registrations.map { ".\($0)" }.joined(separator: ", "))])\n}"), result.source)
        XCTAssertTrue(result.source.contains("public let g_kws_arenaBytes = \(needs.arenaTarget32Bytes)\n"), result.source)
        XCTAssertTrue(needs.registrations.contains("depthwiseConv2D"))
        XCTAssertEqual(needs.registrations, needs.registrations.sorted())
    }

    func testSineNeedsOnlyFullyConnected() throws {
        let path = Self.fixture("sine_int8")
        let file = try ModelFile(path: path)
        XCTAssertEqual(try ResolverExporter.requirements(of: file.model, path: path).registrations, ["fullyConnected"])
    }

    /// A model with a custom operator and a builtin Swiftlet has no kernel for.
    static func unsupportedModel() throws -> [UInt8] {
        var model = ModelDefinition()
        model.operatorCodes = [OperatorCodeDefinition(builtinCode: .reshape),
                               OperatorCodeDefinition(builtinCode: .custom, customCode: "MyOp"),
                               OperatorCodeDefinition(builtinCode: .hashtableLookup)]
        var subgraph = SubGraphDefinition()
        subgraph.tensors = [TensorDefinition(shape: [4], type: .float32, name: "a"),
                            TensorDefinition(shape: [4], type: .float32, name: "b"),
                            TensorDefinition(shape: [4], type: .float32, name: "c"),
                            TensorDefinition(shape: [4], type: .float32, name: "d")]
        subgraph.inputs = [0]
        subgraph.outputs = [3]
        subgraph.operators = [OperatorDefinition(opcodeIndex: 0, inputs: [0], outputs: [1]),
                              OperatorDefinition(opcodeIndex: 1, inputs: [1], outputs: [2]),
                              OperatorDefinition(opcodeIndex: 2, inputs: [2], outputs: [3])]
        model.subgraphs = [subgraph]
        return try ModelWriter.serialize(model)
    }

    func testUnsupportedOperatorsAreNamedAndNothingIsWritten() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("resolver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let modelPath = folder.appendingPathComponent("bad.tflite").path
        try Data(try Self.unsupportedModel()).write(to: URL(fileURLWithPath: modelPath))
        let output = folder.appendingPathComponent("out.swift").path
        XCTAssertThrowsError(try ResolverExporter.run(modelPath: modelPath, name: nil, outputPath: output)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("no kernel for custom operator MyOp, HASHTABLE_LOOKUP (builtin code 10)"), message)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
        XCTAssertThrowsError(try ResolverExporter.run(modelPath: Self.fixture("sine_int8"), name: "2bad", outputPath: output))
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }
}
