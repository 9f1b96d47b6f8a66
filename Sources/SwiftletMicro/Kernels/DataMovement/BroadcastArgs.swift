import SwiftletFormat

/// BROADCAST_ARGS: the numpy broadcast of two shape vectors (int32 or int64, read
/// at run time); shapes that do not broadcast fail the invoke.
public enum BroadcastArgs {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .broadcastArgs, prepare: prepare, eval: eval) }

    struct OpData {
        var is64: Bool
        var firstCount: Int
        var secondCount: Int
        var outputCount: Int
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 2, context.outputCount == 1 else { throw context.invalid("BROADCAST_ARGS takes two shapes and one output") }
        let first = try context.requiredInput(0), second = try context.requiredInput(1)
        let output = try context.requiredOutput(0)
        guard first.type == .int32 || first.type == .int64 else { throw context.unsupported(first) }
        guard second.type == first.type else { throw context.unsupported(second) }
        guard output.type == first.type else { throw context.unsupported(output) }
        guard first.rank == 1, second.rank == 1, output.rank == 1,
              output.elementCount == max(first.elementCount, second.elementCount) else {
            throw context.invalid("the shapes must be vectors and the output as long as the longer")
        }
        context.setOpData(OpData(is64: first.type == .int64, firstCount: first.elementCount, secondCount: second.elementCount,
                                 outputCount: output.elementCount))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        if data.is64 {
            try broadcast(data, context.input(0, as: Int64.self), context.input(1, as: Int64.self), context.output(0, as: Int64.self))
        } else {
            try broadcast(data, context.input(0, as: Int32.self), context.input(1, as: Int32.self), context.output(0, as: Int32.self))
        }
    }

    private static func broadcast<Value: FixedWidthInteger>(_ data: OpData, _ first: UnsafePointer<Value>, _ second: UnsafePointer<Value>,
                                                            _ output: UnsafeMutablePointer<Value>) throws(MicroError) {
        for index in 0..<data.outputCount {
            let fromEnd = data.outputCount - 1 - index
            let a: Value = fromEnd < data.firstCount ? first[data.firstCount - 1 - fromEnd] : 1
            let b: Value = fromEnd < data.secondCount ? second[data.secondCount - 1 - fromEnd] : 1
            guard a == b || a == 1 || b == 1 else { throw .kernelFailure(op: "BROADCAST_ARGS", reason: "the shapes do not broadcast") }
            output[index] = a == 1 ? b : a
        }
    }
}
