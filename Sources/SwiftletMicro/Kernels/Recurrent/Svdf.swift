import SwiftletFormat

/// SVDF: a rank-`r` singular-value-decomposed filter over time. Each invoke shifts the
/// state (a variable tensor, `[batch, memory · filters]`) left by one step, writes the
/// input's projection through `weights_feature` as the newest step, then filters each
/// state row with `weights_time`, sums `rank` filters per unit, adds the bias and
/// applies the activation. float32; TFLM's int8 variant (int8 input, weights_feature
/// and output; int16 or int8 weights_time and state; int32 bias), bit-exact with TFLM,
/// which ignores the fused activation there.
public enum Svdf {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .svdf, prepare: prepare, eval: eval) }

    enum Kind { case float32, int8WithInt16State, int8WithInt8State }

    struct OpData {
        var kind: Kind
        var batch: Int, inputSize: Int, filters: Int, units: Int, rank: Int, memory: Int
        var floatMin: Float, floatMax: Float
        var inputZeroPoint: Int32, stateZeroPoint: Int32, outputZeroPoint: Int32
        var featureMultiplier: Int32, featureShift: Int32
        var outputMultiplier: Int32, outputShift: Int32
        /// batch × filters sums (float or int32).
        var filterScratch: ScratchHandle
        /// batch × units int32 sums (integer variants).
        var unitScratch: ScratchHandle
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 5, context.outputCount == 1 else { throw context.invalid("SVDF takes input, weights_feature, weights_time, bias, state and one output") }
        let input = try context.requiredInput(0), feature = try context.requiredInput(1), time = try context.requiredInput(2)
        let bias = context.input(3)
        let state = try context.requiredInput(4), output = try context.requiredOutput(0)
        let options = try context.options(SVDFOptions.self)
        guard let activation = ActivationFunction(rawValue: options.fusedActivationFunction) else { throw context.invalid("unknown fused activation") }
        let rank = Int(options.rank)
        guard input.rank == 2, feature.rank == 2, time.rank == 2, state.rank == 2, output.rank == 2 else {
            throw context.invalid("input, weights, state and output must be 2-D")
        }
        let batch = input.dimension(0), inputSize = input.dimension(1)
        let filters = feature.dimension(0), memory = time.dimension(1)
        guard rank > 0, filters % rank == 0 else { throw context.invalid("the filter count must divide by the rank") }
        let units = filters / rank
        guard feature.dimension(1) == inputSize, time.dimension(0) == filters, output.dimension(0) == batch, output.dimension(1) == units,
              state.dimension(0) == batch, state.dimension(1) == memory * filters else { throw context.invalid("the SVDF shapes do not agree") }
        if let bias, bias.elementCount != units { throw context.invalid("the bias must have one value per unit") }
        guard state.tensor.isVariable else { throw context.invalid("the state must be a variable tensor") }

        var data = OpData(kind: .float32, batch: batch, inputSize: inputSize, filters: filters, units: units, rank: rank, memory: memory,
                          floatMin: 0, floatMax: 0, inputZeroPoint: 0, stateZeroPoint: 0, outputZeroPoint: 0,
                          featureMultiplier: 0, featureShift: 0, outputMultiplier: 0, outputShift: 0,
                          filterScratch: context.requestScratch(bytes: batch * filters * 4), unitScratch: ScratchHandle(index: 0))
        switch input.type {
        case .float32:
            for tensor in [feature, time, state, output] where tensor.type != .float32 { throw context.unsupported(tensor) }
            if let bias, bias.type != .float32 { throw context.unsupported(bias) }
            guard activation == .none || activation == .relu || activation == .relu6 || activation == .reluN1To1 else {
                throw .unsupportedFeature("SVDF with a tanh/sigmoid/sign-bit fused activation")
            }
            (data.floatMin, data.floatMax) = QuantizedMath.activationRange(activation)
        case .int8:
            guard feature.type == .int8 else { throw context.unsupported(feature) }
            guard output.type == .int8 else { throw context.unsupported(output) }
            switch (time.type, state.type) {
            case (.int16, .int16): data.kind = .int8WithInt16State
            case (.int8, .int8): data.kind = .int8WithInt8State
            default: throw context.unsupported(state)
            }
            if let bias, bias.type != .int32 { throw context.unsupported(bias) }
            // TFLM forms both scale ratios in float32 before widening.
            let (m1, s1) = QuantizedMath.quantizeMultiplier(Double(input.scale * feature.scale / state.scale))
            let (m2, s2) = QuantizedMath.quantizeMultiplier(Double(state.scale * time.scale / output.scale))
            data.featureMultiplier = m1
            data.featureShift = Int32(s1)
            data.outputMultiplier = m2
            data.outputShift = Int32(s2)
            data.inputZeroPoint = input.zeroPoint
            data.stateZeroPoint = state.zeroPoint
            data.outputZeroPoint = output.zeroPoint
            data.unitScratch = context.requestScratch(bytes: batch * units * 4)
        default:
            throw context.unsupported(input)
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32: evalFloat(context, data)
        case .int8WithInt16State: evalInteger(context, data, state: Int16.self)
        case .int8WithInt8State: evalInteger(context, data, state: Int8.self)
        }
    }

    /// Moves every state element one step earlier (the whole buffer, as TFLM does; each
    /// row's newest step is overwritten next).
    @inline(__always)
    private static func shiftState<Element>(_ state: UnsafeMutablePointer<Element>, count: Int) {
        guard count > 1 else { return }
        for index in 0..<(count - 1) { state[index] = state[index + 1] }
    }

    private static func evalFloat(_ context: borrowing EvalContext, _ data: OpData) {
        let input = context.input(0, as: Float.self), feature = context.input(1, as: Float.self), time = context.input(2, as: Float.self)
        let bias = context.input(3).map { UnsafePointer($0.assumingMemoryBound(to: Float.self)) }
        let state = context.input(4)!.assumingMemoryBound(to: Float.self)
        let scratch = context.scratch(data.filterScratch).assumingMemoryBound(to: Float.self)
        let output = context.output(0, as: Float.self)
        let (batch, inputSize, filters, memory) = (data.batch, data.inputSize, data.filters, data.memory)
        shiftState(state, count: batch * filters * memory)
        for b in 0..<batch {
            let row = input + b * inputSize
            for f in 0..<filters {
                let weights = feature + f * inputSize
                var total: Float = 0
                for k in 0..<inputSize { total += weights[k] * row[k] }
                state[(b * filters + f) * memory + memory - 1] = total
            }
        }
        for b in 0..<batch {
            for f in 0..<filters {
                let weights = time + f * memory, history = state + (b * filters + f) * memory
                var total: Float = 0
                for j in 0..<memory { total += weights[j] * history[j] }
                scratch[b * filters + f] = total
            }
        }
        for b in 0..<batch {
            for u in 0..<data.units {
                var total: Float = bias?[u] ?? 0
                for r in 0..<data.rank { total += scratch[b * filters + u * data.rank + r] }
                output[b * data.units + u] = min(max(total, data.floatMin), data.floatMax)
            }
        }
    }

    private static func evalInteger<State: FixedWidthInteger & SignedInteger>(_ context: borrowing EvalContext, _ data: OpData, state _: State.Type) {
        let input = context.input(0, as: Int8.self), feature = context.input(1, as: Int8.self), time = context.input(2, as: State.self)
        let bias = context.input(3).map { UnsafePointer($0.assumingMemoryBound(to: Int32.self)) }
        let state = context.input(4)!.assumingMemoryBound(to: State.self)
        let filterSums = context.scratch(data.filterScratch).assumingMemoryBound(to: Int32.self)
        let unitSums = context.scratch(data.unitScratch).assumingMemoryBound(to: Int32.self)
        let output = context.output(0, as: Int8.self)
        let (batch, inputSize, filters, memory) = (data.batch, data.inputSize, data.filters, data.memory)
        let stateMin = Int32(State.min), stateMax = Int32(State.max)
        shiftState(state, count: batch * filters * memory)
        for b in 0..<batch {
            let row = input + b * inputSize
            for f in 0..<filters {
                let weights = feature + f * inputSize
                var total: Int32 = 0
                for k in 0..<inputSize { total &+= Int32(weights[k]) &* (Int32(row[k]) &- data.inputZeroPoint) }
                var value = QuantizedMath.multiplyByQuantizedMultiplier(total, data.featureMultiplier, Int(data.featureShift))
                value = min(max(data.stateZeroPoint &+ value, stateMin), stateMax)
                state[(b * filters + f) * memory + memory - 1] = State(truncatingIfNeeded: value)
            }
        }
        for b in 0..<batch {
            for f in 0..<filters {
                let weights = time + f * memory, history = state + (b * filters + f) * memory
                var total: Int32 = 0
                for j in 0..<memory { total &+= Int32(weights[j]) &* (Int32(history[j]) &- data.stateZeroPoint) }
                filterSums[b * filters + f] = total
            }
        }
        for b in 0..<batch {
            for u in 0..<data.units {
                var total: Int32 = bias?[u] ?? 0
                for r in 0..<data.rank { total &+= filterSums[b * filters + u * data.rank + r] }
                unitSums[b * data.units + u] = total
            }
        }
        for index in 0..<(batch * data.units) {
            let value = QuantizedMath.multiplyByQuantizedMultiplier(unitSums[index], data.outputMultiplier, Int(data.outputShift)) &+ data.outputZeroPoint
            output[index] = Int8(truncatingIfNeeded: min(max(value, -128), 127))
        }
    }
}
