import Foundation
import MallocCounter
import XCTest
import SwiftletFormat
import SwiftletMicro
import SwiftletTools

/// TFLite_Detection_PostProcess against the real TFLM (Tests/Fixtures/detection, from
/// `bash Tools/fixtures/generate.sh detection`): every detection TFLM writes must be
/// bit-identical (boxes, classes, scores) and the counts equal.
final class DetectionPostProcessTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/detection")
    static var resolver: OpResolver { OpResolver([.detectionPostProcess]) }

    static func index() throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("index.json"))) as? [String: Any])
    }

    static func floats(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count, by: 4).map {
            Float(bitPattern: UInt32(bytes[$0]) | UInt32(bytes[$0 + 1]) << 8 | UInt32(bytes[$0 + 2]) << 16 | UInt32(bytes[$0 + 3]) << 24)
        }
    }

    /// The slots TFLM writes: all of them for regular NMS; k·(j·k + c) for fast NMS's j-th output.
    static func writtenSlots(options: [String: Any], detections: Int, slots: Int) -> [Int] {
        if options["use_regular_nms"] as? Bool == true { return Array(0..<slots) }
        let k = min(options["max_classes_per_detection"] as? Int ?? 1, options["num_classes"] as? Int ?? 1)
        return (0..<detections).map { k * $0 + $0 % k }
    }

    func testEveryFixtureMatchesTFLMBitForBit() throws {
        let names = try XCTUnwrap(Self.index()["fixtures"] as? [String])
        XCTAssertGreaterThanOrEqual(names.count, 10)
        var compared = 0, detections = 0
        for name in names {
            let fixture = try FixtureRun(name: name, root: Self.root)
            let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf:
                Self.root.appendingPathComponent(name).appendingPathComponent("manifest.json"))) as? [String: Any])
            let options = try XCTUnwrap(manifest["options"] as? [String: Any])
            let arenaBytes = try MicroInterpreter.requiredArenaBytes(model: fixture.file.model, resolver: Self.resolver)
            let (outputs, _, arena) = try fixture.run(resolver: Self.resolver, arenaBytes: arenaBytes)
            defer { arena.deallocate() }
            let got = outputs.map(Self.floats), expected = fixture.expected.map { Self.floats($0.data) }
            let samples = expected[3].count
            let slots = expected[1].count / samples
            XCTAssertEqual(got[3], expected[3], "\(name): detection counts")
            for sample in 0..<samples {
                let count = Int(expected[3][sample])
                detections += count
                for slot in Self.writtenSlots(options: options, detections: count, slots: slots) {
                    let at = sample * slots + slot
                    XCTAssertEqual(got[1][at].bitPattern, expected[1][at].bitPattern, "\(name) sample \(sample) slot \(slot): class")
                    XCTAssertEqual(got[2][at].bitPattern, expected[2][at].bitPattern, "\(name) sample \(sample) slot \(slot): score")
                    for coordinate in 0..<4 {
                        XCTAssertEqual(got[0][4 * at + coordinate].bitPattern, expected[0][4 * at + coordinate].bitPattern,
                                       "\(name) sample \(sample) slot \(slot): box coordinate \(coordinate)")
                    }
                    compared += 1
                }
            }
            let tflm = manifest["tflm_arena_bytes"] as? Int ?? -1
            print("detection fixture \(name): \(samples) samples, counts \(expected[3].map { Int($0) }); arena Swiftlet \(arenaBytes) B, TFLM \(tflm) B")
        }
        XCTAssertGreaterThan(detections, 100, "the fixtures should detect something")
        XCTAssertGreaterThan(compared, detections)
    }

    /// Fast NMS leaves the slots it does not write as they were; regular NMS zeroes the ones past the count.
    func testUnwrittenSlots() throws {
        for (name, regular) in [("fast_ssd", false), ("threshold_cuts_all_regular", true)] {
            let fixture = try FixtureRun(name: name, root: Self.root)
            try withExactArena(model: fixture.file.model, resolver: Self.resolver) { interpreter in
                let scores = try interpreter.output(2)
                let slots = scores.byteCount / 4
                let pointer = scores.data!.assumingMemoryBound(to: Float.self)
                for slot in 0..<slots { pointer[slot] = -7 }
                for (index, array) in fixture.inputs.enumerated() {
                    let view = try interpreter.input(index)
                    array.data.withUnsafeBytes { view.data!.copyMemory(from: $0.baseAddress!, byteCount: view.byteCount) }
                }
                try interpreter.invoke()
                let count = Int(try interpreter.output(3).data!.assumingMemoryBound(to: Float.self)[0])
                for slot in count..<slots {
                    XCTAssertEqual(pointer[slot], regular ? 0 : -7, "\(name) slot \(slot)")
                }
            }
        }
    }

    /// A box that decodes to no height (exp underflows to 0) fails the invoke, as in TFLM.
    func testDegenerateBoxFailsTheInvoke() throws {
        let fixture = try FixtureRun(name: "ties_regular", root: Self.root)
        try withExactArena(model: fixture.file.model, resolver: Self.resolver) { interpreter in
            for (index, array) in fixture.inputs.enumerated() {
                let view = try interpreter.input(index)
                array.data.withUnsafeBytes { view.data!.copyMemory(from: $0.baseAddress!, byteCount: view.byteCount) }
            }
            try interpreter.invoke()
            // h encoding of anchor 5: h/h_scale = -1000, so the half height is 0 and ymin == ymax.
            try interpreter.input(0).data!.assumingMemoryBound(to: Float.self)[5 * 4 + 2] = -5000
            XCTAssertThrowsError(try interpreter.invoke()) { error in
                XCTAssertTrue("\(error)".contains("ymin"), "\(error)")
            }
        }
    }

    func testInvokeAllocatesNothing() throws {
        guard swiftlet_malloc_counter_available() == 1 else { throw XCTSkip("allocation counting needs glibc") }
        for name in ["regular_ssd", "fast_three_classes_per_detection"] {
            let fixture = try FixtureRun(name: name, root: Self.root)
            try withExactArena(model: fixture.file.model, resolver: Self.resolver) { interpreter in
                for (index, array) in fixture.inputs.enumerated() {
                    let view = try interpreter.input(index)
                    array.data.withUnsafeBytes { view.data!.copyMemory(from: $0.baseAddress!, byteCount: view.byteCount) }
                }
                swiftlet_malloc_counter_start()
                for _ in 0..<3 { try interpreter.invoke() }
                XCTAssertEqual(swiftlet_malloc_counter_stop(), 0, "\(name): invoke() allocated on the heap")
            }
        }
    }

    private func allocationError(_ file: String) throws -> String {
        let model = try ModelFile(path: Self.root.appendingPathComponent("malformed").appendingPathComponent(file).path)
        var interpreter = try MicroInterpreter(model: model.model, resolver: Self.resolver,
                                               arena: UnsafeMutableRawBufferPointer(start: nil, count: 0))
        do {
            try interpreter.allocateTensors()
        } catch {
            return "\(error)"
        }
        XCTFail("\(file): allocateTensors() accepted the model")
        return ""
    }

    /// A missing key or a value of the wrong type is reported naming the operator and what is wrong.
    func testMalformedOptionsAreReported() throws {
        let names = try XCTUnwrap(Self.index()["malformed"] as? [String])
        XCTAssertEqual(names.count, 5)
        let missing = try allocationError("missing_num_classes.tflite")
        XCTAssertTrue(missing.contains("TFLite_Detection_PostProcess") && missing.contains("num_classes"), missing)
        let missingScale = try allocationError("missing_y_scale.tflite")
        XCTAssertTrue(missingScale.contains("y_scale"), missingScale)
        let string = try allocationError("string_nms_iou_threshold.tflite")
        XCTAssertTrue(string.contains("TFLite_Detection_PostProcess") && string.contains("\"nms_iou_threshold\"")
                      && string.contains("not a number"), string)
        let vector = try allocationError("vector_max_detections.tflite")
        XCTAssertTrue(vector.contains("\"max_detections\"") && vector.contains("not a number"), vector)
        let list = try allocationError("options_not_a_map.tflite")
        XCTAssertTrue(list.contains("not a map"), list)
        print("malformed options: \(missing) | \(string) | \(vector) | \(list)")
    }

    /// TFLM fails on int8/uint8 inputs; Swiftlet refuses them when allocating, naming the tensor.
    func testQuantizedInputsAreRefused() throws {
        let refused = try XCTUnwrap(Self.index()["tflm_refuses_input_types"] as? [String])
        XCTAssertEqual(refused, ["int8", "uint8"])
        let error = try allocationError("int8_inputs.tflite")
        XCTAssertTrue(error.contains("INT8") && error.contains("TFLite_Detection_PostProcess"), error)
    }

    /// `swiftlet resolver` registers the kernel and `swiftlet inspect` counts it as supported (float32, as TFLM).
    func testResolverExportAndInspectKnowTheKernel() throws {
        let path = Self.root.appendingPathComponent("regular_ssd/model.tflite").path
        let file = try ModelFile(path: path)
        let needs = try ResolverExporter.requirements(of: file.model, path: path)
        XCTAssertEqual(needs.registrations, ["detectionPostProcess"])
        let report = ModelReport(model: file.model)
        XCTAssertTrue(report.swiftletRunsModel)
        XCTAssertTrue(report.tflmRunsModel)
        XCTAssertEqual(report.operatorSupport.map(\.type), ["FLOAT32"])
        XCTAssertTrue(OperatorSupport.covers(OperatorSupport.swiftlet["TFLite_Detection_PostProcess"], "FLOAT32"))
        XCTAssertFalse(OperatorSupport.covers(OperatorSupport.swiftlet["TFLite_Detection_PostProcess"], "INT8"))
        let int8 = try ModelFile(path: Self.root.appendingPathComponent("malformed/int8_inputs.tflite").path)
        let int8Report = ModelReport(model: int8.model)
        XCTAssertEqual(int8Report.operatorSupport.map(\.type), ["INT8"])
        XCTAssertFalse(int8Report.swiftletRunsModel)
        XCTAssertFalse(int8Report.tflmRunsModel, "TFLM fails on int8 inputs")
    }
}
