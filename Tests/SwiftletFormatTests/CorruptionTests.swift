import XCTest
import SwiftletFormat

/// A corpus of damaged models: every one must be rejected with a typed error or
/// read cleanly (and then be safe to walk) — never crash.
final class CorruptionTests: XCTestCase {
    /// A spread of fixtures: every tensor type, options of many kinds, several outputs.
    private let corpus = ["sine_int8", "sine_int16x8", "convnet_int8", "convnet_float", "two_outputs_int8",
                          "transpose_conv_int8", "strided_slice_float", "quantize_dequantize_fc_int8_floatio"]

    private func corpusModels() throws -> [(name: String, bytes: [UInt8])] {
        let models = try corpus.map { (name: $0, bytes: try FixtureModels.bytes($0)) }
        XCTAssertEqual(models.count, corpus.count)
        return models
    }

    /// Verifies `bytes`; if it passes, walks every field.
    private func checkSurvives(_ bytes: [UInt8]) -> Bool {
        withAlignedBytes(bytes) { raw in
            do {
                let model = try Model(bytes: raw)
                touchEverything(model)
                _ = try? ModelDefinition(reading: model)
                return true
            } catch {
                XCTAssertFalse("\(error)".isEmpty)
                return false
            }
        }
    }

    func testTruncationsAreRejected() throws {
        for (name, bytes) in try corpusModels() {
            // Every length for small models, a spread of lengths for larger ones.
            let step = max(1, bytes.count / 700)
            var accepted = 0
            for length in stride(from: 0, to: bytes.count, by: step) where checkSurvives(Array(bytes[0..<length])) {
                accepted += 1
            }
            // Buffers sit at the end of converter output, so a cut always breaks a length or an offset.
            XCTAssertEqual(accepted, 0, "\(name): a truncated file verified")
        }
    }

    func testFlippedBytesNeverCrash() throws {
        var generator = SplitMix64(seed: 0x5EED)
        for (_, bytes) in try corpusModels() {
            // Flip every byte of the FlatBuffer's first 1 KB (root, vtables, tables), then random ones.
            var positions = Array(0..<min(bytes.count, 1024))
            for _ in 0..<500 { positions.append(Int(generator.next() % UInt64(bytes.count))) }
            for position in positions {
                var damaged = bytes
                damaged[position] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
                _ = checkSurvives(damaged)
            }
        }
    }

    func testRandomGarbageAndHostileOffsets() {
        var generator = SplitMix64(seed: 42)
        for length in [8, 9, 16, 64, 1000] {
            for _ in 0..<200 {
                var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                bytes[4] = UInt8(ascii: "T"); bytes[5] = UInt8(ascii: "F"); bytes[6] = UInt8(ascii: "L"); bytes[7] = UInt8(ascii: "3")
                _ = checkSurvives(bytes)
            }
        }
        // A root offset pointing at the very end, and one at 0xFFFFFFFF.
        XCTAssertFalse(checkSurvives([8, 0, 0, 0] + Array("TFL3".utf8)))
        XCTAssertFalse(checkSurvives([0xFF, 0xFF, 0xFF, 0xFF] + Array("TFL3".utf8) + [0, 0, 0, 0]))
    }

    func testVectorLengthOverflowIsCaught() throws {
        // Make a valid model, then set the subgraph's tensor vector length to 0x7FFFFFFF.
        let bytes = try ModelWriter.serialize(BuilderTests.convModel())
        var hits = 0
        for position in stride(from: 8, to: bytes.count - 4, by: 4) {
            var damaged = bytes
            damaged[position] = 0xFF; damaged[position + 1] = 0xFF; damaged[position + 2] = 0xFF; damaged[position + 3] = 0x7F
            if !checkSurvives(damaged) { hits += 1 }
        }
        XCTAssertGreaterThan(hits, 10)
    }
}

/// A small deterministic random generator for reproducible corruption.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
