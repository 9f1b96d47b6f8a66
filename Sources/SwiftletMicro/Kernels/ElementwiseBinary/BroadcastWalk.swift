import SwiftletFormat

/// A binary element-wise operation whose output type may differ from its inputs'
/// (comparisons give bool), split like `BinaryElementOperation` so a repeated input
/// is prepared once per inner loop.
protocol MixedBinaryOperation {
    associatedtype Input
    associatedtype Operand
    associatedtype Output
    func first(_ value: Input) -> Operand
    func second(_ value: Input) -> Operand
    func combine(_ first: Operand, _ second: Operand) -> Output
}

extension BroadcastShape {
    /// Runs `operation` over every output element (the strides and folded axes are
    /// computed once in `prepare`; nothing is allocated).
    @inline(__always)
    func run<Operation: MixedBinaryOperation>(
        _ operation: Operation, _ first: UnsafePointer<Operation.Input>, _ second: UnsafePointer<Operation.Input>,
        _ output: UnsafeMutablePointer<Operation.Output>
    ) {
        if isElementwise {
            for index in 0..<count {
                output[index] = operation.combine(operation.first(first[index]), operation.second(second[index]))
            }
            return
        }
        let e = extents.storage, sa = firstStrides.storage, sb = secondStrides.storage
        let inner = e.5
        var out = output
        var a0 = first, b0 = second
        for _ in 0..<e.0 {
            var a1 = a0, b1 = b0
            for _ in 0..<e.1 {
                var a2 = a1, b2 = b1
                for _ in 0..<e.2 {
                    var a3 = a2, b3 = b2
                    for _ in 0..<e.3 {
                        var a4 = a3, b4 = b3
                        for _ in 0..<e.4 {
                            if sa.5 == 0 {
                                let x = operation.first(a4[0])
                                for index in 0..<inner { out[index] = operation.combine(x, operation.second(b4[index * sb.5])) }
                            } else if sb.5 == 0 {
                                let y = operation.second(b4[0])
                                for index in 0..<inner { out[index] = operation.combine(operation.first(a4[index * sa.5]), y) }
                            } else {
                                for index in 0..<inner {
                                    out[index] = operation.combine(operation.first(a4[index * sa.5]), operation.second(b4[index * sb.5]))
                                }
                            }
                            out += inner
                            a4 += sa.4
                            b4 += sb.4
                        }
                        a3 += sa.3
                        b3 += sb.3
                    }
                    a2 += sa.2
                    b2 += sb.2
                }
                a1 += sa.1
                b1 += sb.1
            }
            a0 += sa.0
            b0 += sb.0
        }
    }
}

/// The operand types of the broadcasting math and comparison kernels.
enum ElementKind {
    case float32, int8, int16, int32, int64, bool

    init?(_ type: TensorType) {
        switch type {
        case .float32: self = .float32
        case .int8: self = .int8
        case .int16: self = .int16
        case .int32: self = .int32
        case .int64: self = .int64
        case .bool: self = .bool
        default: return nil
        }
    }
}

/// Inputs 0 and 1 of one type and output 0, with shapes that broadcast (rank ≤ 6).
struct MixedBinaryOperands {
    var input1: TensorView
    var input2: TensorView
    var output: TensorView
    var shape: BroadcastShape
    var kind: ElementKind

    init(_ context: borrowing PrepareContext) throws(MicroError) {
        input1 = try context.requiredInput(0)
        input2 = try context.requiredInput(1)
        output = try context.requiredOutput(0)
        guard input1.type == input2.type else { throw context.unsupported(input2) }
        guard let kind = ElementKind(input1.type) else { throw context.unsupported(input1) }
        self.kind = kind
        guard let shape = BroadcastShape(first: input1, second: input2, output: output) else {
            throw context.invalid("input shapes do not broadcast to the output shape (rank at most 6)")
        }
        self.shape = shape
    }
}
