import SwiftletFormat

/// The integer UNIDIRECTIONAL_SEQUENCE_LSTM of TFLM (`EvalLstm<int8|int16, int8, int16, int32|int64>`):
/// int8 (or int16) input and output state, int8 symmetric per-tensor weights, int32 (or int64)
/// biases, and an int16 cell state whose scale is a power of two.
///
/// Per time step and batch row, each gate is `FC(x) + FC(h)` (the bias in the input FC) computed
/// into Q3.12 (scale 2^−12), added with int16 saturation and passed through TFLM's int16 sigmoid
/// (TFLM's int16 tanh for the cell gate, the fused TANH), giving Q0.15. Then
/// `c = f·c + i·g` (two int16 multiplies rescaled to the cell scale, a saturating add, the
/// optional cell clip) and `h = o · tanh(c)` rescaled to the output state's scale and zero point.
/// The output at each step is a copy of `h`.
enum IntegerLstm {
    /// A fully connected stage into Q3.12: multiplier and shift for `input scale · weight scale / 2^−12`.
    struct Rescale {
        var multiplier: Int32
        var shift: Int

        init(_ real: Double) {
            (multiplier, shift) = QuantizedMath.quantizeMultiplier(real)
        }
    }

    struct OpData {
        var isInt16: Bool
        var batch: Int, time: Int, inputSize: Int, cells: Int
        var timeMajor: Bool
        var inputOffset: Int32
        var stateOffset: Int32
        /// Per gate (i, f, c, o): the input FC's and the recurrent FC's rescaling into Q3.12.
        var inputRescale: (Rescale, Rescale, Rescale, Rescale)
        var recurrentRescale: (Rescale, Rescale, Rescale, Rescale)
        /// forget·cell → cell scale, input·cell gate → cell scale, output·tanh(cell) → output state.
        var forgetCell: Rescale
        var inputCell: Rescale
        var hidden: Rescale
        var hiddenZeroPoint: Int32
        var hiddenMin: Int32, hiddenMax: Int32
        var cellClip: Int16
        /// The int16 tanh's input rescaling for the cell state (TFLM's multiplier 0 means 3 << shift).
        var cellTanh: SigmoidFamily.InputScaling
        /// Five rows of `cells` int16 values: the four gates and the recurrent FC's result.
        var buffers: ScratchHandle
    }

    static let gateInputScale = 1.0 / 4096.0      // Q3.12
    static let gateOutputScale = 1.0 / 32768.0    // Q0.15

    static func prepare(_ context: inout PrepareContext, input: TensorView, output: TensorView,
                        options: UnidirectionalSequenceLSTMOptions) throws(MicroError) {
        let isInt16 = input.type == .int16
        guard output.type == input.type else { throw context.unsupported(output) }
        let timeMajor = options.timeMajor
        guard input.rank == 3, output.rank == 3 else { throw context.invalid("input and output must be 3-D") }
        let batch = timeMajor ? input.dimension(1) : input.dimension(0)
        let time = timeMajor ? input.dimension(0) : input.dimension(1)
        let inputSize = input.dimension(2)
        let cells = try context.requiredInput(1).dimension(0)
        var weightScales = [Double](repeating: 0, count: 8)
        for slot in 1...8 {
            let weights = try context.requiredInput(slot)
            guard weights.type == .int8 else { throw context.unsupported(weights) }
            guard weights.rank == 2, weights.dimension(0) == cells, weights.dimension(1) == (slot <= 4 ? inputSize : cells) else {
                throw context.invalid("a weight matrix has the wrong shape (no projection: output size = cell count)")
            }
            guard weights.zeroPoint == 0, weights.scale > 0 else { throw context.invalid("LSTM weights must be symmetric (zero point 0)") }
            weightScales[slot - 1] = Double(weights.scale)
        }
        for slot in 12...15 {
            let bias = try context.requiredInput(slot)
            guard bias.type == (isInt16 ? .int64 : .int32) else { throw context.unsupported(bias) }
            guard bias.elementCount == cells else { throw context.invalid("a gate bias must have one value per cell") }
        }
        let outputState = try context.requiredInput(18), cellState = try context.requiredInput(19)
        guard outputState.tensor.isVariable, cellState.tensor.isVariable else { throw context.invalid("the output and cell states must be variable tensors") }
        guard outputState.type == input.type else { throw context.unsupported(outputState) }
        guard cellState.type == .int16 else { throw context.unsupported(cellState) }
        guard outputState.elementCount == batch * cells, cellState.elementCount == batch * cells else {
            throw context.invalid("the states must be [batch, cells]")
        }
        guard output.dimension(0) == input.dimension(0), output.dimension(1) == input.dimension(1), output.dimension(2) == cells else {
            throw context.invalid("the output shape does not match the input and cell count")
        }
        let (cellPower, isPowerOfTwo) = SigmoidFamily.checkedLog2(cellState.scale)
        guard cellState.scale > 0, isPowerOfTwo else { throw context.invalid("the LSTM cell state scale must be a power of two") }
        guard ActivationFunction(rawValue: options.fusedActivationFunction) == .tanh else {
            throw .unsupportedFeature("integer UNIDIRECTIONAL_SEQUENCE_LSTM with a cell activation other than TANH")
        }

        let inputScale = Double(input.scale), stateScale = Double(outputState.scale), cellScale = Double(cellState.scale)
        func gate(_ weightScale: Double, _ activationScale: Double) -> Rescale { Rescale(activationScale * weightScale / gateInputScale) }
        let clip = options.cellClip > 0
            ? Int16(min(max(Double(options.cellClip) / cellScale, -32768), 32767)) : 0
        // TFLM's tanh of the cell state: a left shift of 15 + power − 3, or ×3 and a right shift when negative.
        var cellTanh = SigmoidFamily.InputScaling()
        let tanhShift = 15 + cellPower - 3
        if tanhShift < 0 {
            cellTanh.multiplier = 3
            cellTanh.leftShift = -tanhShift
        } else {
            cellTanh.leftShift = tanhShift
        }
        SigmoidFamily.prepareTable()
        let data = OpData(
            isInt16: isInt16, batch: batch, time: time, inputSize: inputSize, cells: cells, timeMajor: timeMajor,
            inputOffset: -input.zeroPoint, stateOffset: -outputState.zeroPoint,
            inputRescale: (gate(weightScales[0], inputScale), gate(weightScales[1], inputScale),
                           gate(weightScales[2], inputScale), gate(weightScales[3], inputScale)),
            recurrentRescale: (gate(weightScales[4], stateScale), gate(weightScales[5], stateScale),
                               gate(weightScales[6], stateScale), gate(weightScales[7], stateScale)),
            forgetCell: Rescale(gateOutputScale * cellScale / cellScale),
            inputCell: Rescale(gateOutputScale * gateOutputScale / cellScale),
            hidden: Rescale(gateOutputScale * gateOutputScale / stateScale),
            hiddenZeroPoint: outputState.zeroPoint,
            hiddenMin: isInt16 ? Int32(Int16.min) : Int32(Int8.min), hiddenMax: isInt16 ? Int32(Int16.max) : Int32(Int8.max),
            cellClip: clip, cellTanh: cellTanh,
            buffers: context.requestScratch(bytes: 5 * cells * MemoryLayout<Int16>.stride))
        context.setOpData(UnidirectionalSequenceLstm.Prepared.integer(data))
    }

    /// The tensors one invoke reads and writes, taken from the context before the table closure.
    struct Operands {
        var input: UnsafeRawPointer
        var output: UnsafeMutableRawPointer
        var outputState: UnsafeMutableRawPointer
        var cellState: UnsafeMutablePointer<Int16>
        var buffers: UnsafeMutablePointer<Int16>
        /// Per gate (i, f, c, o): input weights, recurrent weights, bias.
        var inputWeights: (UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer)
        var recurrentWeights: (UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer)
        var biases: (UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer)

        static func pick(_ values: (UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer), _ gate: Int) -> UnsafeRawPointer {
            switch gate {
            case 0: return values.0
            case 1: return values.1
            case 2: return values.2
            default: return values.3
            }
        }
    }

    static func eval(_ context: borrowing EvalContext, _ data: OpData) {
        func slot(_ index: Int) -> UnsafeRawPointer { UnsafeRawPointer(context.input(index)!) }
        let operands = Operands(
            input: slot(0), output: context.output(0), outputState: context.input(18)!,
            cellState: context.input(19)!.assumingMemoryBound(to: Int16.self),
            buffers: context.scratch(data.buffers).assumingMemoryBound(to: Int16.self),
            inputWeights: (slot(1), slot(2), slot(3), slot(4)),
            recurrentWeights: (slot(5), slot(6), slot(7), slot(8)),
            biases: (slot(12), slot(13), slot(14), slot(15)))
        SigmoidFamily.table.withUnsafeBufferPointer { table in
            if data.isInt16 {
                run(operands, data, table.baseAddress!, activation: Int16.self, bias: Int64.self)
            } else {
                run(operands, data, table.baseAddress!, activation: Int8.self, bias: Int32.self)
            }
        }
    }

    private static func rescale(_ data: OpData, _ gate: Int, recurrent: Bool) -> Rescale {
        let table = recurrent ? data.recurrentRescale : data.inputRescale
        switch gate {
        case 0: return table.0
        case 1: return table.1
        case 2: return table.2
        default: return table.3
        }
    }

    private static func run<Activation: FixedWidthInteger & SignedInteger, Bias: FixedWidthInteger & SignedInteger>(
        _ operands: Operands, _ data: OpData, _ table: UnsafePointer<UInt16>, activation: Activation.Type, bias: Bias.Type
    ) {
        let input = operands.input.assumingMemoryBound(to: Activation.self)
        let output = operands.output.assumingMemoryBound(to: Activation.self)
        let outputState = operands.outputState.assumingMemoryBound(to: Activation.self)
        let cellState = operands.cellState, buffers = operands.buffers
        let cells = data.cells
        let recurrentResult = buffers + 4 * cells
        for row in 0..<data.batch {
            for step in 0..<data.time {
                let position = data.timeMajor ? step * data.batch + row : row * data.time + step
                let x = input + position * data.inputSize
                let h = outputState + row * cells, c = cellState + row * cells
                // Gates in TFLM's order: forget (1), input (0), cell (2), output (3).
                for order in 0..<4 {
                    let gate = order < 2 ? 1 - order : order
                    let gateOutput = buffers + gate * cells
                    fullyConnected(x, Operands.pick(operands.inputWeights, gate).assumingMemoryBound(to: Int8.self),
                                   Operands.pick(operands.biases, gate).assumingMemoryBound(to: Bias.self),
                                   depth: data.inputSize, offset: data.inputOffset, rescale(data, gate, recurrent: false),
                                   cells: cells, into: gateOutput)
                    fullyConnected(UnsafePointer(h), Operands.pick(operands.recurrentWeights, gate).assumingMemoryBound(to: Int8.self),
                                   nil as UnsafePointer<Bias>?,
                                   depth: cells, offset: data.stateOffset, rescale(data, gate, recurrent: true),
                                   cells: cells, into: recurrentResult)
                    for cell in 0..<cells {
                        gateOutput[cell] = Int16(clamping: Int32(gateOutput[cell]) + Int32(recurrentResult[cell]))
                    }
                    if gate == 2 {
                        int16Tanh(gateOutput, gateOutput, cells, SigmoidFamily.InputScaling(), table)
                        updateCell(c, forget: buffers + cells, input: buffers, cellGate: gateOutput, data)
                    } else {
                        int16Sigmoid(gateOutput, cells, table)
                    }
                }
                // h = o · tanh(c), rescaled to the output state; the output copies h.
                let tanhOfCell = recurrentResult
                int16Tanh(UnsafePointer(c), tanhOfCell, cells, data.cellTanh, table)
                let outputGate = buffers + 3 * cells
                for cell in 0..<cells {
                    let product = Int32(tanhOfCell[cell]) * Int32(outputGate[cell])
                    let value = QuantizedMath.multiplyByQuantizedMultiplier(product, data.hidden.multiplier, data.hidden.shift)
                        &+ data.hiddenZeroPoint
                    h[cell] = Activation(truncatingIfNeeded: min(max(value, data.hiddenMin), data.hiddenMax))
                    output[position * cells + cell] = h[cell]
                }
            }
        }
    }

    /// TFLM's integer FULLY_CONNECTED into int16 (Q3.12): int32 accumulators for int8
    /// activations, int64 for int16 ones (with their multiplier rounding).
    @inline(__always)
    private static func fullyConnected<Activation: FixedWidthInteger & SignedInteger, Bias: FixedWidthInteger & SignedInteger>(
        _ x: UnsafePointer<Activation>, _ weights: UnsafePointer<Int8>, _ bias: UnsafePointer<Bias>?,
        depth: Int, offset: Int32, _ rescale: Rescale, cells: Int, into result: UnsafeMutablePointer<Int16>
    ) {
        for cell in 0..<cells {
            let w = weights + cell * depth
            let scaled: Int32
            if Bias.bitWidth == 64 {
                var total: Int64 = 0
                for k in 0..<depth { total &+= Int64(Int32(x[k]) &+ offset) &* Int64(w[k]) }
                if let bias { total &+= Int64(bias[cell]) }
                scaled = QuantizedMath.multiplyByQuantizedMultiplier(total, rescale.multiplier, rescale.shift)
            } else {
                var total: Int32 = 0
                for k in 0..<depth { total &+= (Int32(x[k]) &+ offset) &* Int32(w[k]) }
                if let bias { total &+= Int32(truncatingIfNeeded: bias[cell]) }
                scaled = QuantizedMath.multiplyByQuantizedMultiplier(total, rescale.multiplier, rescale.shift)
            }
            result[cell] = Int16(clamping: scaled)
        }
    }

    /// c = f·c + i·g in the cell scale, saturated, then clipped when `cell_clip` is set.
    @inline(__always)
    private static func updateCell(_ c: UnsafeMutablePointer<Int16>, forget: UnsafePointer<Int16>, input: UnsafePointer<Int16>,
                                   cellGate: UnsafePointer<Int16>, _ data: OpData) {
        for cell in 0..<data.cells {
            let kept = Int16(clamping: QuantizedMath.multiplyByQuantizedMultiplier(
                Int32(forget[cell]) * Int32(c[cell]), data.forgetCell.multiplier, data.forgetCell.shift))
            let added = Int16(clamping: QuantizedMath.multiplyByQuantizedMultiplier(
                Int32(input[cell]) * Int32(cellGate[cell]), data.inputCell.multiplier, data.inputCell.shift))
            var updated = Int16(clamping: Int32(kept) + Int32(added))
            if data.cellClip > 0 { updated = min(max(updated, -data.cellClip), data.cellClip) }
            c[cell] = updated
        }
    }

    /// TFLM's int16 LOGISTIC on Q3.12 input (power-of-two scale, no rescaling), in place.
    @inline(__always)
    private static func int16Sigmoid(_ values: UnsafeMutablePointer<Int16>, _ count: Int, _ table: UnsafePointer<UInt16>) {
        let data = SigmoidFamily.OpData(kind: .int16, count: count, scaling: SigmoidFamily.InputScaling(), table: nil)
        Logistic.evalInt16(UnsafePointer(values), values, data, table)
    }

    /// TFLM's int16 TANH with the given input rescaling.
    @inline(__always)
    private static func int16Tanh(_ input: UnsafePointer<Int16>, _ output: UnsafeMutablePointer<Int16>, _ count: Int,
                                  _ scaling: SigmoidFamily.InputScaling, _ table: UnsafePointer<UInt16>) {
        let data = SigmoidFamily.OpData(kind: .int16, count: count, scaling: scaling, table: nil)
        Tanh.evalInt16(input, output, data, table)
    }
}
