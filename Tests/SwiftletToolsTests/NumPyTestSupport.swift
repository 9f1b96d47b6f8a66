import Foundation
import XCTest
@testable import SwiftletTools

/// Shared helpers for the NumPy tests.
enum NumPyFixtures {
    /// Tests/Fixtures/npy, written by Tools/fixtures/make_npy_fixtures.py.
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/npy")

    static func path(_ name: String) -> String {
        folder.appendingPathComponent(name).path
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    /// manifest.json: file name → expectations.
    static func manifest() throws -> [String: NumPyJSON] {
        let data = try Data(contentsOf: folder.appendingPathComponent("manifest.json"))
        let root = try JSONDecoder().decode(NumPyJSON.self, from: data)
        guard case .object(let top) = root, case .object(let files)? = top["files"] else {
            throw NSError(domain: "manifest", code: 1, userInfo: [NSLocalizedDescriptionKey: "manifest.json has no 'files'"])
        }
        return files
    }
}

/// A JSON value that keeps 64-bit integers exact (manifest values include UInt64.max).
indirect enum NumPyJSON: Decodable, Equatable {
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([NumPyJSON])
    case object([String: NumPyJSON])
    case null

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Int64.self) { self = .int(value); return }
        if let value = try? container.decode(UInt64.self) { self = .uint(value); return }
        if let value = try? container.decode(Double.self) { self = .double(value); return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([NumPyJSON].self) { self = .array(value); return }
        self = .object(try container.decode([String: NumPyJSON].self))
    }

    subscript(key: String) -> NumPyJSON? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var array: [NumPyJSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// Nested lists flattened in C order (a scalar gives one element).
    var flattened: [NumPyJSON] {
        if case .array(let items) = self { return items.flatMap(\.flattened) }
        return [self]
    }

    var asDouble: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .uint(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    var asInts: [Int]? {
        array?.compactMap { if case .int(let value) = $0 { return Int(value) } else { return nil } }
    }
}

/// Runs `body` and returns the `ToolsError` it throws; fails the test if it returns normally.
func numPyThrownError<T>(
    _ body: () throws(ToolsError) -> T, _ message: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line
) -> ToolsError? {
    do {
        let value = try body()
        XCTFail("expected a ToolsError, got \(value). \(message())", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

/// A fresh temporary folder, removed at the end of the test.
func makeNumPyTemporaryFolder(_ testCase: XCTestCase) throws -> URL {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("swiftlet-npy-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
    return folder
}
