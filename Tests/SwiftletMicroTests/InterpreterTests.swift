import Foundation
import MallocCounter
import XCTest
import SwiftletFormat
import SwiftletMicro
import SwiftletTools

/// The interpreter's contract: no heap after allocateTensors(), exact arena
/// figures, clear errors.
final class InterpreterTests: XCTestCase {
    private func model(_ name: String) throws -> ModelFile {
        try ModelFile(path: FixtureRun.root.appendingPathComponent(name).appendingPathComponent("model.tflite").path)
    }

    func testInvokeAllocatesNothing() throws {
        guard swiftlet_malloc_counter_available() == 1 else { throw XCTSkip("allocation counting needs glibc") }
        var checked = 0
        for name in try FixtureRun.names() {
            let file = try model(name)
            guard let needed = try? MicroInterpreter.requiredArenaBytes(model: file.model, resolver: .allBuiltins) else { continue }
            let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: needed, alignment: 16)
            defer { arena.deallocate() }
            // Zeroed, so inputs never fed here (indices, ids) are in range.
            arena.initializeMemory(as: UInt8.self, repeating: 0)
            var interpreter = try MicroInterpreter(model: file.model, resolver: .allBuiltins, arena: arena)
            try interpreter.allocateTensors()
            try interpreter.invoke()  // first call warms nothing up: there is nothing lazy
            swiftlet_malloc_counter_start()
            for _ in 0..<3 { try interpreter.invoke() }
            let allocations = swiftlet_malloc_counter_stop()
            XCTAssertEqual(allocations, 0, "\(name): invoke() allocated on the heap")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 10)
        // The counter itself works: an array allocation is seen.
        swiftlet_malloc_counter_start()
        let array = [Int](repeating: 7, count: Int.random(in: 100...200))
        XCTAssertGreaterThan(swiftlet_malloc_counter_stop(), 0)
        XCTAssertEqual(array[0], 7)
    }

    func testArenaTooSmallGivesTheExactFigure() throws {
        let file = try model("sine_int8")
        let needed = try MicroInterpreter.requiredArenaBytes(model: file.model, resolver: .allBuiltins)
        for size in [0, 16, needed / 2, needed - 16, needed - 1] {
            let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 16)
            defer { arena.deallocate() }
            var interpreter = try MicroInterpreter(model: file.model, resolver: .allBuiltins,
                                                   arena: UnsafeMutableRawBufferPointer(rebasing: arena[0..<size]))
            XCTAssertThrowsError(try interpreter.allocateTensors(), "size \(size)") { error in
                guard case MicroError.arenaTooSmall(let reported, let given) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(reported, needed)
                XCTAssertEqual(given, size)
                XCTAssertTrue("\(error)".contains("\(needed) bytes"))
            }
        }
        // Exactly `needed` works, and an unaligned arena needs only its misalignment more.
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: needed + 16, alignment: 16)
        defer { arena.deallocate() }
        var aligned = try MicroInterpreter(model: file.model, resolver: .allBuiltins, arena: UnsafeMutableRawBufferPointer(rebasing: arena[0..<needed]))
        XCTAssertNoThrow(try aligned.allocateTensors())
        var shifted = try MicroInterpreter(model: file.model, resolver: .allBuiltins, arena: UnsafeMutableRawBufferPointer(rebasing: arena[3..<(needed + 3)]))
        XCTAssertThrowsError(try shifted.allocateTensors()) { error in
            guard case MicroError.arenaTooSmall(let reported, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(reported, needed + 13, "13 bytes skipped to reach 16-byte alignment")
        }
    }

    func testUnregisteredOperatorIsNamed() throws {
        let file = try model("convnet_int8")
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { arena.deallocate() }
        var interpreter = try MicroInterpreter(model: file.model, resolver: OpResolver([.fullyConnected]), arena: arena)
        XCTAssertThrowsError(try interpreter.allocateTensors()) { error in
            guard case MicroError.unsupportedOperator(let code, _, let version, let index) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, BuiltinOperator.conv2D.rawValue)
            XCTAssertEqual(index, 0)
            XCTAssertGreaterThanOrEqual(version, 1)
            XCTAssertTrue("\(error)".contains("CONV_2D"), "\(error)")
            XCTAssertTrue("\(error)".contains("OpResolver"), "\(error)")
        }
        XCTAssertThrowsError(try interpreter.invoke()) { error in
            guard case MicroError.notAllocated = error else { return XCTFail("\(error)") }
        }
    }

    func testWrongTensorTypeIsNamed() throws {
        // A float FULLY_CONNECTED whose filter is int8 without quantized activations (a hybrid model).
        let source = try model("fc_float")  // keeps the bytes the view reads alive
        var definition = try ModelDefinition(reading: source.model)
        let filterIndex = Int(definition.subgraphs[0].operators[0].inputs[1])
        definition.subgraphs[0].tensors[filterIndex].type = .int16
        let bytes = try ModelWriter.serialize(definition)
        let file = try ModelFile(bytes: bytes)
        XCTAssertThrowsError(try MicroInterpreter.requiredArenaBytes(model: file.model, resolver: .allBuiltins)) { error in
            guard case MicroError.unsupportedType(let op, let tensor, let type) = error else { return XCTFail("\(error)") }
            XCTAssertEqual("\(op)", "FULLY_CONNECTED")
            XCTAssertEqual(tensor, filterIndex)
            XCTAssertEqual(type, .int16)
            XCTAssertTrue("\(error)".contains("INT16"), "\(error)")
        }
    }

    func testPlannerReusesMemoryAcrossLifetimes() throws {
        // sine: three activations of 16 floats never all live at once.
        let file = try model("sine_float")
        let needed = try MicroInterpreter.requiredArenaBytes(model: file.model, resolver: .allBuiltins)
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: needed, alignment: 16)
        defer { arena.deallocate() }
        var interpreter = try MicroInterpreter(model: file.model, resolver: .allBuiltins, arena: arena)
        try interpreter.allocateTensors()
        // input (4 B → 16) + hidden 1 (64) + hidden 2 (64) + output (16) = 160 without reuse.
        XCTAssertLessThan(interpreter.headBytes, 160)
        XCTAssertEqual(interpreter.headBytes + interpreter.tailBytes, interpreter.arenaUsedBytes)
    }

    func testOfflineMemoryAllocationIsHonoured() throws {
        let source = try model("sine_float")
        var definition = try ModelDefinition(reading: source.model)
        let tensorCount = definition.subgraphs[0].tensors.count
        // Pin the first hidden activation at offset 512; leave the rest to the planner.
        let pinned = Int(definition.subgraphs[0].operators[0].outputs[0])
        var words: [Int32] = [1, 1, Int32(tensorCount)]
        words += (0..<tensorCount).map { $0 == pinned ? 512 : -1 }
        definition.buffers.append(words.withUnsafeBytes { Array($0) })
        definition.metadata.append(MetadataDefinition(name: "OfflineMemoryAllocation", buffer: UInt32(definition.buffers.count - 1)))
        let file = try ModelFile(bytes: try ModelWriter.serialize(definition))
        let needed = try MicroInterpreter.requiredArenaBytes(model: file.model, resolver: .allBuiltins)
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: needed, alignment: 16)
        defer { arena.deallocate() }
        var interpreter = try MicroInterpreter(model: file.model, resolver: .allBuiltins, arena: arena)
        try interpreter.allocateTensors()
        XCTAssertEqual(try interpreter.tensor(pinned).data! - arena.baseAddress!, 512)
        XCTAssertGreaterThanOrEqual(interpreter.headBytes, 512 + 64)
        // Same outputs as without the plan.
        try interpreter.input(0).elements(as: Float.self)[0] = 1.0
        try interpreter.invoke()
        let planned = try interpreter.output(0).elements(as: Float.self)[0]
        let plain = try FixtureRun(name: "sine_float")
        let (_, reference, referenceArena) = try plain.run(resolver: .allBuiltins, arenaBytes: 4096)
        defer { referenceArena.deallocate() }
        var free = reference
        try free.input(0).elements(as: Float.self)[0] = 1.0
        try free.invoke()
        XCTAssertEqual(planned, try free.output(0).elements(as: Float.self)[0])
    }
}
