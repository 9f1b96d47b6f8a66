import Foundation
import XCTest
import SwiftletFormat
import SwiftletMicro
import SwiftletTools

/// RESHAPE, SQUEEZE, EXPAND_DIMS, PAD, PADV2, CONCATENATION, STRIDED_SLICE and
/// TRANSPOSE: the golden fixtures bit for bit, the planner's in-place reshape,
/// and the index semantics TFLM's fixtures do not reach (negative strides,
/// shrink, ellipsis, new axes, offset, 6-D transposes, every element width).
final class DataMovementKernelTests: XCTestCase {
    static var kernels: [KernelRegistration] {
        [.reshape, .squeeze, .expandDims, .pad, .padV2, .concatenation, .stridedSlice, .transpose]
    }
    static let prefixes = ["reshape_", "squeeze_", "expand_dims_", "pad_", "padv2_", "concat_", "strided_slice_", "transpose_"]

    static func fixtureNames() throws -> [String] {
        try FixtureRun.names().filter { name in
            !name.hasPrefix("transpose_conv") && prefixes.contains { name.hasPrefix($0) }
        }
    }

    /// Every data-movement fixture, bit-exact with TFLM.
    func testDataMovementFixtures() throws {
        let names = try Self.fixtureNames()
        XCTAssertGreaterThanOrEqual(names.count, 18)
        let summary = try BitExact.check(names, resolver: OpResolver(Self.kernels))
        XCTAssertEqual(summary.skipped, [])
        XCTAssertEqual(summary.exact.count, names.count)
        print("data movement bit-exact: \(summary.exact.joined(separator: ", "))")
        print("arena (Swiftlet vs TFLM):\n  " + summary.arenaLines.joined(separator: "\n  "))
    }

    /// The reshape-like fixtures again with aliasing off, so `eval` takes the copy path.
    func testReshapeLikeFixturesWithoutAliasing() throws {
        let names = try Self.fixtureNames().filter { $0.hasPrefix("reshape_") || $0.hasPrefix("squeeze_") || $0.hasPrefix("expand_dims_") }
        let resolver = OpResolver([Self.unaliased(.reshape), Self.unaliased(.squeeze), Self.unaliased(.expandDims)])
        let summary = try BitExact.check(names, resolver: resolver)
        XCTAssertEqual(summary.skipped, [])
        XCTAssertEqual(summary.exact.count, names.count)
    }

    static func unaliased(_ registration: KernelRegistration) -> KernelRegistration {
        KernelRegistration(code: registration.code, aliasesInputToOutput: false, prepare: registration.prepare, eval: registration.eval)
    }

    // MARK: - Aliasing

    /// RESHAPE's output lives in its input's memory after `allocateTensors()`, and the arena is smaller for it.
    func testReshapeOutputSharesInputMemory() throws {
        let fixture = try FixtureRun(name: "reshape_float")
        let model = fixture.file.model
        let aliased = OpResolver([.reshape])
        let copying = OpResolver([Self.unaliased(.reshape)])
        let aliasedBytes = try MicroInterpreter.requiredArenaBytes(model: model, resolver: aliased)
        let copyingBytes = try MicroInterpreter.requiredArenaBytes(model: model, resolver: copying)
        XCTAssertLessThan(aliasedBytes, copyingBytes)

        let (outputs, interpreter, arena) = try fixture.run(resolver: aliased, arenaBytes: aliasedBytes)
        defer { arena.deallocate() }
        let input = try interpreter.tensor(0), output = try interpreter.tensor(2)
        XCTAssertEqual(input.elementCount, 24)
        XCTAssertEqual(output.elementCount, 24)
        XCTAssertNotNil(input.data)
        XCTAssertEqual(input.data, output.data, "the output shares the input's memory")
        XCTAssertEqual(try interpreter.input(0).data, try interpreter.output(0).data)
        XCTAssertEqual(interpreter.headBytes, 96, "one 96-byte activation buffer, not two")
        XCTAssertEqual(outputs[0], fixture.expected[0].data)

        let (_, copyingInterpreter, copyingArena) = try fixture.run(resolver: copying, arenaBytes: copyingBytes)
        defer { copyingArena.deallocate() }
        XCTAssertNotEqual(try copyingInterpreter.tensor(0).data, try copyingInterpreter.tensor(2).data)
        XCTAssertEqual(copyingInterpreter.headBytes - interpreter.headBytes, 96)
    }

    /// An input still needed later is not aliased; the last reshape of it is.
    func testReshapeDoesNotAliasAnInputThatLivesOn() throws {
        var builder = KernelTestModel()
        let x = builder.activation([2, 3], .float32)
        let y = builder.activation([3, 2], .float32)
        let z = builder.activation([6], .float32)
        let values: [Float] = [1, 2, 3, 4, 5, 6]
        let run = try builder.run(
            operators: [(.reshape, nil, [x], y), (.reshape, nil, [x], z)],
            inputs: [(x, bytes(values))], outputs: [y, z], resolver: OpResolver([.reshape]))
        XCTAssertEqual(floats(run.outputs[0]), values)
        XCTAssertEqual(floats(run.outputs[1]), values)
        XCTAssertNotEqual(run.pointers[Int(x)], run.pointers[Int(y)])
        XCTAssertEqual(run.pointers[Int(x)], run.pointers[Int(z)])
    }

    func testReshapeAcceptsOneInputAndChecksCounts() throws {
        var builder = KernelTestModel()
        let x = builder.activation([2, 2], .int16)
        let y = builder.activation([4], .int16)
        let run = try builder.run(operators: [(.reshape, nil, [x], y)], inputs: [(x, bytes([Int16(1), -2, 3, -4]))], outputs: [y],
                                  resolver: OpResolver([.reshape]))
        XCTAssertEqual(int16s(run.outputs[0]), [1, -2, 3, -4])

        var bad = KernelTestModel()
        let a = bad.activation([2, 2], .int8)
        let b = bad.activation([5], .int8)
        XCTAssertThrowsError(try bad.run(operators: [(.reshape, nil, [a], b)], inputs: [(a, [1, 2, 3, 4])], outputs: [b],
                                         resolver: OpResolver([.reshape])))
    }

    func testSqueezeAllUnitDimensionsAndExpandDimsNegativeAxis() throws {
        var builder = KernelTestModel()
        let x = builder.activation([1, 3, 1], .int32)
        let y = builder.activation([3], .int32)
        let axis = builder.constant([] as [Int32], .int32, bytes([Int32(-1)]))
        let z = builder.activation([3, 1], .int32)
        let run = try builder.run(
            operators: [(.squeeze, TableValue(.squeezeOptions), [x], y), (.expandDims, TableValue(.expandDimsOptions), [y, axis], z)],
            inputs: [(x, bytes([Int32(7), 8, 9]))], outputs: [z], resolver: OpResolver(Self.kernels))
        XCTAssertEqual(int32s(run.outputs[0]), [7, 8, 9])

        var bad = KernelTestModel()
        let a = bad.activation([1, 3], .int32)
        let b = bad.activation([1, 3], .int32)
        var options = TableValue(.squeezeOptions)
        options["squeeze_dims"] = .int32s([1])
        XCTAssertThrowsError(try bad.run(operators: [(.squeeze, options, [a], b)], inputs: [(a, bytes([Int32(1), 2, 3]))],
                                         outputs: [b], resolver: OpResolver([.squeeze])))
    }

    // MARK: - PAD / PADV2

    func testPadV2Int16WithConstantValue() throws {
        var builder = KernelTestModel()
        let x = builder.activation([2, 2], .int16)
        let paddings = builder.constant([2, 2], .int32, bytes([Int32(1), 0, 0, 2]))
        let value = builder.constant([] as [Int32], .int16, bytes([Int16(-7)]))
        let y = builder.activation([3, 4], .int16)
        let run = try builder.run(operators: [(.padv2, TableValue(.padV2Options), [x, paddings, value], y)],
                                  inputs: [(x, bytes([Int16(1), 2, 3, 4]))], outputs: [y], resolver: OpResolver([.padV2]))
        XCTAssertEqual(int16s(run.outputs[0]), [-7, -7, -7, -7, 1, 2, -7, -7, 3, 4, -7, -7])
    }

    func testPadInt8PadsWithTheOutputZeroPointAndInt64Paddings() throws {
        var builder = KernelTestModel()
        let quantization = QuantizationDefinition(scale: [0.5], zeroPoint: [-3])
        let x = builder.activation([1, 2, 1], .int8, quantization: quantization)
        let paddings = builder.constant([3, 2], .int64, bytes([Int64(0), 0, 1, 1, 0, 1]))
        let y = builder.activation([1, 4, 2], .int8, quantization: quantization)
        let run = try builder.run(operators: [(.pad, TableValue(.padOptions), [x, paddings], y)],
                                  inputs: [(x, [10, 20])], outputs: [y], resolver: OpResolver([.pad]))
        XCTAssertEqual(int8s(run.outputs[0]), [-3, -3, 10, -3, 20, -3, -3, -3])
    }

    func testPadFloatFiveDimensionsMatchesNaivePadding() throws {
        let inputShape = [2, 1, 3, 2, 2]
        let pads = [(1, 0), (0, 0), (2, 1), (0, 0), (1, 1)]
        let outputShape = zip(inputShape, pads).map { $0 + $1.0 + $1.1 }
        var builder = KernelTestModel()
        let x = builder.activation(inputShape.map(Int32.init), .float32)
        let paddings = builder.constant([5, 2], .int32, bytes(pads.flatMap { [Int32($0.0), Int32($0.1)] }))
        let y = builder.activation(outputShape.map(Int32.init), .float32)
        let values = (0..<inputShape.reduce(1, *)).map { Float($0) + 0.25 }
        let run = try builder.run(operators: [(.pad, nil, [x, paddings], y)], inputs: [(x, bytes(values))], outputs: [y],
                                  resolver: OpResolver([.pad]))
        var expected: [Float] = []
        forEachIndex(outputShape) { index in
            let source = zip(index, pads).map { $0 - $1.0 }
            if zip(source, inputShape).allSatisfy({ $0 >= 0 && $0 < $1 }) {
                expected.append(values[flatIndex(source, inputShape)])
            } else {
                expected.append(0)
            }
        }
        XCTAssertEqual(floats(run.outputs[0]), expected)
    }

    func testPadRejectsNegativePaddingsAndWrongShapes() throws {
        var builder = KernelTestModel()
        let x = builder.activation([4], .float32)
        let paddings = builder.constant([1, 2], .int32, bytes([Int32(-1), 1]))
        let y = builder.activation([4], .float32)
        XCTAssertThrowsError(try builder.run(operators: [(.pad, nil, [x, paddings], y)], inputs: [(x, bytes([Float](repeating: 1, count: 4)))],
                                             outputs: [y], resolver: OpResolver([.pad])))
        var other = KernelTestModel()
        let a = other.activation([4], .float32)
        let p = other.constant([1, 2], .int32, bytes([Int32(1), 1]))
        let b = other.activation([5], .float32)
        XCTAssertThrowsError(try other.run(operators: [(.pad, nil, [a, p], b)], inputs: [(a, bytes([Float](repeating: 1, count: 4)))],
                                           outputs: [b], resolver: OpResolver([.pad])))
    }

    // MARK: - CONCATENATION

    func testConcatenationNegativeAxisThreeInputs() throws {
        var builder = KernelTestModel()
        let a = builder.activation([2, 1], .int16)
        let b = builder.activation([2, 2], .int16)
        let c = builder.constant([2, 1], .int16, bytes([Int16(90), 91]))
        let y = builder.activation([2, 4], .int16)
        var options = TableValue(.concatenationOptions)
        options["axis"] = .int(-1)
        let run = try builder.run(operators: [(.concatenation, options, [a, b, c], y)],
                                  inputs: [(a, bytes([Int16(1), 2])), (b, bytes([Int16(10), 11, 20, 21]))], outputs: [y],
                                  resolver: OpResolver([.concatenation]))
        XCTAssertEqual(int16s(run.outputs[0]), [1, 10, 11, 90, 2, 20, 21, 91])
    }

    func testConcatenationInt64AndBoolOnAxisZero() throws {
        var builder = KernelTestModel()
        let a = builder.activation([1, 2], .int64)
        let b = builder.activation([2, 2], .int64)
        let y = builder.activation([3, 2], .int64)
        let p = builder.activation([2], .bool)
        let q = builder.activation([1], .bool)
        let r = builder.activation([3], .bool)
        let run = try builder.run(
            operators: [(.concatenation, TableValue(.concatenationOptions), [a, b], y), (.concatenation, TableValue(.concatenationOptions), [p, q], r)],
            inputs: [(a, bytes([Int64.min, 5])), (b, bytes([Int64(6), 7, 8, Int64.max])), (p, [1, 0]), (q, [1])],
            outputs: [y, r], resolver: OpResolver([.concatenation]))
        XCTAssertEqual(elements(run.outputs[0], as: Int64.self), [Int64.min, 5, 6, 7, 8, Int64.max])
        XCTAssertEqual(run.outputs[1], [1, 0, 1])
    }

    /// Like TFLM, int8 inputs are copied unchanged even when their scale differs from the output's.
    func testConcatenationInt8CopiesWithoutRequantizing() throws {
        var builder = KernelTestModel()
        let a = builder.activation([2], .int8, quantization: QuantizationDefinition(scale: [0.1], zeroPoint: [0]))
        let b = builder.activation([1], .int8, quantization: QuantizationDefinition(scale: [0.3], zeroPoint: [4]))
        let y = builder.activation([3], .int8, quantization: QuantizationDefinition(scale: [0.2], zeroPoint: [1]))
        let run = try builder.run(operators: [(.concatenation, TableValue(.concatenationOptions), [a, b], y)],
                                  inputs: [(a, [5, 250]), (b, [9])], outputs: [y], resolver: OpResolver([.concatenation]))
        XCTAssertEqual(run.outputs[0], [5, 250, 9])
    }

    func testConcatenationRejectsFusedActivationAndMismatchedShapes() throws {
        var builder = KernelTestModel()
        let a = builder.activation([2], .float32)
        let b = builder.activation([2], .float32)
        let y = builder.activation([4], .float32)
        var relu = TableValue(.concatenationOptions)
        relu["fused_activation_function"] = .int(Int64(ActivationFunction.relu.rawValue))
        XCTAssertThrowsError(try builder.run(operators: [(.concatenation, relu, [a, b], y)], inputs: [(a, bytes([Float(1), 2])), (b, bytes([Float(3), 4]))],
                                             outputs: [y], resolver: OpResolver([.concatenation])))
        var other = KernelTestModel()
        let c = other.activation([2, 2], .float32)
        let d = other.activation([3, 1], .float32)
        let z = other.activation([2, 3], .float32)
        var options = TableValue(.concatenationOptions)
        options["axis"] = .int(1)
        XCTAssertThrowsError(try other.run(operators: [(.concatenation, options, [c, d], z)],
                                           inputs: [(c, bytes([Float](repeating: 0, count: 4))), (d, bytes([Float](repeating: 0, count: 3)))],
                                           outputs: [z], resolver: OpResolver([.concatenation])))
    }

    // MARK: - STRIDED_SLICE

    struct Slice {
        var begin: [Int32]
        var end: [Int32]
        var strides: [Int32]
        var beginMask: Int64 = 0
        var endMask: Int64 = 0
        var ellipsisMask: Int64 = 0
        var newAxisMask: Int64 = 0
        var shrinkAxisMask: Int64 = 0
        var offset = false
    }

    /// Runs STRIDED_SLICE on int32 `0..<count(shape)` and returns the values.
    fileprivate func slice(_ shape: [Int32], _ slice: Slice, outputShape: [Int32], type: TensorType = .int32) throws -> [Int32] {
        var builder = KernelTestModel()
        let x = builder.activation(shape, .int32)
        let begin = builder.constant([Int32(slice.begin.count)], .int32, bytes(slice.begin))
        let end = builder.constant([Int32(slice.end.count)], .int32, bytes(slice.end))
        let strides = builder.constant([Int32(slice.strides.count)], .int32, bytes(slice.strides))
        let y = builder.activation(outputShape, .int32)
        var options = TableValue(.stridedSliceOptions)
        options["begin_mask"] = .int(slice.beginMask)
        options["end_mask"] = .int(slice.endMask)
        options["ellipsis_mask"] = .int(slice.ellipsisMask)
        options["new_axis_mask"] = .int(slice.newAxisMask)
        options["shrink_axis_mask"] = .int(slice.shrinkAxisMask)
        options["offset"] = .bool(slice.offset)
        let count = shape.reduce(1) { $0 * Int($1) }
        let run = try builder.run(operators: [(.stridedSlice, options, [x, begin, end, strides], y)],
                                  inputs: [(x, bytes((0..<count).map { Int32($0) }))], outputs: [y], resolver: OpResolver([.stridedSlice]))
        return int32s(run.outputs[0])
    }

    func testStridedSliceNegativeStrides() throws {
        XCTAssertEqual(try slice([10], Slice(begin: [0], end: [0], strides: [-1], beginMask: 1, endMask: 1), outputShape: [10]),
                       [9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
        XCTAssertEqual(try slice([10], Slice(begin: [8], end: [2], strides: [-2]), outputShape: [3]), [8, 6, 4])
        XCTAssertEqual(try slice([10], Slice(begin: [-2], end: [-20], strides: [-3]), outputShape: [3]), [8, 5, 2])
        // x[::-1, 1::2] on 3×4
        XCTAssertEqual(try slice([3, 4], Slice(begin: [0, 1], end: [0, 0], strides: [-1, 2], beginMask: 1, endMask: 3), outputShape: [3, 2]),
                       [9, 11, 5, 7, 1, 3])
    }

    func testStridedSliceClampsOutOfRangeIndices() throws {
        XCTAssertEqual(try slice([5], Slice(begin: [-100], end: [100], strides: [2]), outputShape: [3]), [0, 2, 4])
        XCTAssertEqual(try slice([5], Slice(begin: [3], end: [1], strides: [1]), outputShape: [0]), [])
    }

    func testStridedSliceShrinkAxis() throws {
        // x[1] on 3×4 → row 1; x[:, -1] → last column.
        XCTAssertEqual(try slice([3, 4], Slice(begin: [1, 0], end: [2, 0], strides: [1, 1], endMask: 2, shrinkAxisMask: 1), outputShape: [4]),
                       [4, 5, 6, 7])
        XCTAssertEqual(try slice([3, 4], Slice(begin: [0, -1], end: [0, 0], strides: [1, 1], beginMask: 1, endMask: 1, shrinkAxisMask: 2),
                                 outputShape: [3]), [3, 7, 11])
        XCTAssertThrowsError(try slice([3, 4], Slice(begin: [5, 0], end: [6, 0], strides: [1, 1], endMask: 2, shrinkAxisMask: 1), outputShape: [4]))
    }

    func testStridedSliceEllipsisNewAxisOffsetAndShortSpecs() throws {
        // x[..., 1] on 2×3×4
        let expected: [Int32] = (0..<6).map { Int32($0 * 4 + 1) }
        XCTAssertEqual(try slice([2, 3, 4], Slice(begin: [0, 1], end: [0, 2], strides: [1, 1], ellipsisMask: 1, shrinkAxisMask: 2),
                                 outputShape: [2, 3]), expected)
        // x[1, ...] on 2×3×4
        XCTAssertEqual(try slice([2, 3, 4], Slice(begin: [1, 0], end: [2, 0], strides: [1, 1], ellipsisMask: 2, shrinkAxisMask: 1),
                                 outputShape: [3, 4]), (12..<24).map { Int32($0) })
        // x[tf.newaxis, 1:3] on [10]
        XCTAssertEqual(try slice([10], Slice(begin: [0, 1], end: [0, 3], strides: [1, 1], newAxisMask: 1), outputShape: [1, 2]), [1, 2])
        // x[1:3] on 3×4 (the spec names fewer axes than the input has)
        XCTAssertEqual(try slice([3, 4], Slice(begin: [1], end: [3], strides: [1]), outputShape: [2, 4]), (4..<12).map { Int32($0) })
        // offset: end counts from begin → x[2:5]
        XCTAssertEqual(try slice([10], Slice(begin: [2], end: [3], strides: [1], offset: true), outputShape: [3]), [2, 3, 4])
    }

    func testStridedSliceRejectsZeroStrideAndWrongOutputShape() throws {
        XCTAssertThrowsError(try slice([4], Slice(begin: [0], end: [4], strides: [0]), outputShape: [4]))
        XCTAssertThrowsError(try slice([4], Slice(begin: [0], end: [4], strides: [2]), outputShape: [3]))
    }

    // MARK: - TRANSPOSE

    func testTransposeSixDimensionsEveryWidth() throws {
        let shape = [2, 3, 1, 2, 3, 2]
        let perm = [5, 3, 0, 4, 2, 1]
        let outputShape = perm.map { shape[$0] }
        let count = shape.reduce(1, *)
        var expected: [Int] = []
        forEachIndex(outputShape) { index in
            var source = [Int](repeating: 0, count: shape.count)
            for (axis, value) in index.enumerated() { source[perm[axis]] = value }
            expected.append(flatIndex(source, shape))
        }
        for type in [TensorType.int8, .int16, .int32, .float32] {
            var builder = KernelTestModel()
            let x = builder.activation(shape.map(Int32.init), type)
            let p = builder.constant([6], .int32, bytes(perm.map(Int32.init)))
            let y = builder.activation(outputShape.map(Int32.init), type)
            let input: [UInt8]
            switch type {
            case .int8: input = (0..<count).map { UInt8($0) }
            case .int16: input = bytes((0..<count).map { Int16($0) })
            case .float32: input = bytes((0..<count).map { Float($0) })
            default: input = bytes((0..<count).map { Int32($0) })
            }
            let run = try builder.run(operators: [(.transpose, TableValue(.transposeOptions), [x, p], y)], inputs: [(x, input)], outputs: [y],
                                      resolver: OpResolver([.transpose]))
            let got: [Int]
            switch type {
            case .int8: got = run.outputs[0].map { Int($0) }
            case .int16: got = int16s(run.outputs[0]).map { Int($0) }
            case .float32: got = floats(run.outputs[0]).map { Int($0) }
            default: got = int32s(run.outputs[0]).map { Int($0) }
            }
            XCTAssertEqual(got, expected, "\(type)")
        }
    }

    func testTransposeRejectsBadPermutations() throws {
        var builder = KernelTestModel()
        let x = builder.activation([2, 3], .float32)
        let p = builder.constant([2], .int32, bytes([Int32(0), 0]))
        let y = builder.activation([2, 2], .float32)
        XCTAssertThrowsError(try builder.run(operators: [(.transpose, nil, [x, p], y)], inputs: [(x, bytes([Float](repeating: 0, count: 6)))],
                                             outputs: [y], resolver: OpResolver([.transpose])))
    }
}

// MARK: - Helpers

/// Calls `body` with every index of `shape`, row-major.
fileprivate func forEachIndex(_ shape: [Int], _ body: ([Int]) -> Void) {
    guard !shape.contains(0) else { return }
    var index = [Int](repeating: 0, count: shape.count)
    while true {
        body(index)
        var axis = shape.count - 1
        while axis >= 0 {
            index[axis] += 1
            if index[axis] < shape[axis] { break }
            index[axis] = 0
            axis -= 1
        }
        if axis < 0 { return }
    }
}

/// The row-major position of `index` in `shape`.
fileprivate func flatIndex(_ index: [Int], _ shape: [Int]) -> Int {
    var position = 0
    for (value, size) in zip(index, shape) { position = position * size + value }
    return position
}
