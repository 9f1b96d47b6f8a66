import Foundation
import XCTest

/// `swiftlet export-c`, run as a user would run the built binary.
final class ExportCTests: XCTestCase {
    func testHelpDocumentsTheDefaultName() throws {
        let run = try ExportCLI.run(["export-c", "--help"])
        XCTAssertEqual(run.status, 0)
        XCTAssertTrue(run.stdout.contains("USAGE: swiftlet export-c <model> [--name <name>] [--output <dir>] [--swift]"), run.stdout)
        XCTAssertTrue(run.stdout.contains("person_detect.tflite -> person_detect_tflite"), run.stdout)
    }

    func testWritesSourceAndHeaderIntoTheCurrentFolderByDefault() throws {
        let folder = try ExportCLI.temporaryFolder(self)
        let bytes = ExportCLI.modelBytes()
        try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/person_detect.tflite"))

        let run = try ExportCLI.run(["export-c", "person_detect.tflite"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stderr, "")
        XCTAssertEqual(run.stdout, "person_detect.tflite (\(bytes.count) bytes) -> ./person_detect_tflite.cc, ./person_detect_tflite.h\n")
        XCTAssertEqual(try ExportCLI.contents(of: folder), ["person_detect.tflite", "person_detect_tflite.cc", "person_detect_tflite.h"])
        let source = try String(contentsOfFile: "\(folder)/person_detect_tflite.cc", encoding: .utf8)
        XCTAssertTrue(source.contains("const unsigned int person_detect_tflite_len = \(bytes.count);"))
        XCTAssertTrue(source.contains("  0x\(String(format: "%02x", bytes[0])), "))
    }

    func testNameAndOutputFolder() throws {
        let folder = try ExportCLI.temporaryFolder(self)
        try Data(ExportCLI.modelBytes()).write(to: URL(fileURLWithPath: "\(folder)/m.tflite"))
        try FileManager.default.createDirectory(atPath: "\(folder)/out", withIntermediateDirectories: false)

        let run = try ExportCLI.run(["export-c", "m.tflite", "--name", "g_model", "-o", "out"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try ExportCLI.contents(of: "\(folder)/out"), ["g_model.cc", "g_model.h"])
        let header = try String(contentsOfFile: "\(folder)/out/g_model.h", encoding: .utf8)
        XCTAssertTrue(header.contains("extern const unsigned int g_model_len;"))
    }

    func testSwiftFormWritesCModuleMapAndAccessor() throws {
        let folder = try ExportCLI.temporaryFolder(self)
        try Data(ExportCLI.modelBytes()).write(to: URL(fileURLWithPath: "\(folder)/m.tflite"))
        try FileManager.default.createDirectory(atPath: "\(folder)/out", withIntermediateDirectories: false)

        let run = try ExportCLI.run(["export-c", "m.tflite", "--swift", "--output", "out"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try ExportCLI.contents(of: "\(folder)/out"), ["m_tflite.c", "m_tflite.h", "m_tflite.swift", "module.modulemap"])
    }

    func testBadInputGivesOneClearLineAndLeavesNothing() throws {
        let folder = try ExportCLI.temporaryFolder(self)
        try Data(ExportCLI.modelBytes()).write(to: URL(fileURLWithPath: "\(folder)/good.tflite"))
        try Data("just some text, not a model".utf8).write(to: URL(fileURLWithPath: "\(folder)/notes.tflite"))
        try Data([0x1c, 0, 0]).write(to: URL(fileURLWithPath: "\(folder)/short.tflite"))
        let out = "\(folder)/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)

        let cases: [(arguments: [String], stderr: String)] = [
            (["missing.tflite", "-o", "out"],
             "Error: missing.tflite: no such file; check the path"),
            (["notes.tflite", "-o", "out"],
             "Error: notes.tflite: not a valid .tflite model: bytes 4..<8 are not the identifier \"TFL3\""),
            (["short.tflite", "-o", "out"],
             "Error: short.tflite: not a valid .tflite model: it is 3 bytes long; a model has at least 8"),
            (["good.tflite", "-o", "nowhere"],
             "Error: nowhere: cannot write (no such folder); check that the folder exists and is writable"),
            (["good.tflite", "-o", "good.tflite"],
             "Error: good.tflite: cannot write (it is a file, not a folder); check that the folder exists and is writable"),
            (["good.tflite", "-o", "out", "--name", "2fast"],
             "Error: --name \"2fast\" is not a C identifier; use ASCII letters, digits and _, not starting with a digit"),
            (["good.tflite", "-o", "out", "--name", "my-model"],
             "Error: --name \"my-model\" is not a C identifier; use ASCII letters, digits and _, not starting with a digit"),
            (["good.tflite", "-o", "out", "--name", "class"],
             "Error: --name \"class\" is a C/C++ keyword; pick another name"),
        ]
        for (arguments, stderr) in cases {
            for swift in [false, true] {
                let all = ["export-c"] + arguments + (swift ? ["--swift"] : [])
                let run = try ExportCLI.run(all, in: folder)
                let shown = all.joined(separator: " ")
                XCTAssertNotEqual(run.status, 0, shown)
                XCTAssertEqual(run.stderr, stderr + "\n", shown)
                XCTAssertEqual(run.stdout, "", shown)
                XCTAssertEqual(try ExportCLI.contents(of: out), [], shown)
                XCTAssertEqual(try ExportCLI.contents(of: folder), ["good.tflite", "notes.tflite", "out", "short.tflite"], shown)
            }
        }
    }

    func testUnwritableFolderLeavesNothing() throws {
        let folder = try ExportCLI.temporaryFolder(self)
        try Data(ExportCLI.modelBytes()).write(to: URL(fileURLWithPath: "\(folder)/m.tflite"))
        let locked: String
        if geteuid() != 0 {
            locked = "\(folder)/locked"
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: locked)
            addTeardownBlock { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: locked) }
        } else if FileManager.default.fileExists(atPath: "/sys/kernel") {
            locked = "/sys"  // root may write into any ordinary folder, but sysfs takes no new files
        } else {
            throw XCTSkip("running as root, which can write into any folder, and there is no /sys")
        }
        let before = try ExportCLI.contents(of: locked)

        for swift in [false, true] {
            let run = try ExportCLI.run(["export-c", "m.tflite", "-o", locked] + (swift ? ["--swift"] : []), in: folder)
            XCTAssertNotEqual(run.status, 0)
            let file = swift ? "m_tflite.c" : "m_tflite.cc"
            XCTAssertTrue(run.stderr.hasPrefix("Error: \(locked)/\(file): cannot write ("), run.stderr)
            XCTAssertEqual(run.stderr.filter { $0 == "\n" }.count, 1, run.stderr)
            XCTAssertEqual(try ExportCLI.contents(of: locked), before)
        }
    }

    func testAFolderInTheWayLeavesNothing() throws {
        let folder = try ExportCLI.temporaryFolder(self)
        try Data(ExportCLI.modelBytes()).write(to: URL(fileURLWithPath: "\(folder)/m.tflite"))
        try FileManager.default.createDirectory(atPath: "\(folder)/m_tflite.h", withIntermediateDirectories: false)

        let run = try ExportCLI.run(["export-c", "m.tflite"], in: folder)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(run.stderr, "Error: ./m_tflite.h is a folder, in the way of the file export-c writes there; move it, or choose another --name or -o\n")
        XCTAssertEqual(try ExportCLI.contents(of: folder), ["m.tflite", "m_tflite.h"])
    }
}

/// The CLI helpers the tests above use, over the shared `CLIRunner`.
private enum ExportCLI {
    static func run(_ arguments: [String], in folder: String? = nil) throws -> CLIRunner.Result {
        try CLIRunner.run(arguments, in: folder.map { URL(fileURLWithPath: $0) })
    }

    /// A fresh empty folder (symlinks resolved), removed when the test ends.
    static func temporaryFolder(_ testCase: XCTestCase) throws -> String {
        try CLIRunner.temporaryFolder(for: testCase).resolvingSymlinksInPath().path
    }

    /// Every entry in `folder`, hidden ones included, sorted.
    static func contents(of folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    /// A real model: the int8 sine fixture.
    static func modelBytes() -> [UInt8] {
        [UInt8](FileManager.default.contents(atPath: CLIRunner.fixtureModel("sine_int8")) ?? Data())
    }
}
