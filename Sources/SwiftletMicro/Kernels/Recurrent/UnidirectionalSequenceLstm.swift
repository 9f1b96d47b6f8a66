import SwiftletFormat

/// UNIDIRECTIONAL_SEQUENCE_LSTM, float32 (and int8 / int16x8 through `IntegerLstm`, bit-exact
/// with TFLM's integer LSTM): for each time step and batch row,
/// `gate = σ(W·x + b + R·h)` for the input, forget and output gates and
/// `act(W·x + b + R·h)` for the cell gate, then `c = f·c + i·g` (clipped by
/// `cell_clip` when set) and `h = o·act(c)`, where `act` is the fused activation
/// (TANH for Keras). Output and cell state are variable tensors carried across
/// invokes. Batch-major or time-major input. Peephole, projection, layer norm and
/// CIFG (no input gate) models are rejected as unsupported, as TFLM does.
public enum UnidirectionalSequenceLstm {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .unidirectionalSequenceLstm, prepare: prepare, eval: eval) }

    enum Activation { case none, relu, reluN1To1, relu6, tanh }

    struct OpData {
        var batch: Int, time: Int, inputSize: Int, cells: Int
        var timeMajor: Bool
        var activation: Activation
        var cellClip: Float
        /// Four gates' worth of pre-activations for one row (float).
        var gates: ScratchHandle
    }

    /// What `prepare` stores: the float kernel's data or the integer one's.
    enum Prepared {
        case float(OpData)
        case integer(IntegerLstm.OpData)
    }

    /// Input slots: 0 input, 1–4 input weights (i, f, c, o), 5–8 recurrent weights,
    /// 9–11 peepholes, 12–15 biases, 16–17 projection, 18 output state, 19 cell state, 20–23 layer norm.
    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 24, context.outputCount == 1 else { throw context.invalid("UNIDIRECTIONAL_SEQUENCE_LSTM takes 24 inputs and one output") }
        let input = try context.requiredInput(0), output = try context.requiredOutput(0)
        for slot in [9, 10, 11, 16, 17, 20, 21, 22, 23] where context.input(slot) != nil {
            throw .unsupportedFeature("UNIDIRECTIONAL_SEQUENCE_LSTM with peephole, projection or layer-norm weights")
        }
        guard context.input(1) != nil, context.input(5) != nil else { throw .unsupportedFeature("UNIDIRECTIONAL_SEQUENCE_LSTM without an input gate (CIFG)") }
        if input.type == .int8 || input.type == .int16 {
            try IntegerLstm.prepare(&context, input: input, output: output,
                                    options: try context.options(UnidirectionalSequenceLSTMOptions.self))
            return
        }
        guard input.type == .float32 else { throw context.unsupported(input) }
        guard output.type == .float32 else { throw context.unsupported(output) }
        let options = try context.options(UnidirectionalSequenceLSTMOptions.self)
        let activation: Activation
        switch ActivationFunction(rawValue: options.fusedActivationFunction) {
        case .some(.none): activation = .none
        case .some(.relu): activation = .relu
        case .some(.relu6): activation = .relu6
        case .some(.tanh): activation = .tanh
        case .some(.reluN1To1): activation = .reluN1To1
        default: throw .unsupportedFeature("UNIDIRECTIONAL_SEQUENCE_LSTM with this fused activation")
        }
        guard input.rank == 3, output.rank == 3 else { throw context.invalid("input and output must be 3-D") }
        let timeMajor = options.timeMajor
        let batch = timeMajor ? input.dimension(1) : input.dimension(0)
        let time = timeMajor ? input.dimension(0) : input.dimension(1)
        let inputSize = input.dimension(2)
        let inputWeights = try context.requiredInput(1)
        let cells = inputWeights.dimension(0)
        for slot in 1...8 {
            let weights = try context.requiredInput(slot)
            guard weights.type == .float32 else { throw context.unsupported(weights) }
            guard weights.rank == 2, weights.dimension(0) == cells, weights.dimension(1) == (slot <= 4 ? inputSize : cells) else {
                throw context.invalid("a weight matrix has the wrong shape (no projection: output size = cell count)")
            }
        }
        for slot in 12...15 {
            let bias = try context.requiredInput(slot)
            guard bias.type == .float32 else { throw context.unsupported(bias) }
            guard bias.elementCount == cells else { throw context.invalid("a gate bias must have one value per cell") }
        }
        let outputState = try context.requiredInput(18), cellState = try context.requiredInput(19)
        guard outputState.tensor.isVariable, cellState.tensor.isVariable else { throw context.invalid("the output and cell states must be variable tensors") }
        guard outputState.type == .float32, cellState.type == .float32, outputState.elementCount == batch * cells,
              cellState.elementCount == batch * cells else { throw context.invalid("the states must be float32 [batch, cells]") }
        guard output.dimension(0) == input.dimension(0), output.dimension(1) == input.dimension(1), output.dimension(2) == cells else {
            throw context.invalid("the output shape does not match the input and cell count")
        }
        context.setOpData(Prepared.float(OpData(batch: batch, time: time, inputSize: inputSize, cells: cells, timeMajor: timeMajor,
                                                activation: activation, cellClip: options.cellClip,
                                                gates: context.requestScratch(bytes: 4 * cells * MemoryLayout<Float>.stride))))
    }

    @inline(__always)
    private static func sigmoid(_ x: Float) -> Float {
        // TFLite's float logistic, with its cut-offs.
        if x > 16.619047164916992188 { return 1 }
        if x < -9 { return Transcendental.exp(x) }
        return 1 / (1 + Transcendental.exp(-x))
    }

    @inline(__always)
    private static func apply(_ activation: Activation, _ x: Float) -> Float {
        switch activation {
        case .none: return x
        case .relu: return max(x, 0)
        case .relu6: return min(max(x, 0), 6)
        case .tanh: return Transcendental.tanh(x)
        case .reluN1To1: return min(max(x, -1), 1)
        }
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data: OpData
        switch context.opData(as: Prepared.self).pointee {
        case .float(let floatData): data = floatData
        case .integer(let integerData):
            IntegerLstm.eval(context, integerData)
            return
        }
        let input = context.input(0, as: Float.self)
        let output = context.output(0, as: Float.self)
        let outputState = context.input(18)!.assumingMemoryBound(to: Float.self)
        let cellState = context.input(19)!.assumingMemoryBound(to: Float.self)
        let gates = context.scratch(data.gates).assumingMemoryBound(to: Float.self)
        let cells = data.cells, inputSize = data.inputSize
        for step in 0..<data.time {
            for row in 0..<data.batch {
                let position = data.timeMajor ? step * data.batch + row : row * data.time + step
                let x = input + position * inputSize
                let h = outputState + row * cells, c = cellState + row * cells
                // Pre-activations: (W·x + b) + R·h, gate by gate (i, f, c, o), as TFLM sums them.
                for gate in 0..<4 {
                    let weights = context.input(1 + gate, as: Float.self)
                    let recurrent = context.input(5 + gate, as: Float.self)
                    let bias = context.input(12 + gate, as: Float.self)
                    for cell in 0..<cells {
                        var fromInput: Float = 0
                        let w = weights + cell * inputSize
                        for k in 0..<inputSize { fromInput += x[k] * w[k] }
                        var fromState: Float = 0
                        let r = recurrent + cell * cells
                        for k in 0..<cells { fromState += h[k] * r[k] }
                        gates[gate * cells + cell] = (fromInput + bias[cell]) + fromState
                    }
                }
                for cell in 0..<cells {
                    let inputGate = sigmoid(gates[cell])
                    let forgetGate = sigmoid(gates[cells + cell])
                    let cellGate = apply(data.activation, gates[2 * cells + cell])
                    var updated = c[cell] * forgetGate + cellGate * inputGate
                    if data.cellClip > 0 { updated = min(max(updated, -data.cellClip), data.cellClip) }
                    c[cell] = updated
                    gates[3 * cells + cell] = sigmoid(gates[3 * cells + cell]) * apply(data.activation, updated)
                }
                for cell in 0..<cells {
                    h[cell] = gates[3 * cells + cell]
                    output[position * cells + cell] = h[cell]
                }
            }
        }
    }
}
