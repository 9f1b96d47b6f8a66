import XCTest
import Foundation
import SwiftletFormat
import SwiftletMicro
import SwiftletTools
@testable import SwiftletConvert

/// One Keras-converter fixture under Tests/Fixtures/keras/<name>/ (made by
/// Tools/fixtures/generate_keras.py): the saved model, TF's float conversion, samples and TF's outputs.
struct KerasFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/keras")

    let name: String
    let folder: URL
    let inputs: [NumPyArray]
    let expected: [NumPyArray]
    let tfOps: [String]
    let samples: Int

    /// The SavedModel-converter fixtures (Tools/fixtures/generate_savedmodel.py), laid out alike.
    static let savedModelRoot = root.deletingLastPathComponent().appendingPathComponent("savedmodel")

    static func names(root: URL = root) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.path).sorted().filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent($0).appendingPathComponent("manifest.json").path)
        }
    }

    init(name: String, root: URL = root) throws {
        self.name = name
        let folder = root.appendingPathComponent(name)
        self.folder = folder
        let manifest = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("manifest.json"))) as? [String: Any])
        let inputEntries = try XCTUnwrap(manifest["inputs"] as? [[String: Any]])
        inputs = try inputEntries.map { try NumPyFile.readArray(folder.appendingPathComponent(try XCTUnwrap($0["file"] as? String)).path) }
        let outputEntries = try XCTUnwrap(manifest["outputs"] as? [[String: Any]])
        expected = try outputEntries.map { try NumPyFile.readArray(folder.appendingPathComponent(try XCTUnwrap($0["file"] as? String)).path) }
        tfOps = try XCTUnwrap(manifest["tf_ops"] as? [String])
        samples = try XCTUnwrap(manifest["samples"] as? Int)
    }

    func path(_ file: String) -> String { folder.appendingPathComponent(file).path }

    /// Sample `index` of every input, as floats.
    func sample(_ index: Int) throws -> [[Float]] {
        inputs.map { array in
            let values = array.asDoubles().map { Float($0) }
            let size = values.count / samples
            return Array(values[(index * size)..<((index + 1) * size)])
        }
    }

    /// TF's output `output` for sample `index`.
    func expectedOutput(_ output: Int, sample index: Int) throws -> [Float] {
        let values = try expected[output].floats()
        let size = values.count / samples
        return Array(values[(index * size)..<((index + 1) * size)])
    }
}

/// The schema names of a graph's operators, in order.
func operatorNames(_ graph: Graph) -> [String] {
    graph.operators.map { op in op.code.name.map { "\($0)" } ?? "\(op.code.rawValue)" }
}

/// Whether Swiftlet's interpreter has a kernel for every operator of `graph`.
func interpreterRuns(_ graph: Graph) -> Bool {
    graph.operators.allSatisfy { OpResolver.allBuiltins.find($0.code, customName: nil) != nil }
}

/// Our constant operands against TF's: each of our operators is paired with the first unpaired
/// TF operator of the same code, output shape and constant-operand shapes, and their constants
/// compared. Returns the largest difference relative to each tensor's largest magnitude, and the
/// operators that found no partner.
func constantDifference(_ graph: Graph, tfModelPath: String) throws -> (worst: Float, where: String, unpaired: [String], inexact: [String]) {
    let file = try ModelFile(path: tfModelPath)
    let model = try ModelDefinition(reading: file.model)
    let subgraph = model.subgraphs[0]
    var used = Set<Int>()
    var worst: (Float, String) = (0, "")
    var unpaired: [String] = []
    var inexact: [String] = []
    func constants(_ inputs: [Int32]) -> [(Int, [Int])] {
        inputs.enumerated().compactMap { slot, index in
            guard index >= 0, !model.buffers[Int(subgraph.tensors[Int(index)].buffer)].isEmpty else { return nil }
            return (slot, subgraph.tensors[Int(index)].shape.map { Int($0) })
        }
    }
    for (index, ours) in graph.operators.enumerated() {
        let ourConstants = ours.inputs.enumerated().compactMap { slot, id -> (Int, [Int])? in
            guard let id, graph[id].isConstant else { return nil }
            return (slot, graph[id].shape)
        }
        let partner = subgraph.operators.indices.first { candidate in
            let theirs = subgraph.operators[candidate]
            guard !used.contains(candidate), model.operatorCodes[Int(theirs.opcodeIndex)].builtinCode == ours.code,
                  subgraph.tensors[Int(theirs.outputs[0])].shape.map({ Int($0) }) == graph[ours.outputs[0]].shape else { return false }
            let theirConstants = constants(theirs.inputs)
            return theirConstants.count == ourConstants.count
                && zip(theirConstants, ourConstants).allSatisfy { $0.0 == $1.0 && ($0.1 == $1.1 || $0.1.reduce(1, *) == $1.1.reduce(1, *)) }
        }
        let name = ours.code.name.map { "\($0)" } ?? "?"
        guard let partner else { unpaired.append("\(index) \(name)"); continue }
        used.insert(partner)
        let theirs = subgraph.operators[partner]
        for (slot, mine) in ours.inputs.enumerated() {
            guard let mine, graph[mine].isConstant, slot < theirs.inputs.count, theirs.inputs[slot] >= 0 else { continue }
            let tfBytes = model.buffers[Int(subgraph.tensors[Int(theirs.inputs[slot])].buffer)]
            let label = "operator \(index) (\(name)) input \(slot)"
            if graph[mine].type == .float32 {
                let a = graph[mine].floats ?? [], b = GraphTensor.values(of: tfBytes, as: Float.self)
                let scale = max(b.map { abs($0) }.max() ?? 0, 1e-12)
                for (x, y) in zip(a, b) where abs(x - y) / scale > worst.0 { worst = (abs(x - y) / scale, label) }
                let differing = zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count
                if differing > 0 || a.count != b.count { inexact.append("\(label): \(differing) of \(b.count) values not bit-equal") }
            } else if graph[mine].data != tfBytes {
                worst = (.infinity, "\(label): \(graph[mine].int32s ?? []) differs from TF's")
            }
        }
    }
    return (worst.0, worst.1, unpaired, inexact)
}
