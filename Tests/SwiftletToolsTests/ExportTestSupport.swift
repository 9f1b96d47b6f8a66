import Foundation
import XCTest
import SwiftletFormat

/// Helpers for the `export-c` tests: model-like bytes, temporary folders,
/// finding and running the C and Swift compilers.
enum ExportTestSupport {
    /// `count` pseudo-random bytes (fixed seed) with "TFL3" at bytes 4..<8,
    /// like a `.tflite` file's header.
    static func modelBytes(count: Int, seed: UInt64 = 0x5eed) -> [UInt8] {
        var state = seed
        var bytes = (0..<count).map { _ -> UInt8 in
            // xorshift64*
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return UInt8(truncatingIfNeeded: (state &* 0x2545_F491_4F6C_DD1D) >> 56)
        }
        if count >= 8 { bytes.replaceSubrange(4..<8, with: Array("TFL3".utf8)) }
        return bytes
    }

    /// A real, verifiable `.tflite` model whose one constant buffer holds
    /// `payload` pseudo-random bytes (the file is a few hundred bytes larger).
    static func validModel(payload: Int, seed: UInt64 = 0x5eed) -> [UInt8] {
        var model = ModelDefinition()
        model.operatorCodes = [OperatorCodeDefinition(builtinCode: .reshape)]
        model.buffers = [[], modelBytes(count: payload, seed: seed)]
        var subgraph = SubGraphDefinition()
        subgraph.tensors = [TensorDefinition(shape: [Int32(payload)], type: .uint8, buffer: 1, name: "weights"),
                            TensorDefinition(shape: [Int32(payload)], type: .uint8, name: "output")]
        subgraph.outputs = [1]
        subgraph.operators = [OperatorDefinition(opcodeIndex: 0, inputs: [0], outputs: [1])]
        model.subgraphs = [subgraph]
        return try! ModelWriter.serialize(model)
    }

    /// 32-bit FNV-1a, the checksum the compiled test programs print too.
    static func fnv1a(_ bytes: [UInt8]) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return hash
    }

    /// The bytes as lowercase hex, no separators.
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// A fresh empty folder, removed when the test ends.
    static func temporaryFolder(_ testCase: XCTestCase) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder.path
    }

    /// Every entry in `folder`, hidden ones included, sorted.
    static func contents(of folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    /// The first executable called `name` on PATH, or in /opt/swift/usr/bin.
    static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/opt/swift/usr/bin", "/usr/bin"]
        for folder in folders {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// What a finished process printed and returned.
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable` with `arguments` in `folder` and waits for it.
    static func run(_ executable: String, _ arguments: [String], in folder: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read stderr on another thread so neither pipe can fill up and stall the child.
        let errBox = DataBox()
        let errThread = Thread { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); errBox.done.signal() }
        errThread.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        errBox.done.wait()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errBox.data, as: UTF8.self)
        )
    }

    /// Runs a compiler or program and fails the test, showing its output, unless it exits 0.
    @discardableResult
    static func mustRun(_ executable: String, _ arguments: [String], in folder: String? = nil,
                        file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        let result = try run(executable, arguments, in: folder)
        if result.status != 0 {
            XCTFail("\(executable) \(arguments.joined(separator: " ")) exited \(result.status):\n\(result.stdout)\n\(result.stderr)",
                    file: file, line: line)
            throw ExportTestFailure.commandFailed
        }
        return result
    }

    enum ExportTestFailure: Error { case commandFailed }

    private final class DataBox: @unchecked Sendable {
        var data = Data()
        let done = DispatchSemaphore(value: 0)
    }
}
