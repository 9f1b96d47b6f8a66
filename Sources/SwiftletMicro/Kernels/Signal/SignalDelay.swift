import SwiftletFormat

/// SignalDelay: delays each row of int16 samples (the innermost dimension) by
/// `delay_length` samples across invokes: the output is the input stream shifted
/// late, starting with `delay_length` zeros. One ring per row in arena memory;
/// `reset()` restores the zeros.
public enum SignalDelay {
    /// The kernel's registration (custom code `SignalDelay`).
    public static var registration: KernelRegistration {
        KernelRegistration(code: .custom, customName: "SignalDelay", prepare: prepare, eval: eval, reset: reset)
    }

    struct OpData {
        var rowLength: Int32, delay: Int32, rows: Int32
        var rings: UnsafeMutablePointer<SignalSampleRing>
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 1, context.outputCount == 1 else { throw context.invalid("SignalDelay takes one input and one output") }
        let options = try context.customOptions()
        let delay = Int(try context.option { () throws(FormatError) in try options.int32("delay_length") })
        let input = try context.requiredInput(0), output = try context.requiredOutput(0)
        guard input.type == .int16 else { throw context.unsupported(input) }
        guard output.type == .int16 else { throw context.unsupported(output) }
        guard input.rank >= 1, input.dimension(-1) > 0, output.elementCount == input.elementCount else {
            throw context.invalid("the input needs a non-empty innermost dimension and the output its size")
        }
        guard delay >= 0 else { throw context.invalid("delay_length must not be negative") }
        let rowLength = input.dimension(-1), rows = input.elementCount / rowLength
        let capacity = rowLength + delay
        let rings = context.allocateArray(SignalSampleRing.self, count: rows)
        let storage = context.allocateArray(Int16.self, count: rows * capacity)
        for row in 0..<rows {
            (rings.baseAddress! + row).initialize(to: SignalSampleRing(storage: storage.baseAddress! + row * capacity, capacity: capacity))
        }
        let data = OpData(rowLength: Int32(rowLength), delay: Int32(delay), rows: Int32(rows), rings: rings.baseAddress!)
        restart(data)
        context.setOpData(data)
    }

    static func restart(_ data: OpData) {
        for row in 0..<Int(data.rows) {
            data.rings[row].clear()
            data.rings[row].appendZeros(Int(data.delay))
        }
    }

    static func reset(_ opData: UnsafeMutableRawPointer?) {
        guard let data = opData?.assumingMemoryBound(to: OpData.self).pointee else { return }
        restart(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let input = context.input(0, as: Int16.self), output = context.output(0, as: Int16.self)
        let length = Int(data.rowLength)
        for row in 0..<Int(data.rows) {
            data.rings[row].append(input + row * length, length)
            data.rings[row].peek(length, into: output + row * length)
            data.rings[row].drop(length)
        }
    }
}
