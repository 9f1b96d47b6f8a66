import Foundation
import XCTest
import SwiftletFormat

/// The FlexBuffers reader: values of every kind, the custom options of the signal
/// fixtures, and damaged buffers (every truncation, flipped bytes, garbage), which
/// must throw `FormatError` and never read outside the buffer.
final class FlexBufferTests: XCTestCase {
    /// `flexbuffers.Dumps({'a': [1, 2, 3], 'b': 2.5, 'c': True, 'd': 'hi', 'e': -300, 'f': [1, 'x', 0.5]})`
    /// (the `flatbuffers` Python package of the fixture venv).
    static let mixed: [UInt8] = [
        97, 0, 3, 1, 2, 3, 4, 4, 4, 98, 0, 99, 0, 100, 0, 2, 104, 105, 0, 101, 0, 102, 0, 1, 120, 0, 0, 0, 3, 0, 0, 0,
        1, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 63, 6, 20, 14, 6, 48, 40, 39, 38, 33, 32, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 6, 0,
        0, 0, 65, 0, 0, 0, 0, 0, 32, 64, 1, 0, 0, 0, 64, 0, 0, 0, 212, 254, 255, 255, 56, 0, 0, 0, 40, 14, 106, 20, 6,
        42, 30, 38, 1,
    ]

    static let signalRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/signal")

    private func read<T>(_ bytes: [UInt8], _ body: (FlexBuffer) throws -> T) rethrows -> T {
        try bytes.withUnsafeBytes { try body(FlexBuffer(bytes: $0)) }
    }

    func testScalarRoot() throws {
        XCTAssertEqual(try read([42, 4, 1]) { try $0.root().asInt32() }, 42)
        XCTAssertEqual(try read([42, 4, 1]) { try $0.root().asDouble() }, 42)
    }

    func testMapOfEveryKind() throws {
        try read(Self.mixed) { buffer in
            let map = try buffer.root().asMap()
            XCTAssertEqual(map.count, 6)
            let a = try map.required("a").asVector()
            XCTAssertEqual(a.count, 3)
            XCTAssertEqual(try (0..<3).map { try a.element($0).asInt64() }, [1, 2, 3])
            XCTAssertEqual(try map.float("b"), 2.5)
            XCTAssertEqual(try map.bool("c"), true)
            XCTAssertTrue(try map.required("d").equals("hi"))
            XCTAssertFalse(try map.required("d").equals("ho"))
            XCTAssertEqual(try map.int32("e"), -300)
            let f = try map.required("f").asVector()
            XCTAssertEqual(f.count, 3)
            XCTAssertEqual(try f.element(0).asInt32(), 1)
            XCTAssertTrue(try f.element(1).equals("x"))
            XCTAssertEqual(try f.element(2).asDouble(), 0.5)
            XCTAssertNil(try map.value("g"))
            XCTAssertThrowsError(try map.int32("zz")) { XCTAssertTrue("\($0)".contains("zz"), "\($0)") }
            XCTAssertThrowsError(try map.required("d").asInt64())
            XCTAssertThrowsError(try f.element(3))
            XCTAssertThrowsError(try map.required("b").asMap())
        }
    }

    /// The options TFLM's kernels read from the fixture models, by name.
    func testSignalFixtureOptions() throws {
        let bytes = try Array(Data(contentsOf: Self.signalRoot.appendingPathComponent("audio_frontend/model.tflite")))
        try bytes.withUnsafeBytes { raw in
            let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: raw.count, alignment: 16)
            defer { storage.deallocate() }
            storage.copyMemory(from: raw)
            let model = try Model(bytes: UnsafeRawBufferPointer(storage))
            var found: [String: Int32] = [:]
            for op in model.subgraphs[0].operators where !op.customOptions.isEmpty {
                let map = try FlexBuffer(bytes: op.customOptions).root().asMap()
                for key: StaticString in ["shift", "fft_length", "num_channels", "snr_shift", "output_scale", "smoothing"] {
                    if let value = try map.value(key) { found["\(key)"] = try value.asInt32() }
                }
            }
            XCTAssertEqual(found, ["shift": 12, "fft_length": 512, "num_channels": 40, "snr_shift": 6, "output_scale": 64, "smoothing": 409])
        }
    }

    /// Reads everything reachable; returns whether the buffer was accepted.
    private func survives(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            do {
                let root = try FlexBuffer(bytes: raw).root()
                if let map = try? root.asMap() {
                    for index in 0..<map.count {
                        _ = try? map.keyEquals(index, "a")
                        if let value = try? map.values.element(index) { walk(value, depth: 0) }
                    }
                } else {
                    walk(root, depth: 0)
                }
                return true
            } catch {
                XCTAssertFalse("\(error)".isEmpty)
                return false
            }
        }
    }

    private func walk(_ value: FlexValue, depth: Int) {
        _ = try? value.asInt64()
        _ = try? value.asDouble()
        _ = try? value.asBool()
        _ = try? value.equals("x")
        guard depth < 4, let vector = try? value.asVector() else { return }
        for index in 0..<min(vector.count, 64) {
            if let element = try? vector.element(index) { walk(element, depth: depth + 1) }
        }
    }

    private func corpus() throws -> [[UInt8]] {
        var buffers = [Self.mixed]
        for name in ["audio_frontend", "circular_buffer_cycles1"] {
            let bytes = try Array(Data(contentsOf: Self.signalRoot.appendingPathComponent("\(name)/model.tflite")))
            try bytes.withUnsafeBytes { raw in
                let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: raw.count, alignment: 16)
                defer { storage.deallocate() }
                storage.copyMemory(from: raw)
                let model = try Model(bytes: UnsafeRawBufferPointer(storage))
                for op in model.subgraphs[0].operators where !op.customOptions.isEmpty { buffers.append(Array(op.customOptions)) }
            }
        }
        XCTAssertGreaterThanOrEqual(buffers.count, 8)
        return buffers
    }

    func testEveryTruncationIsRejectedOrSafe() throws {
        for buffer in try corpus() {
            XCTAssertTrue(survives(buffer))
            var rejected = 0
            for length in 0..<buffer.count where !survives(Array(buffer[0..<length])) { rejected += 1 }
            // The root reference sits at the end: most cuts break it.
            XCTAssertGreaterThan(rejected, buffer.count / 2)
        }
    }

    func testFlippedBytesNeverCrash() throws {
        var state: UInt64 = 0x5EED
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        for buffer in try corpus() {
            for position in 0..<buffer.count {
                for _ in 0..<4 {
                    var damaged = buffer
                    damaged[position] ^= UInt8(truncatingIfNeeded: next() | 1)
                    _ = survives(damaged)
                }
            }
        }
    }

    func testGarbageAndHostileWidths() {
        var state: UInt64 = 42
        for _ in 0..<3000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let count = Int(state >> 58) + 1
            var bytes: [UInt8] = []
            for _ in 0..<count {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes.append(UInt8(truncatingIfNeeded: state >> 40))
            }
            _ = survives(bytes)
        }
        // A root width of 3, an offset pointing before the buffer, a map header before the start.
        XCTAssertFalse(survives([1, 4, 3]))
        XCTAssertThrowsError(try read([200, 0x24, 1]) { try $0.root().asMap() })
        XCTAssertThrowsError(try read([2, 0x24, 1]) { try $0.root().asMap() })
        XCTAssertThrowsError(try read([]) { try $0.root() })
    }
}
