import Foundation
import XCTest
@testable import SwiftletTools

/// Compiles what `export-c` writes with real compilers, runs the result and
/// checks that it sees exactly the model's bytes and length.
final class ExportCompileTests: XCTestCase {
    /// Not a multiple of 12, so the last line is a short one.
    private let bytes = ExportTestSupport.modelBytes(count: 1000)
    private let arrayName = "person_detect_tflite"

    /// A C/C++ program printing the array's length, checksum, alignment and bytes.
    private var checkProgram: String {
        """
        #include <stdio.h>
        #include <stdint.h>
        #include "\(arrayName).h"

        int main(void) {
            uint32_t hash = 2166136261u;
            unsigned int i;
            for (i = 0; i < \(arrayName)_len; i++) hash = (hash ^ \(arrayName)[i]) * 16777619u;
            printf("%u %u %u\\n", \(arrayName)_len, (unsigned)hash, (unsigned)((uintptr_t)\(arrayName) % 16));
            for (i = 0; i < \(arrayName)_len; i++) printf("%02x", \(arrayName)[i]);
            printf("\\n");
            return 0;
        }

        """
    }

    /// What the program must print for `bytes`.
    private var expectedOutput: String {
        "\(bytes.count) \(ExportTestSupport.fnv1a(bytes)) 0\n\(ExportTestSupport.hex(bytes))\n"
    }

    private func exportC(into folder: String) throws {
        try FileSetWriter.write(ModelExport.files(bytes, name: arrayName, origin: "person_detect.tflite", form: .c, in: folder))
    }

    private func clang(_ flavour: String) throws -> String {
        guard let clang = ExportTestSupport.tool(flavour) ?? ExportTestSupport.tool("clang") else {
            throw XCTSkip("no clang on PATH or in /opt/swift/usr/bin")
        }
        return clang
    }

    func testSourceCompiledAsCPlusPlusHasTheBytes() throws {
        let clang = try clang("clang++")
        let folder = try ExportTestSupport.temporaryFolder(self)
        try exportC(into: folder)
        try checkProgram.write(toFile: "\(folder)/main.cc", atomically: false, encoding: .utf8)
        let strict = ["-std=c++11", "-Wall", "-Wextra", "-pedantic", "-Werror"]
        try ExportTestSupport.mustRun(clang, ["-x", "c++"] + strict + ["main.cc", "\(arrayName).cc", "-o", "check"], in: folder)
        let run = try ExportTestSupport.mustRun("\(folder)/check", [])
        XCTAssertEqual(run.stdout, expectedOutput)
    }

    func testSourceCompiledAsCHasTheBytes() throws {
        let clang = try clang("clang")
        let folder = try ExportTestSupport.temporaryFolder(self)
        try exportC(into: folder)
        try checkProgram.write(toFile: "\(folder)/main.c", atomically: false, encoding: .utf8)
        for standard in ["c99", "c11"] {
            let strict = ["-std=\(standard)", "-Wall", "-Wextra", "-pedantic", "-Werror"]
            try ExportTestSupport.mustRun(clang, strict + ["main.c", "-x", "c", "\(arrayName).cc", "-o", "check"], in: folder)
            let run = try ExportTestSupport.mustRun("\(folder)/check", [])
            XCTAssertEqual(run.stdout, expectedOutput, standard)
        }
    }

    func testDataCompiledAsCLinksIntoACPlusPlusProgram() throws {
        let clang = try clang("clang++")
        let folder = try ExportTestSupport.temporaryFolder(self)
        try exportC(into: folder)
        try checkProgram.write(toFile: "\(folder)/main.cc", atomically: false, encoding: .utf8)
        try ExportTestSupport.mustRun(clang, ["-x", "c", "-c", "\(arrayName).cc", "-o", "data.o"], in: folder)
        try ExportTestSupport.mustRun(clang, ["-x", "c++", "-c", "main.cc", "-o", "main.o"], in: folder)
        try ExportTestSupport.mustRun(clang, ["main.o", "data.o", "-o", "check"], in: folder)
        let run = try ExportTestSupport.mustRun("\(folder)/check", [])
        XCTAssertEqual(run.stdout, expectedOutput)
    }

    func testSwiftFormCompilesWithSwiftcAndHasTheBytes() throws {
        let clang = try clang("clang")
        guard let swiftc = ExportTestSupport.tool("swiftc") else { throw XCTSkip("no swiftc on PATH or in /opt/swift/usr/bin") }
        let folder = try ExportTestSupport.temporaryFolder(self)
        let out = "\(folder)/model"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        try FileSetWriter.write(ModelExport.files(bytes, name: arrayName, origin: "person_detect.tflite", form: .swift, in: out))
        let main = """
            var hash: UInt32 = 2_166_136_261
            var hex = ""
            for byte in \(arrayName)_bytes {
                hash = (hash ^ UInt32(byte)) &* 16_777_619
                hex += String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
            }
            print(\(arrayName)_count, hash, UInt(bitPattern: \(arrayName)_bytes.baseAddress!) % 16)
            print(hex)
            precondition(\(arrayName)_bytes.count == \(arrayName)_count)

            """
        try main.write(toFile: "\(folder)/main.swift", atomically: false, encoding: .utf8)
        try ExportTestSupport.mustRun(clang, ["-c", "model/\(arrayName).c", "-o", "data.o"], in: folder)
        try ExportTestSupport.mustRun(
            swiftc, ["main.swift", "model/\(arrayName).swift", "-I", "model", "data.o", "-o", "check"], in: folder)
        let run = try ExportTestSupport.mustRun("\(folder)/check", [])
        XCTAssertEqual(run.stdout, expectedOutput)
    }

    func testSwiftFormCompilesForEmbeddedSwift() throws {
        guard let swiftc = ExportTestSupport.tool("swiftc") else { throw XCTSkip("no swiftc on PATH or in /opt/swift/usr/bin") }
        let toolchain = URL(fileURLWithPath: swiftc).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
        let target = "armv7em-none-none-eabi"
        guard FileManager.default.fileExists(atPath: toolchain.appendingPathComponent("lib/swift/embedded/\(target)").path) else {
            throw XCTSkip("this toolchain has no Embedded Swift standard library for \(target)")
        }
        let folder = try ExportTestSupport.temporaryFolder(self)
        try FileSetWriter.write(ModelExport.files(bytes, name: arrayName, origin: "person_detect.tflite", form: .swift, in: folder))
        try ExportTestSupport.mustRun(swiftc, [
            "-O", "-parse-as-library", "-enable-experimental-feature", "Embedded", "-target", target, "-wmo",
            "-module-name", "Firmware", "-I", ".", "-c", "\(arrayName).swift", "-o", "firmware.o",
        ], in: folder)
        let clang = try clang("clang")
        try ExportTestSupport.mustRun(clang, ["--target=armv7em-none-eabi", "-mthumb", "-c", "\(arrayName).c", "-o", "data.o"], in: folder)
    }
}
