import Foundation
import SwiftletFormat

/// The committed golden fixtures (made by Tools/fixtures/generate.sh).
enum FixtureModels {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/models")

    /// Every fixture model: (name, bytes).
    static func all() throws -> [(name: String, bytes: [UInt8])] {
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        return try names.compactMap { name in
            let url = root.appendingPathComponent(name).appendingPathComponent("model.tflite")
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            return (name, [UInt8](try Data(contentsOf: url)))
        }
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(name).appendingPathComponent("model.tflite")))
    }
}

/// Runs `body` with `bytes` in 16-byte-aligned memory, as firmware would hold a model.
func withAlignedBytes<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
    defer { storage.deallocate() }
    storage.copyBytes(from: bytes)
    return try body(UnsafeRawBufferPointer(rebasing: storage[0..<bytes.count]))
}

/// Reads every field of a verified model through the views, as a tool would.
/// Returns a count so the optimizer cannot drop the reads.
@discardableResult
func touchEverything(_ model: Model) -> Int {
    var sum = Int(model.version)
    for code in model.operatorCodes { sum &+= Int(code.builtinCode.rawValue) &+ Int(code.version) &+ (code.customCode?.utf8.count ?? 0) }
    for buffer in model.buffers { sum &+= buffer.data.count }
    for subgraph in model.subgraphs {
        for tensor in subgraph.tensors {
            sum &+= tensor.shape.reduce(0) { $0 &+ Int($1) } &+ Int(tensor.type.rawValue) &+ (tensor.name?.utf8.count ?? 0)
            sum &+= model.data(of: tensor)?.count ?? 0
            if let quantization = tensor.quantization {
                sum &+= quantization.scale.count &+ quantization.zeroPoint.count &+ Int(quantization.quantizedDimension)
            }
        }
        for op in subgraph.operators {
            sum &+= op.inputs.count &+ op.outputs.count &+ op.customOptions.count
            sum &+= Int(model.operatorCode(of: op).builtinCode.rawValue)
            if let options = op.builtinOptionsTable { sum &+= options.position }
        }
    }
    for entry in model.metadata { sum &+= entry.name?.utf8.count ?? 0 }
    for signature in model.signatureDefs { sum &+= signature.inputs.count &+ signature.outputs.count }
    return sum
}
