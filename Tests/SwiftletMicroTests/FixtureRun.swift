import Foundation
import XCTest
import SwiftletFormat
import SwiftletMicro
import SwiftletTools

/// One golden fixture: a model, its input samples and the real TFLM's outputs.
struct FixtureRun {
    let name: String
    let file: ModelFile
    let inputs: [NumPyArray]
    let expected: [NumPyArray]
    let tflmArenaBytes: Int?
    /// The sample before which the generator called TFLM's reset() (state carries over otherwise).
    let resetBeforeSample: Int?

    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/models")

    static func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.path).sorted().filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent($0).appendingPathComponent("manifest.json").path)
        }
    }

    init(name: String, root: URL = Self.root) throws {
        self.name = name
        let folder = root.appendingPathComponent(name)
        let manifest = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("manifest.json"))) as? [String: Any])
        file = try ModelFile(path: folder.appendingPathComponent("model.tflite").path)
        let inputEntries = try XCTUnwrap(manifest["inputs"] as? [[String: Any]])
        inputs = try inputEntries.map { try NumPyFile.readArray(folder.appendingPathComponent(try XCTUnwrap($0["file"] as? String)).path) }
        let outputEntries = try XCTUnwrap(manifest["outputs"] as? [[String: Any]])
        // Fixtures of models TFLM refuses (beyond TFLM) carry LiteRT's reference outputs instead.
        expected = try outputEntries.map {
            let file = try XCTUnwrap(($0["tflm_file"] as? String) ?? ($0["litert_file"] as? String))
            return try NumPyFile.readArray(folder.appendingPathComponent(file).path)
        }
        tflmArenaBytes = manifest["tflm_arena_bytes"] as? Int
        resetBeforeSample = manifest["reset_before_sample"] as? Int
    }

    /// The operator names the model uses that `resolver` lacks.
    func missingOperators(_ resolver: OpResolver) -> [String] {
        var missing: [String] = []
        for code in file.model.operatorCodes where resolver.find(code.builtinCode, customName: code.customCode) == nil {
            missing.append(code.builtinCode.name.map { "\($0)" } ?? "code \(code.builtinCode.rawValue)")
        }
        return missing
    }

    /// Runs every sample; returns the outputs per sample, output by output, as raw bytes.
    func run(resolver: OpResolver, arenaBytes: Int) throws -> (outputs: [[UInt8]], interpreter: MicroInterpreter, arena: UnsafeMutableRawBufferPointer) {
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: arenaBytes, alignment: 16)
        var interpreter = try MicroInterpreter(model: file.model, resolver: resolver, arena: arena)
        try interpreter.allocateTensors()
        var outputs = [[UInt8]](repeating: [], count: expected.count)
        let firstInputBytes = try interpreter.input(0).byteCount
        let samples = inputs[0].data.count / max(firstInputBytes, 1)
        for sample in 0..<samples {
            if sample == resetBeforeSample { interpreter.reset() }
            for (index, array) in inputs.enumerated() {
                let view = try interpreter.input(index)
                let size = view.byteCount
                array.data.withUnsafeBytes { source in
                    view.data!.copyMemory(from: source.baseAddress! + sample * size, byteCount: size)
                }
            }
            try interpreter.invoke()
            for index in 0..<expected.count {
                let view = try interpreter.output(index)
                outputs[index] += Array(UnsafeRawBufferPointer(start: view.data, count: view.byteCount))
            }
        }
        return (outputs, interpreter, arena)
    }
}
