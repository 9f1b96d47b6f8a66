import XCTest
import SwiftletMicro

/// Fixture selection for the issue-8 part B kernel tests: every fixture whose
/// name starts with one of `prefixes`, checked bit for bit with only `kernels`.
enum OpsBFixtures {
    static func names(_ prefixes: [String], excluding: [String] = []) throws -> [String] {
        try FixtureRun.names().filter { name in
            prefixes.contains { name.hasPrefix($0) } && !excluding.contains { name.hasPrefix($0) }
        }
    }

    /// Asserts every fixture is exact with `kernels`, none skipped, and at least `minimum` of them.
    static func assertExact(_ prefixes: [String], excluding: [String] = [], kernels: [KernelRegistration], minimum: Int,
                            file: StaticString = #filePath, line: UInt = #line) throws {
        let names = try names(prefixes, excluding: excluding)
        XCTAssertGreaterThanOrEqual(names.count, minimum, "fixtures for \(prefixes)", file: file, line: line)
        let summary = try BitExact.check(names, resolver: OpResolver(kernels), file: file, line: line)
        XCTAssertEqual(summary.skipped, [], file: file, line: line)
        XCTAssertEqual(summary.exact.count, names.count, file: file, line: line)
        print("exact: \(summary.exact.joined(separator: ", "))")
    }
}
