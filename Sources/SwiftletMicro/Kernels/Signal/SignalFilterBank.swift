import SwiftletFormat

/// SignalFilterBank: accumulates uint32 spectrum energies into mel channels with
/// triangular int16 weights (`weights`/`unweights` for the two overlapping
/// channels), in uint64. Inputs: energies, weights, unweights, channel frequency
/// starts, channel weight starts, channel widths (each `num_channels + 1` long).
public enum SignalFilterBank {
    /// The kernel's registration (custom code `SignalFilterBank`).
    public static var registration: KernelRegistration {
        KernelRegistration(code: .custom, customName: "SignalFilterBank", prepare: prepare, eval: eval)
    }

    struct OpData { var channels: Int32; var outputCount: Int32; var inputCount: Int32; var weightCount: Int32; var work: UnsafeMutablePointer<UInt64> }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 6, context.outputCount == 1 else { throw context.invalid("SignalFilterBank takes six inputs and one output") }
        let options = try context.customOptions()
        let channels = Int(try context.option { () throws(FormatError) in try options.int32("num_channels") })
        let input = try context.requiredInput(0), output = try context.requiredOutput(0)
        guard input.type == .uint32 else { throw context.unsupported(input) }
        guard output.type == .uint64 else { throw context.unsupported(output) }
        guard input.rank == 1, output.rank == 1 else { throw context.invalid("input and output must be vectors") }
        guard channels > 0, output.elementCount <= channels else { throw context.invalid("num_channels must be positive and cover the output") }
        let weights = try context.requiredInput(1), unweights = try context.requiredInput(2)
        for slot in 1...5 {
            let tensor = try context.requiredInput(slot)
            guard tensor.type == .int16 else { throw context.unsupported(tensor) }
            guard tensor.rank == 1 else { throw context.invalid("filter bank tables must be vectors") }
            if slot >= 3, tensor.elementCount < channels + 1 { throw context.invalid("channel tables need num_channels + 1 entries") }
        }
        guard unweights.elementCount == weights.elementCount else { throw context.invalid("weights and unweights must have one length") }
        let work = context.allocateArray(UInt64.self, count: channels + 1)
        context.setOpData(OpData(channels: Int32(channels), outputCount: Int32(output.elementCount), inputCount: Int32(input.elementCount),
                                 weightCount: Int32(weights.elementCount), work: work.baseAddress!))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let input = context.input(0, as: UInt32.self)
        let weights = context.input(1, as: Int16.self), unweights = context.input(2, as: Int16.self)
        let frequencyStarts = context.input(3, as: Int16.self), weightStarts = context.input(4, as: Int16.self)
        let widths = context.input(5, as: Int16.self)
        var weighted: UInt64 = 0, unweighted: UInt64 = 0
        for channel in 0...Int(data.channels) {
            let frequencyStart = Int(frequencyStarts[channel]), weightStart = Int(weightStarts[channel]), width = Int(widths[channel])
            guard frequencyStart >= 0, weightStart >= 0, width >= 0, frequencyStart + width <= Int(data.inputCount),
                  weightStart + width <= Int(data.weightCount) else {
                throw .kernelFailure(op: "SignalFilterBank", reason: "a channel's band reaches outside the spectrum or the weights")
            }
            for j in 0..<width {
                let energy = UInt64(input[frequencyStart + j])
                // int16 weight times uint64 energy: the weight converts to uint64 (sign-extended), as in C.
                weighted &+= UInt64(bitPattern: Int64(weights[weightStart + j])) &* energy
                unweighted &+= UInt64(bitPattern: Int64(unweights[weightStart + j])) &* energy
            }
            data.work[channel] = weighted
            weighted = unweighted
            unweighted = 0
        }
        let output = context.output(0, as: UInt64.self)
        for index in 0..<Int(data.outputCount) { output[index] = data.work[index + 1] }
    }
}
