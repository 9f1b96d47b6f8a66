import Foundation
import MallocCounter
import XCTest
import SwiftletFormat
import SwiftletMicro
import SwiftletTools

/// The custom operators against the real TFLM (Tests/Fixtures/signal, from
/// `bash Tools/fixtures/generate.sh signal`): the micro_speech audio front end,
/// the framing ops and CIRCULAR_BUFFER, with state carried across the samples.
final class SignalFixtureTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/signal")

    /// Only what the front end needs, as a firmware would register it.
    static var frontEnd: OpResolver { OpResolver([.signalWindow, .reshape, .signalFftAutoScale, .signalRfft, .signalEnergy,
                                      .signalFilterBank, .signalFilterBankSquareRoot, .signalFilterBankSpectralSubtraction,
                                      .signalPCAN, .signalFilterBankLog]) }

    private func assertExact(_ name: String, resolver: OpResolver, file: StaticString = #filePath, line: UInt = #line) throws {
        let fixture = try FixtureRun(name: name, root: Self.root)
        let arenaBytes = try MicroInterpreter.requiredArenaBytes(model: fixture.file.model, resolver: resolver)
        let (outputs, _, arena) = try fixture.run(resolver: resolver, arenaBytes: arenaBytes)
        defer { arena.deallocate() }
        XCTAssertEqual(outputs.count, fixture.expected.count, file: file, line: line)
        for (index, expected) in fixture.expected.enumerated() {
            let got = outputs[index]
            XCTAssertEqual(got.count, expected.data.count, "\(name) output \(index) size", file: file, line: line)
            let differing = zip(got, expected.data).filter { $0 != $1 }.count
            XCTAssertEqual(differing, 0, "\(name) output \(index): \(differing) of \(got.count) bytes differ from TFLM", file: file, line: line)
        }
    }

    /// The framing ops' fixtures and SignalRfft's int16/int32/float32 ones (one operator each), by operator.
    static var framingFixtures: [(op: KernelRegistration, names: [String])] { [
        (.signalFramer, ["framer_prefill", "framer_no_prefill", "framer_step_over_size", "framer_rank3"]),
        (.signalStacker, ["stacker_left2_right1", "stacker_right3_step2", "stacker_left3_step4"]),
        (.signalDelay, ["delay_rows", "delay_longer_than_frame", "delay_zero"]),
        (.signalOverlapAdd, ["overlap_add_int16", "overlap_add_int16_saturating", "overlap_add_int16_no_overlap", "overlap_add_float"]),
        (.signalIrfft, ["irfft_int16_512", "irfft_int16_64_rows", "irfft_int16_16", "irfft_int16_4",
                         "irfft_int32_256", "irfft_int32_32_rows", "irfft_float_512", "irfft_float_8_rows"]),
        (.signalRfft, ["rfft_int16_padded", "rfft_int32_512", "rfft_int32_8_rows", "rfft_float_512", "rfft_float_32_rows"]),
    ] }

    /// The framing ops, as a firmware would register them.
    static var framing: OpResolver { OpResolver([.signalFramer, .signalStacker, .signalDelay, .signalOverlapAdd, .signalIrfft, .signalRfft]) }

    /// Compares every invoke's outputs with TFLM's, byte for byte. For ops with a
    /// valid flag (output 1), an invoke whose flag is false leaves frames untouched
    /// (arena leftovers, in TFLM too): there only the flag is compared. Returns the
    /// number of output bytes compared.
    @discardableResult
    private func assertFramingExact(_ name: String, outputs: [[UInt8]], fixture: FixtureRun,
                                    file: StaticString = #filePath, line: UInt = #line) -> Int {
        XCTAssertEqual(outputs.count, fixture.expected.count, name, file: file, line: line)
        let hasValidFlag = fixture.expected.count == 2
        let invokes = hasValidFlag ? fixture.expected[1].data.count : 0
        var compared = 0
        for (index, expected) in fixture.expected.enumerated() {
            let got = outputs[index]
            XCTAssertEqual(got.count, expected.data.count, "\(name) output \(index) size", file: file, line: line)
            guard got.count == expected.data.count else { continue }
            if hasValidFlag && index == 0 {
                let stride = expected.data.count / invokes
                for invoke in 0..<invokes where fixture.expected[1].data[invoke] != 0 {
                    let range = invoke * stride..<(invoke + 1) * stride
                    XCTAssertEqual(Array(got[range]), Array(expected.data[range]), "\(name) invoke \(invoke) differs from TFLM", file: file, line: line)
                    compared += stride
                }
            } else {
                let differing = zip(got, expected.data).filter { $0 != $1 }.count
                XCTAssertEqual(differing, 0, "\(name) output \(index): \(differing) of \(got.count) bytes differ from TFLM", file: file, line: line)
                compared += got.count
            }
        }
        return compared
    }

    /// Every framing fixture, every invoke, bit-exact with TFLM (float32 too: the
    /// same operations in the same order round the same way).
    func testFramingOpsAreBitExactWithTFLM() throws {
        var total = 0
        for (op, names) in Self.framingFixtures {
            for name in names {
                let fixture = try FixtureRun(name: name, root: Self.root)
                XCTAssertEqual(fixture.missingOperators(OpResolver([op])), [], "\(name) needs only its own kernel")
                let arenaBytes = try MicroInterpreter.requiredArenaBytes(model: fixture.file.model, resolver: Self.framing)
                let (outputs, _, arena) = try fixture.run(resolver: Self.framing, arenaBytes: arenaBytes)
                defer { arena.deallocate() }
                let compared = assertFramingExact(name, outputs: outputs, fixture: fixture)
                XCTAssertGreaterThan(compared, 0, "\(name): nothing compared")
                total += compared
            }
        }
        XCTAssertGreaterThan(total, 10_000)
    }

    /// reset() restores each framing op's initial state: running the fixture's
    /// invokes again after it gives TFLM's outputs again (and without it would not).
    func testFramingOpsResetRestoresInitialState() throws {
        for name in ["framer_prefill", "framer_no_prefill", "stacker_left2_right1", "delay_rows", "overlap_add_int16", "overlap_add_float"] {
            let fixture = try FixtureRun(name: name, root: Self.root)
            let resolver = Self.framing
            let arenaBytes = try MicroInterpreter.requiredArenaBytes(model: fixture.file.model, resolver: resolver)
            let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: arenaBytes, alignment: 16)
            defer { arena.deallocate() }
            var interpreter = try MicroInterpreter(model: fixture.file.model, resolver: resolver, arena: arena)
            try interpreter.allocateTensors()
            let sampleBytes = try interpreter.input(0).byteCount
            let samples = fixture.inputs[0].data.count / sampleBytes
            func pass() throws -> [[UInt8]] {
                var outputs = [[UInt8]](repeating: [], count: fixture.expected.count)
                for sample in 0..<samples {
                    let view = try interpreter.input(0)
                    fixture.inputs[0].data.withUnsafeBytes { view.data!.copyMemory(from: $0.baseAddress! + sample * sampleBytes, byteCount: sampleBytes) }
                    try interpreter.invoke()
                    for index in outputs.indices {
                        let output = try interpreter.output(index)
                        outputs[index] += Array(UnsafeRawBufferPointer(start: output.data, count: output.byteCount))
                    }
                }
                return outputs
            }
            assertFramingExact(name, outputs: try pass(), fixture: fixture)
            let carried = try pass()
            XCTAssertNotEqual(carried[0], fixture.expected[0].data, "\(name): a second pass without reset should see the carried state")
            interpreter.reset()
            assertFramingExact(name + " after reset()", outputs: try pass(), fixture: fixture)
        }
    }

    /// `swiftlet inspect` lists every signal op of these fixtures as run by both
    /// (the tflite-micro wheel registers all 14), and the resolver exporter names them.
    func testInspectAndResolverKnowTheSignalOps() throws {
        var seen: Set<String> = []
        for name in ["audio_frontend"] + Self.framingFixtures.flatMap(\.names) {
            let fixture = try FixtureRun(name: name, root: Self.root)
            let report = withExtendedLifetime(fixture.file) { ModelReport(model: fixture.file.model) }
            XCTAssertTrue(report.swiftletRunsModel && report.tflmRunsModel, name)
            for entry in report.operatorSupport {
                XCTAssertTrue(entry.swiftlet && entry.tflm, "\(name): \(entry.op) \(entry.type)")
                if entry.op.hasPrefix("Signal") {
                    seen.insert(entry.op + " " + entry.type)
                    XCTAssertNotNil(ResolverExporter.customRegistrations[entry.op], entry.op)
                }
            }
        }
        for expected in ["SignalFramer INT16", "SignalStacker INT16", "SignalDelay INT16", "SignalOverlapAdd INT16",
                         "SignalOverlapAdd FLOAT32", "SignalIrfft INT16", "SignalIrfft INT32", "SignalIrfft FLOAT32",
                         "SignalRfft INT16", "SignalRfft INT32", "SignalRfft FLOAT32", "SignalWindow INT16"] {
            XCTAssertTrue(seen.contains(expected), expected)
        }
    }

    /// Shapes and types the framing ops cannot run are refused in `allocateTensors`
    /// with an error naming the operator, never run.
    func testFramingOpsRefuseInconsistentTensors() throws {
        let cases: [(fixture: String, op: String, change: (inout SubGraphDefinition) -> Void)] = [
            ("framer_prefill", "SignalFramer", { $0.tensors[0].shape = [2, 60] }),            // not whole hops
            ("framer_prefill", "SignalFramer", { $0.tensors[1].shape = [2, 2, 99] }),         // frame_size 100
            ("stacker_left2_right1", "SignalStacker", { $0.tensors[1].shape = [19] }),        // 5 × 4 = 20
            ("stacker_left2_right1", "SignalStacker", { $0.tensors[2].type = .int8 }),        // valid must be bool
            ("delay_rows", "SignalDelay", { $0.tensors[1].type = .float32 }),
            ("overlap_add_float", "SignalOverlapAdd", { $0.tensors[0].type = .int16 }),      // T is FLOAT32
            ("overlap_add_int16", "SignalOverlapAdd", { $0.tensors[1].shape = [25] }),        // 3 frames × step 8
            ("irfft_int16_16", "SignalIrfft", { $0.tensors[0].shape = [3, 20] }),             // 16 + 2 per row
            ("irfft_int32_256", "SignalIrfft", { $0.tensors[1].type = .int16 }),
            ("rfft_int32_512", "SignalRfft", { $0.tensors[0].shape = [600] }),                // longer than fft_length
        ]
        for (name, op, change) in cases {
            let fixture = try FixtureRun(name: name, root: Self.root)
            var definition = try ModelDefinition(reading: fixture.file.model)
            change(&definition.subgraphs[0])
            let file = try ModelFile(bytes: try ModelWriter.serialize(definition))
            XCTAssertThrowsError(try MicroInterpreter.requiredArenaBytes(model: file.model, resolver: Self.framing), name) { error in
                XCTAssertTrue("\(error)".contains(op), "\(name): \(error)")
            }
        }
    }

    func testAudioFrontEndIsBitExactWithTFLM() throws {
        try assertExact("audio_frontend", resolver: Self.frontEnd)
    }

    func testAudioFrontEndWithFullScaleBurstIsBitExactWithTFLM() throws {
        try assertExact("audio_frontend_loud", resolver: Self.frontEnd)
    }

    /// Slots not yet written hold whatever the arena held before (in TFLM too), so
    /// after invoke k only the newest k + 1 slots are compared — and they must match.
    func testCircularBufferCarriesHistoryAsTFLM() throws {
        for (name, slots, depth) in [("circular_buffer", 5, 4), ("circular_buffer_cycles1", 3, 3)] {
            let fixture = try FixtureRun(name: name, root: Self.root)
            let resolver = OpResolver([.circularBuffer])
            let arenaBytes = try MicroInterpreter.requiredArenaBytes(model: fixture.file.model, resolver: resolver)
            let (outputs, _, arena) = try fixture.run(resolver: resolver, arenaBytes: arenaBytes)
            defer { arena.deallocate() }
            let expected = fixture.expected[0].data, got = outputs[0]
            XCTAssertEqual(got.count, expected.count)
            let samples = expected.count / (slots * depth)
            XCTAssertGreaterThan(samples, slots, "\(name): the fixture should wrap around the buffer")
            var compared = 0
            for sample in 0..<samples {
                let defined = min(sample + 1, slots)
                let start = sample * slots * depth + (slots - defined) * depth
                let end = (sample + 1) * slots * depth
                XCTAssertEqual(Array(got[start..<end]), Array(expected[start..<end]), "\(name) sample \(sample)")
                compared += end - start
            }
            XCTAssertGreaterThan(compared, expected.count / 2)
        }
    }

    /// reset() zeroes the noise estimate kept in the arena: replaying the first frame
    /// after three gives the first frame's outputs again.
    func testResetRestoresNoiseEstimate() throws {
        let fixture = try FixtureRun(name: "audio_frontend", root: Self.root)
        let resolver = Self.frontEnd
        let arenaBytes = try MicroInterpreter.requiredArenaBytes(model: fixture.file.model, resolver: resolver)
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: arenaBytes, alignment: 16)
        defer { arena.deallocate() }
        var interpreter = try MicroInterpreter(model: fixture.file.model, resolver: resolver, arena: arena)
        try interpreter.allocateTensors()
        let frameBytes = try interpreter.input(0).byteCount
        func run(_ sample: Int) throws -> [UInt8] {
            let view = try interpreter.input(0)
            fixture.inputs[0].data.withUnsafeBytes { view.data!.copyMemory(from: $0.baseAddress! + sample * frameBytes, byteCount: frameBytes) }
            try interpreter.invoke()
            let noise = try interpreter.output(2)
            let features = try interpreter.output(0)
            return Array(UnsafeRawBufferPointer(start: features.data, count: features.byteCount))
                + Array(UnsafeRawBufferPointer(start: noise.data, count: noise.byteCount))
        }
        let first = try run(0)
        let later = try run(1) + run(2)
        XCTAssertNotEqual(try run(0), first, "the noise estimate should carry state across invokes")
        XCTAssertFalse(later.isEmpty)
        interpreter.reset()
        XCTAssertEqual(try run(0), first, "reset() must restore the initial noise estimate")
    }

    func testInvokeAllocatesNothing() throws {
        guard swiftlet_malloc_counter_available() == 1 else { throw XCTSkip("allocation counting needs glibc") }
        for (name, resolver) in [("audio_frontend", Self.frontEnd), ("circular_buffer", OpResolver([.circularBuffer])),
                                 ("framer_no_prefill", Self.framing), ("stacker_left2_right1", Self.framing), ("delay_rows", Self.framing),
                                 ("overlap_add_float", Self.framing), ("irfft_int16_512", Self.framing), ("irfft_int32_256", Self.framing),
                                 ("irfft_float_512", Self.framing), ("rfft_int32_512", Self.framing), ("rfft_float_512", Self.framing)] {
            let fixture = try FixtureRun(name: name, root: Self.root)
            try withExactArena(model: fixture.file.model, resolver: resolver) { interpreter in
                swiftlet_malloc_counter_start()
                for _ in 0..<3 { try interpreter.invoke() }
                XCTAssertEqual(swiftlet_malloc_counter_stop(), 0, "\(name): invoke() allocated on the heap")
            }
        }
    }

    /// Options that are missing or damaged give a clear error naming the operator.
    func testMissingCustomKernelAndBadOptionsAreReported() throws {
        let fixture = try FixtureRun(name: "audio_frontend", root: Self.root)
        var probe = try MicroInterpreter(model: fixture.file.model, resolver: OpResolver([.signalWindow, .reshape]),
                                         arena: UnsafeMutableRawBufferPointer(start: nil, count: 0))
        XCTAssertThrowsError(try probe.allocateTensors()) { error in
            XCTAssertTrue("\(error)".contains("custom operator"), "\(error)")
        }
        // Truncate every FlexBuffer of the model by damaging its root width byte.
        var bytes = try Array(Data(contentsOf: Self.root.appendingPathComponent("audio_frontend/model.tflite")))
        let model = fixture.file.model
        let options = model.subgraphs[0].operators[0].customOptions
        let base = try XCTUnwrap(model.bytes.baseAddress)
        let rootWidth = options.baseAddress! - UnsafeRawPointer(base) + options.count - 1
        bytes[rootWidth] = 3
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
        defer { storage.deallocate() }
        storage.copyMemory(from: bytes.withUnsafeBytes { $0 })
        do {
            let damaged = try Model(bytes: UnsafeRawBufferPointer(storage))
            var interpreter = try MicroInterpreter(model: damaged, resolver: Self.frontEnd, arena: UnsafeMutableRawBufferPointer(start: nil, count: 0))
            XCTAssertThrowsError(try interpreter.allocateTensors()) { error in
                XCTAssertTrue("\(error)".contains("FlexBuffers"), "\(error)")
                XCTAssertTrue("\(error)".contains("SignalWindow"), "\(error)")
            }
        }
    }
}
