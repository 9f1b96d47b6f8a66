import SwiftletFormat

/// CAST between float32, int8, uint8, int16, int32, int64 and bool with C's
/// conversions, as TFLM's kernel: float to integer truncates toward zero (values
/// outside the target's range, undefined in C, saturate here), integer to integer
/// wraps, anything to bool is `≠ 0`, bool is 0 or 1.
public enum Cast {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .cast, prepare: prepare, eval: eval) }

    struct OpData {
        var from: TensorType
        var to: TensorType
        var count: Int
    }

    static func supported(_ type: TensorType) -> Bool {
        type == .float32 || type == .int8 || type == .uint8 || type == .int16 || type == .int32 || type == .int64 || type == .bool
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        guard supported(input.type) else { throw context.unsupported(input) }
        guard supported(output.type) else { throw context.unsupported(output) }
        guard input.elementCount == output.elementCount else { throw context.invalid("input and output sizes differ") }
        context.setOpData(OpData(from: input.type, to: output.type, count: input.elementCount))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.from {
        case .float32: castFrom(Float.self, context, data)
        case .int8: castFrom(Int8.self, context, data)
        case .uint8: castFrom(UInt8.self, context, data)
        case .int16: castFrom(Int16.self, context, data)
        case .int32: castFrom(Int32.self, context, data)
        case .int64: castFrom(Int64.self, context, data)
        default: castFrom(CastBool.self, context, data)
        }
    }

    @inline(__always)
    private static func castFrom<From: CastElement>(_ type: From.Type, _ context: borrowing EvalContext, _ data: OpData) {
        let input = context.input(0, as: From.self)
        switch data.to {
        case .float32: copy(input, context.output(0, as: Float.self), data.count)
        case .int8: copy(input, context.output(0, as: Int8.self), data.count)
        case .uint8: copy(input, context.output(0, as: UInt8.self), data.count)
        case .int16: copy(input, context.output(0, as: Int16.self), data.count)
        case .int32: copy(input, context.output(0, as: Int32.self), data.count)
        case .int64: copy(input, context.output(0, as: Int64.self), data.count)
        default: copy(input, context.output(0, as: CastBool.self), data.count)
        }
    }

    @inline(__always)
    private static func copy<From: CastElement, To: CastElement>(_ input: UnsafePointer<From>, _ output: UnsafeMutablePointer<To>, _ count: Int) {
        if From.isFloatingPoint {
            for index in 0..<count { output[index] = To(float: input[index].floatValue) }
        } else {
            for index in 0..<count { output[index] = To(integer: input[index].integerValue) }
        }
    }
}

/// An element type CAST converts, with C's conversion rules.
protocol CastElement {
    static var isFloatingPoint: Bool { get }
    var floatValue: Float { get }
    var integerValue: Int64 { get }
    init(float: Float)
    init(integer: Int64)
}

/// A bool tensor element (one byte, 0 or 1).
struct CastBool: CastElement {
    var byte: UInt8
    static var isFloatingPoint: Bool { false }
    var floatValue: Float { byte == 0 ? 0 : 1 }
    var integerValue: Int64 { byte == 0 ? 0 : 1 }
    init(float: Float) { byte = float != 0 ? 1 : 0 }
    init(integer: Int64) { byte = integer != 0 ? 1 : 0 }
}

extension Float: CastElement {
    static var isFloatingPoint: Bool { true }
    var floatValue: Float { self }
    var integerValue: Int64 { Int64(self) }
    init(float: Float) { self = float }
    init(integer: Int64) { self = Float(integer) }
}

extension CastElement where Self: FixedWidthInteger {
    static var isFloatingPoint: Bool { false }
    var floatValue: Float { Float(self) }
    var integerValue: Int64 { Int64(truncatingIfNeeded: self) }
    init(float: Float) {
        if float.isNaN { self = 0; return }
        let truncated = float.rounded(.towardZero)
        if truncated <= Float(Self.min) { self = .min } else if truncated >= Float(Self.max) { self = .max } else { self = Self(truncated) }
    }
    init(integer: Int64) { self = Self(truncatingIfNeeded: integer) }
}

extension Int8: CastElement {}
extension UInt8: CastElement {}
extension Int16: CastElement {}
extension Int32: CastElement {}
extension Int64: CastElement {}
