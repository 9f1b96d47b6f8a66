import Foundation
import XCTest

/// Runs the built `swiftlet` executable, as a user would.
enum CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `swiftlet` binary next to the test bundle (`.build/<config>/swiftlet`).
    static var binary: URL {
        get throws {
            // The test runner (the .xctest bundle or executable) sits in the products folder.
            let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            var folder = runner.deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = folder.appendingPathComponent("swiftlet")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                folder = folder.deletingLastPathComponent()
            }
            throw MissingBinary()
        }
    }

    struct MissingBinary: Error, CustomStringConvertible {
        var description: String { "the swiftlet executable is not built next to the tests; run `swift build` first" }
    }

    /// Runs `swiftlet arguments…` and captures its output.
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = try binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh empty folder, removed at the end of the test.
    static func temporaryFolder(for testCase: XCTestCase) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    /// The committed fixture models folder.
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/models")

    /// Path of fixture `name`'s model.
    static func fixtureModel(_ name: String) -> String {
        fixtures.appendingPathComponent(name).appendingPathComponent("model.tflite").path
    }
}
