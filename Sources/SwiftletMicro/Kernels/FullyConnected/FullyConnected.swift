import SwiftletFormat

/// FULLY_CONNECTED: `output[b, o] = activation(Σᵢ input[b, i] · filter[o, i] + bias[o])`.
/// float32; int8 (per-tensor or per-channel filter); int16 activations with int8
/// weights and int64 (or int32) bias. Bit-exact with TFLM's reference kernels. Also hybrid
/// (dynamic-range, beyond TFLM): float32 activations with int8 symmetric weights, as
/// LiteRT's reference kernel (`HybridFullyConnected`).
public enum FullyConnected {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .fullyConnected, prepare: prepare, eval: eval) }

    enum Kind { case float32, int8, int16WithInt64Bias, int16WithInt32Bias, hybrid }

    struct OpData {
        var kind: Kind
        var batches: Int
        var accumulationDepth: Int
        var outputDepth: Int
        var inputOffset: Int32
        var filterOffset: Int32
        var outputOffset: Int32
        var activationMin: Int32
        var activationMax: Int32
        var floatMin: Float
        var floatMax: Float
        /// One multiplier/shift per output channel (a single entry repeated for per-tensor filters).
        var multipliers: UnsafeMutablePointer<Int32>
        var shifts: UnsafeMutablePointer<Int8>
        var perChannel: Bool
        /// Hybrid only: the filter's scale per output channel, a scratch row of quantized input
        /// (and its int32 weight sums for asymmetric inputs), and whether inputs are asymmetric.
        var filterScales: UnsafeMutablePointer<Float>?
        var weightSums: UnsafeMutablePointer<Int32>?
        var scratch: ScratchHandle?
        var asymmetricInputs: Bool = false
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let input = try context.requiredInput(0)
        let filter = try context.requiredInput(1)
        let bias = context.input(2)
        let output = try context.requiredOutput(0)
        let options = try context.options(FullyConnectedOptions.self)
        guard let activation = ActivationFunction(rawValue: options.fusedActivationFunction) else {
            throw context.invalid("unknown fused activation")
        }
        guard filter.rank == 2 else { throw context.invalid("the filter must be 2-D [outputDepth, inputDepth]") }
        guard options.weightsFormat == 0 else { throw .unsupportedFeature("FULLY_CONNECTED with shuffled weights") }
        let outputDepth = filter.dimension(0)
        let depth = filter.dimension(1)
        guard depth > 0, outputDepth > 0, input.elementCount % depth == 0,
              output.elementCount == input.elementCount / depth * outputDepth
        else { throw context.invalid("input, filter and output shapes do not agree") }
        guard input.type == output.type else { throw context.unsupported(output) }
        if let bias, bias.elementCount != outputDepth { throw context.invalid("the bias must have one value per output channel") }

        let kind: Kind
        switch input.type {
        case .float32:
            guard filter.type == .float32 || filter.type == .int8 else { throw context.unsupported(filter) }
            if let bias, bias.type != .float32 { throw context.unsupported(bias) }
            kind = filter.type == .int8 ? .hybrid : .float32
        case .int8:
            guard filter.type == .int8 else {
                if filter.type == .float32 { throw .unsupportedFeature("hybrid (dynamic-range) FULLY_CONNECTED: quantize the activations too") }
                throw context.unsupported(filter)
            }
            if let bias, bias.type != .int32 { throw context.unsupported(bias) }
            kind = .int8
        case .int16:
            guard filter.type == .int8 else { throw context.unsupported(filter) }
            if let bias, bias.type == .int32 { kind = .int16WithInt32Bias }
            else if let bias, bias.type != .int64 { throw context.unsupported(bias) }
            else { kind = .int16WithInt64Bias }
        default:
            throw context.unsupported(input)
        }

        let isFloat = kind == .float32 || kind == .hybrid
        let multipliers = context.allocateArray(Int32.self, count: isFloat ? 0 : outputDepth)
        let shifts = context.allocateArray(Int8.self, count: isFloat ? 0 : outputDepth)
        var data = OpData(kind: kind, batches: input.elementCount / depth, accumulationDepth: depth, outputDepth: outputDepth,
                          inputOffset: 0, filterOffset: 0, outputOffset: 0, activationMin: 0, activationMax: 0,
                          floatMin: 0, floatMax: 0, multipliers: multipliers.baseAddress!, shifts: shifts.baseAddress!,
                          perChannel: false)
        if isFloat {
            (data.floatMin, data.floatMax) = QuantizedMath.activationRange(activation)
            if kind == .hybrid {
                try HybridFullyConnected.prepare(&context, filter: filter, options: options, data: &data)
            }
        } else {
            let scales = filter.scales
            data.perChannel = scales.count > 1
            guard scales.count == 1 || scales.count == outputDepth else { throw context.invalid("filter scales must be one or one per output channel") }
            for channel in 0..<outputDepth {
                let real: Double
                if data.perChannel {
                    real = Double(input.scale) * Double(scales[channel]) / Double(output.scale)
                } else {
                    // TFLM forms the per-tensor product in float32 before widening.
                    real = Double(input.scale * filter.scale) / Double(output.scale)
                }
                let (multiplier, shift) = QuantizedMath.quantizeMultiplier(real)
                multipliers[channel] = multiplier
                shifts[channel] = Int8(shift)
            }
            data.inputOffset = -input.zeroPoint
            data.filterOffset = -filter.zeroPoint
            data.outputOffset = output.zeroPoint
            let (qmin, qmax): (Int32, Int32) = kind == .int8 ? (-128, 127) : (-32768, 32767)
            (data.activationMin, data.activationMax) = QuantizedMath.activationRange(
                activation, scale: output.scale, zeroPoint: output.zeroPoint, qmin: qmin, qmax: qmax)
        }
        context.setOpData(data)
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        switch data.kind {
        case .float32: evalFloat(context, data)
        case .int8: evalInt8(context, data)
        case .int16WithInt64Bias: evalInt16(context, data, bias: context.input(2).map { UnsafePointer($0.assumingMemoryBound(to: Int64.self)) })
        case .int16WithInt32Bias: evalInt16(context, data, bias: context.input(2).map { UnsafePointer($0.assumingMemoryBound(to: Int32.self)) })
        case .hybrid: HybridFullyConnected.eval(context, data)
        }
    }

    private static func evalFloat(_ context: borrowing EvalContext, _ data: OpData) {
        let input = context.input(0, as: Float.self)
        let filter = context.input(1, as: Float.self)
        let bias = context.input(2).map { UnsafePointer($0.assumingMemoryBound(to: Float.self)) }
        let output = context.output(0, as: Float.self)
        let depth = data.accumulationDepth, outputDepth = data.outputDepth
        for batch in 0..<data.batches {
            let row = input + batch * depth
            for channel in 0..<outputDepth {
                let weights = filter + channel * depth
                var total: Float = 0
                for index in 0..<depth { total += row[index] * weights[index] }
                total += bias?[channel] ?? 0
                output[batch * outputDepth + channel] = min(max(total, data.floatMin), data.floatMax)
            }
        }
    }

    private static func evalInt8(_ context: borrowing EvalContext, _ data: OpData) {
        let input = context.input(0, as: Int8.self)
        let filter = context.input(1, as: Int8.self)
        let bias = context.input(2).map { UnsafePointer($0.assumingMemoryBound(to: Int32.self)) }
        let output = context.output(0, as: Int8.self)
        let depth = data.accumulationDepth, outputDepth = data.outputDepth
        // Per-channel filters are symmetric (zero point 0); per-tensor ones keep their offset, as TFLM does.
        let filterOffset = data.perChannel ? 0 : data.filterOffset
        let inputOffset = data.inputOffset
        // TFLM sums (w + fo)(x + io) in wrapping int32. Expanded, that is Σwx + io·Σw + fo·Σx + n·fo·io,
        // equal modulo 2³² — so the bits match — and the inner loop becomes a plain int8 dot product.
        let constantTerm = Int32(truncatingIfNeeded: depth) &* filterOffset &* inputOffset
        for batch in 0..<data.batches {
            let row = input + batch * depth
            var rowSum: Int32 = 0
            if filterOffset != 0 { for index in 0..<depth { rowSum &+= Int32(row[index]) } }
            for channel in 0..<outputDepth {
                let weights = filter + channel * depth
                var products: Int32 = 0
                var weightSum: Int32 = 0
                for index in 0..<depth {
                    let weight = Int32(weights[index])
                    products &+= weight &* Int32(row[index])
                    weightSum &+= weight
                }
                var accumulator = products &+ inputOffset &* weightSum &+ filterOffset &* rowSum &+ constantTerm
                if let bias { accumulator &+= bias[channel] }
                var value = QuantizedMath.multiplyByQuantizedMultiplier(accumulator, data.multipliers[channel], Int(data.shifts[channel]))
                value &+= data.outputOffset
                output[batch * outputDepth + channel] = Int8(truncatingIfNeeded: min(max(value, data.activationMin), data.activationMax))
            }
        }
    }

    private static func evalInt16<Bias: FixedWidthInteger & SignedInteger>(_ context: borrowing EvalContext, _ data: OpData, bias: UnsafePointer<Bias>?) {
        let input = context.input(0, as: Int16.self)
        let filter = context.input(1, as: Int8.self)
        let output = context.output(0, as: Int16.self)
        let depth = data.accumulationDepth, outputDepth = data.outputDepth
        let filterOffset = data.perChannel ? 0 : data.filterOffset
        for batch in 0..<data.batches {
            let row = input + batch * depth
            for channel in 0..<outputDepth {
                let weights = filter + channel * depth
                let value: Int32
                if Bias.bitWidth == 64 {
                    var accumulator: Int64 = 0
                    for index in 0..<depth { accumulator &+= Int64((Int32(weights[index]) + filterOffset) &* Int32(row[index])) }
                    if let bias { accumulator &+= Int64(bias[channel]) }
                    value = QuantizedMath.multiplyByQuantizedMultiplier(accumulator, data.multipliers[channel], Int(data.shifts[channel]))
                } else {
                    var accumulator: Int32 = 0
                    for index in 0..<depth { accumulator &+= (Int32(weights[index]) + filterOffset) &* Int32(row[index]) }
                    if let bias { accumulator &+= Int32(truncatingIfNeeded: bias[channel]) }
                    value = QuantizedMath.multiplyByQuantizedMultiplier(accumulator, data.multipliers[channel], Int(data.shifts[channel]))
                }
                output[batch * outputDepth + channel] = Int16(truncatingIfNeeded: min(max(value, data.activationMin), data.activationMax))
            }
        }
    }
}
