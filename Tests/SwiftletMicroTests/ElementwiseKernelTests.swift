import XCTest
import SwiftletFormat
import SwiftletMicro

/// ADD, SUB, MUL, RELU, RELU6, LEAKY_RELU, HARD_SWISH, QUANTIZE and DEQUANTIZE against
/// the real TFLM's outputs (integers bit for bit, floats within 1e-5 relative).
final class ElementwiseKernelTests: XCTestCase {
    /// The kernels the models built here use.
    static var resolver: OpResolver { OpResolver([.add, .sub, .mul, .relu, .relu6, .leakyRelu, .hardSwish, .quantize, .dequantize]) }

    private func check(prefixes: [String], resolver: OpResolver) throws {
        let names = try FixtureRun.names().filter { name in prefixes.contains { name.hasPrefix($0) } }
        XCTAssertFalse(names.isEmpty, "no fixtures for \(prefixes)")
        let summary = try BitExact.check(names, resolver: resolver)
        XCTAssertEqual(summary.skipped, [])
        XCTAssertEqual(summary.exact.sorted(), names.sorted())
    }

    /// ADD: equal shapes (float32, int8, int16x8) and a constant broadcast with fused RELU.
    func testAddFixtures() throws {
        try check(prefixes: ["add_"], resolver: OpResolver([.add]))
    }

    /// SUB with broadcasting on both sides of the shape, float32 and int8.
    func testSubFixtures() throws {
        try check(prefixes: ["sub_"], resolver: OpResolver([.sub]))
    }

    /// MUL with broadcasting, two inputs and a constant, float32 and int8.
    func testMulFixtures() throws {
        try check(prefixes: ["mul_"], resolver: OpResolver([.mul]))
    }

    /// RELU (int8 rescales to the output scale) and RELU6 (int8 clamps raw values, as TFLM).
    func testReluFixtures() throws {
        try check(prefixes: ["relu_", "relu6_"], resolver: OpResolver([.relu, .relu6]))
    }

    /// LEAKY_RELU with alpha 0.2, float32 and int8.
    func testLeakyReluFixtures() throws {
        try check(prefixes: ["leaky_relu_"], resolver: OpResolver([.leakyRelu]))
    }

    /// HARD_SWISH, float32 and int8 (16-bit fixed-point steps).
    func testHardSwishFixtures() throws {
        try check(prefixes: ["hard_swish_"], resolver: OpResolver([.hardSwish]))
    }

    /// QUANTIZE float32 → int8/int16 and DEQUANTIZE back around a quantized FULLY_CONNECTED.
    func testQuantizeDequantizeFixtures() throws {
        try check(prefixes: ["quantize_dequantize_"], resolver: OpResolver([.quantize, .dequantize, .fullyConnected]))
    }

    // MARK: - Broadcasting

    /// float ADD, SUB and MUL over pairs of shapes (ranks 0 to 6, broadcasting on either
    /// side, inner and outer repeats) against naive numpy-style indexing.
    func testFloatBroadcastingMatchesNaiveIndexing() throws {
        let pairs: [([Int], [Int])] = [
            ([2, 3, 4], [4]), ([2, 1, 4], [3, 1]), ([1], [5]), ([4, 1], [1, 3]), ([], [2, 2]), ([2, 3], [2, 3]),
            ([2, 3, 1, 5, 1, 2], [3, 4, 1, 1, 2]), ([1, 2, 1, 3, 1], [2, 1, 4, 1, 5]), ([3, 1, 1], [1, 1, 2]),
            ([2, 1, 3, 4], [2, 5, 1, 4]), ([1, 1, 1], [1, 1, 1]),
        ]
        var random = SeededRandom(seed: 7)
        for (first, second) in pairs {
            for (a, b) in [(first, second), (second, first)] {
                let shape = broadcastShape(a, b)
                let x = (0..<a.reduce(1, *)).map { _ in random.float(-3, 3) }
                let y = (0..<b.reduce(1, *)).map { _ in random.float(-3, 3) }
                for (code, table, function) in [(BuiltinOperator.add, SchemaTable.addOptions, { (u: Float, v: Float) in u + v }),
                                                (.sub, .subOptions, { $0 - $1 }), (.mul, .mulOptions, { $0 * $1 })] {
                    var model = KernelTestModel()
                    let p = model.activation(a, .float32), q = model.activation(b, .float32), r = model.activation(shape, .float32)
                    let result = floats(try model.run(code, TableValue(table), [p, q], r,
                                                      inputs: [(p, bytes(x)), (q, bytes(y))], resolver: Self.resolver))
                    let expected = naiveBroadcast(a, x, b, y, shape, function)
                    XCTAssertEqual(result, expected, "\(code.name.map { "\($0)" } ?? "") \(a) ∘ \(b)")
                }
            }
        }
    }

    /// Fused activations on the float path: MUL with RELU6 and SUB with RELU_N1_TO_1.
    func testFloatFusedActivations() throws {
        var model = KernelTestModel()
        let p = model.activation([4], .float32), q = model.activation([1], .float32), r = model.activation([4], .float32)
        var options = TableValue(.mulOptions)
        options["fused_activation_function"] = .int(Int64(ActivationFunction.relu6.rawValue))
        let product = floats(try model.run(.mul, options, [p, q], r,
                                           inputs: [(p, bytes([Float(-1), 1, 2, 5])), (q, bytes([Float(2)]))], resolver: Self.resolver))
        XCTAssertEqual(product, [0, 2, 4, 6])
        var subOptions = TableValue(.subOptions)
        subOptions["fused_activation_function"] = .int(Int64(ActivationFunction.reluN1To1.rawValue))
        let difference = floats(try model.run(.sub, subOptions, [p, q], r,
                                              inputs: [(p, bytes([Float(-1), 1, 2.5, 5])), (q, bytes([Float(2)]))], resolver: Self.resolver))
        XCTAssertEqual(difference, [-1, -1, 0.5, 1])
    }

    /// Quantized ADD, SUB and MUL (int8 and int16, with fused activations) give the same
    /// bits broadcast as on inputs expanded to the full shape beforehand.
    func testQuantizedBroadcastingMatchesExpandedInputs() throws {
        var random = SeededRandom(seed: 11)
        let pairs: [([Int], [Int])] = [([2, 3, 4], [4]), ([2, 1, 4], [3, 1]), ([1, 2, 1, 3, 1], [2, 1, 4, 1, 5]), ([], [3, 2])]
        for (a, b) in pairs {
            let shape = broadcastShape(a, b)
            for type in [TensorType.int8, .int16] {
                let wide = type == .int16
                let (z1, z2, zo): (Int64, Int64, Int64) = wide ? (0, 0, 0) : (7, -20, 3)
                let (s1, s2, so): (Float, Float, Float) = wide ? (0.0004, 0.0011, 0.0017) : (0.031, 0.052, 0.067)
                let x = (0..<a.reduce(1, *)).map { _ in random.int(wide ? -32768 : -128, wide ? 32767 : 127) }
                let y = (0..<b.reduce(1, *)).map { _ in random.int(wide ? -32768 : -128, wide ? 32767 : 127) }
                let xs = expand(x, a, to: shape), ys = expand(y, b, to: shape)
                for (code, table) in [(BuiltinOperator.add, SchemaTable.addOptions), (.sub, .subOptions), (.mul, .mulOptions)] {
                    for activation in [ActivationFunction.none, .relu] {
                        var options = TableValue(table)
                        options["fused_activation_function"] = .int(Int64(activation.rawValue))
                        func run(_ left: [Int], _ lv: [Int], _ right: [Int], _ rv: [Int]) throws -> [UInt8] {
                            var model = KernelTestModel()
                            let p = model.activation(left, type, scale: s1, zeroPoint: z1)
                            let q = model.activation(right, type, scale: s2, zeroPoint: z2)
                            let r = model.activation(shape, type, scale: so, zeroPoint: zo)
                            return try model.run(code, options, [p, q], r,
                                                 inputs: [(p, integers(lv, type)), (q, integers(rv, type))], resolver: Self.resolver)
                        }
                        let broadcast = try run(a, x, b, y)
                        let expanded = try run(shape, xs, shape, ys)
                        XCTAssertEqual(broadcast, expanded, "\(code.rawValue) \(type.rawValue) \(a) ∘ \(b)")
                    }
                }
            }
        }
    }

    /// int8 ADD, SUB and MUL stay within one step of the real-number result.
    func testQuantizedArithmeticTracksRealArithmetic() throws {
        var random = SeededRandom(seed: 3)
        let (s1, s2, so): (Float, Float, Float) = (0.02, 0.035, 0.09)
        let (z1, z2, zo): (Int, Int, Int) = (-5, 12, -1)
        let x = (0..<64).map { _ in random.int(-128, 127) }, y = (0..<64).map { _ in random.int(-128, 127) }
        for (code, table, function) in [(BuiltinOperator.add, SchemaTable.addOptions, { (u: Double, v: Double) in u + v }),
                                        (.sub, .subOptions, { $0 - $1 }), (.mul, .mulOptions, { $0 * $1 })] {
            var model = KernelTestModel()
            let p = model.activation([64], .int8, scale: s1, zeroPoint: Int64(z1))
            let q = model.activation([64], .int8, scale: s2, zeroPoint: Int64(z2))
            let r = model.activation([64], .int8, scale: code == .mul ? 0.4 : so, zeroPoint: Int64(zo))
            let result = try model.run(code, TableValue(table), [p, q], r,
                                       inputs: [(p, integers(x, .int8)), (q, integers(y, .int8))], resolver: Self.resolver)
            for index in 0..<64 {
                let real = function(Double(s1) * Double(x[index] - z1), Double(s2) * Double(y[index] - z2))
                let ideal = min(max((real / Double(code == .mul ? 0.4 : so)).rounded() + Double(zo), -128), 127)
                XCTAssertLessThanOrEqual(abs(Double(Int8(bitPattern: result[index])) - ideal), 1, "\(code.rawValue) at \(index)")
            }
        }
    }

    /// Shapes that do not broadcast to the output, and ranks above 6, are rejected in prepare.
    func testIncompatibleShapesAreRejected() throws {
        var model = KernelTestModel()
        let p = model.activation([2, 3], .float32), q = model.activation([4], .float32), r = model.activation([2, 3], .float32)
        XCTAssertThrowsError(try model.run(.add, TableValue(.addOptions), [p, q], r,
                                           inputs: [(p, bytes([Float](repeating: 0, count: 6))), (q, bytes([Float](repeating: 0, count: 4)))], resolver: Self.resolver))
        var wrongOutput = KernelTestModel()
        let a = wrongOutput.activation([2, 1], .float32), b = wrongOutput.activation([1, 3], .float32), c = wrongOutput.activation([2, 1], .float32)
        XCTAssertThrowsError(try wrongOutput.run(.mul, TableValue(.mulOptions), [a, b], c,
                                                 inputs: [(a, bytes([Float(1), 2])), (b, bytes([Float(1), 2, 3]))], resolver: Self.resolver))
        var deep = KernelTestModel()
        let shape = [1, 1, 1, 1, 1, 1, 2]
        let d = deep.activation(shape, .float32), e = deep.activation(shape, .float32), f = deep.activation(shape, .float32)
        XCTAssertThrowsError(try deep.run(.sub, TableValue(.subOptions), [d, e], f,
                                          inputs: [(d, bytes([Float(1), 2])), (e, bytes([Float(1), 2]))], resolver: Self.resolver))
    }

    // MARK: - Activations

    /// RELU int16 rescales (zero points 0); RELU6 int16 clamps raw values to the input's 0 and 6.
    func testInt16ReluAndRelu6() throws {
        var model = KernelTestModel()
        let p = model.activation([5], .int16, scale: 0.001), r = model.activation([5], .int16, scale: 0.002)
        let relu = int16s(try model.run(.relu, nil, [p], r,
                                        inputs: [(p, integers([-300, -1, 0, 3, 20001], .int16))], resolver: Self.resolver))
        XCTAssertEqual(relu, [0, 0, 0, 2, 10001])  // 3 · 0.5 = 1.5 → 2 (ties away from zero); 20001 · 0.5 → 10001
        let relu6 = int16s(try model.run(.relu6, nil, [p], r,
                                         inputs: [(p, integers([-300, -1, 0, 3, 7000], .int16))], resolver: Self.resolver))
        XCTAssertEqual(relu6, [0, 0, 0, 3, 6000])
    }

    /// LEAKY_RELU int16 with a negative slope and float32 with a slope above 1.
    func testLeakyReluInt16AndFloatSlopes() throws {
        var model = KernelTestModel()
        let p = model.activation([4], .int16, scale: 0.01), r = model.activation([4], .int16, scale: 0.01)
        var options = TableValue(.leakyReluOptions)
        options["alpha"] = .float(-0.5)
        let quantized = int16s(try model.run(.leakyRelu, options, [p], r,
                                             inputs: [(p, integers([-400, -3, 0, 250], .int16))], resolver: Self.resolver))
        XCTAssertEqual(quantized, [200, 2, 0, 250])  // −3 · −0.5 = 1.5 → 2
        var floatModel = KernelTestModel()
        let x = floatModel.activation([3], .float32), y = floatModel.activation([3], .float32)
        options["alpha"] = .float(1.5)
        let real = floats(try floatModel.run(.leakyRelu, options, [x], y, inputs: [(x, bytes([Float(-2), 0, 3]))], resolver: Self.resolver))
        XCTAssertEqual(real, [-3, 0, 3])
    }

    /// int8 HARD_SWISH stays within two steps of the real function over the whole input range.
    func testHardSwishInt8TracksRealFunction() throws {
        let (si, zi, so, zo): (Float, Int, Float, Int) = (0.05, 3, 0.03, -100)
        var model = KernelTestModel()
        let p = model.activation([256], .int8, scale: si, zeroPoint: Int64(zi)), r = model.activation([256], .int8, scale: so, zeroPoint: Int64(zo))
        let x = Array(-128...127)
        let result = try model.run(.hardSwish, nil, [p], r, inputs: [(p, integers(x, .int8))], resolver: Self.resolver)
        for (index, value) in x.enumerated() {
            let real = Double(si) * Double(value - zi)
            let swish = real * min(6, max(0, real + 3)) / 6
            let ideal = min(max((swish / Double(so)).rounded() + Double(zo), -128), 127)
            XCTAssertLessThanOrEqual(abs(Double(Int8(bitPattern: result[index])) - ideal), 2, "input \(value)")
        }
    }

    // MARK: - QUANTIZE / DEQUANTIZE

    /// float → int8/int16 rounds halves away from zero and saturates (NaN to the minimum).
    func testQuantizeFromFloatRoundsAwayFromZeroAndSaturates() throws {
        let values: [Float] = [-1.25, -0.75, -0.25, 0.25, 0.75, 1.25, 1000, -1000, .infinity, -.infinity, .nan]
        var model = KernelTestModel()
        let p = model.activation([values.count], .float32), r = model.activation([values.count], .int8, scale: 0.5, zeroPoint: -1)
        let int8 = int8s(try model.run(.quantize, nil, [p], r, inputs: [(p, bytes(values))], resolver: Self.resolver))
        XCTAssertEqual(int8, [-4, -3, -2, 0, 1, 2, 127, -128, 127, -128, -128])
        var wide = KernelTestModel()
        let q = wide.activation([values.count], .float32), s = wide.activation([values.count], .int16, scale: 0.5)
        let int16 = int16s(try wide.run(.quantize, nil, [q], s, inputs: [(q, bytes(values))], resolver: Self.resolver))
        XCTAssertEqual(int16, [-3, -2, -1, 1, 2, 3, 2000, -2000, 32767, -32768, -32768])
    }

    /// Integer requantization: int8 → int8, int16 → int8, int16 → int16 and uint8 → int8.
    /// (TFLM's rounding doubling multiply sends negative halves toward +∞: −2.5 → −2.)
    func testRequantize() throws {
        func requantize(_ values: [Int], from: TensorType, _ inScale: Float, _ inZero: Int64,
                        to: TensorType, _ outScale: Float, _ outZero: Int64) throws -> [Int] {
            var model = KernelTestModel()
            let p = model.activation([values.count], from, scale: inScale, zeroPoint: inZero)
            let r = model.activation([values.count], to, scale: outScale, zeroPoint: outZero)
            let data = try model.run(.quantize, nil, [p], r, inputs: [(p, integers(values, from))], resolver: Self.resolver)
            return to == .int16 ? int16s(data).map(Int.init) : data.map { Int(Int8(bitPattern: $0)) }
        }
        XCTAssertEqual(try requantize([-128, -3, 0, 5, 127], from: .int8, 0.1, 2, to: .int8, 0.2, -3), [-68, -5, -4, -1, 60])
        XCTAssertEqual(try requantize([-32768, -300, 0, 301, 32767], from: .int16, 0.001, 0, to: .int8, 0.01, 1),
                       [-128, -29, 1, 31, 127])
        XCTAssertEqual(try requantize([-32768, -3, 3, 32767], from: .int16, 0.5, 0, to: .int16, 1, 0), [-16384, -1, 2, 16384])
        XCTAssertEqual(try requantize([0, 1, 128, 255], from: .uint8, 0.1, 128, to: .int8, 0.1, 0), [-128, -127, 0, 127])
    }

    /// DEQUANTIZE from uint8 and int16: `scale · (q − zeroPoint)` in float32.
    func testDequantizeUInt8AndInt16() throws {
        var model = KernelTestModel()
        let p = model.activation([3], .uint8, scale: 0.25, zeroPoint: 128), r = model.activation([3], .float32)
        XCTAssertEqual(floats(try model.run(.dequantize, nil, [p], r,
                                            inputs: [(p, [0, 128, 255])], resolver: Self.resolver)), [-32, 0, 31.75])
        var wide = KernelTestModel()
        let q = wide.activation([3], .int16, scale: 0.001), s = wide.activation([3], .float32)
        XCTAssertEqual(floats(try wide.run(.dequantize, nil, [q], s,
                                           inputs: [(q, integers([-32768, 0, 1000], .int16))], resolver: Self.resolver)),
                       [Float(0.001) * -32768, 0, Float(0.001) * 1000])
    }
}

// MARK: - Helpers

/// A fixed-seed generator (xorshift64*), so failures reproduce.
fileprivate struct SeededRandom: SeededRandomSource {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}

/// `values` stored as `type` (int8, uint8 or int16).
fileprivate func integers(_ values: [Int], _ type: TensorType) -> [UInt8] {
    switch type {
    case .int16: return bytes(values.map { Int16($0) })
    case .uint8: return values.map { UInt8($0) }
    default: return values.map { UInt8(bitPattern: Int8($0)) }
    }
}

/// The numpy broadcast of two shapes.
fileprivate func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let rank = max(a.count, b.count)
    let x = [Int](repeating: 1, count: rank - a.count) + a, y = [Int](repeating: 1, count: rank - b.count) + b
    return zip(x, y).map { max($0, $1) }
}

/// The row-major position in `shape` (right-aligned, size-1 axes repeating) of an output index.
fileprivate func sourcePosition(_ index: [Int], _ shape: [Int]) -> Int {
    let offset = index.count - shape.count
    var position = 0
    for (axis, size) in shape.enumerated() { position = position * size + (size == 1 ? 0 : index[axis + offset]) }
    return position
}

/// Every index of `shape`, row-major.
fileprivate func allIndices(_ shape: [Int]) -> [[Int]] {
    var result: [[Int]] = [[]]
    for size in shape { result = result.flatMap { prefix in (0..<size).map { prefix + [$0] } } }
    return result
}

fileprivate func naiveBroadcast(_ a: [Int], _ x: [Float], _ b: [Int], _ y: [Float], _ shape: [Int],
                                _ function: (Float, Float) -> Float) -> [Float] {
    allIndices(shape).map { function(x[sourcePosition($0, a)], y[sourcePosition($0, b)]) }
}

fileprivate func expand(_ values: [Int], _ from: [Int], to shape: [Int]) -> [Int] {
    allIndices(shape).map { values[sourcePosition($0, from)] }
}
