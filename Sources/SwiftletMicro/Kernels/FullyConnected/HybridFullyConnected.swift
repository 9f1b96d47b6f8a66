import SwiftletFormat

/// Hybrid (dynamic-range) FULLY_CONNECTED, as LiteRT's reference kernel (TFLM refuses these
/// models): each input row is quantized to int8 at run time — symmetrically, or asymmetrically
/// with a zero point when the model sets `asymmetric_quantize_inputs` — then
/// `output = bias + Σ w·q · (inputScale · filterScale[channel])` in float, then the activation.
enum HybridFullyConnected {
    static func prepare(_ context: inout PrepareContext, filter: TensorView, options: FullyConnectedOptions,
                        data: inout FullyConnected.OpData) throws(MicroError) {
        let outputDepth = data.outputDepth, depth = data.accumulationDepth
        let scales = filter.scales
        guard scales.count == 1 || scales.count == outputDepth else { throw context.invalid("filter scales must be one or one per output channel") }
        for zeroPoint in filter.zeroPoints where zeroPoint != 0 { throw context.invalid("hybrid FULLY_CONNECTED needs symmetric weights (zero points 0)") }
        let filterScales = context.allocateArray(Float.self, count: outputDepth).baseAddress!
        for channel in 0..<outputDepth { filterScales[channel] = scales[scales.count == 1 ? 0 : channel] }
        data.filterScales = filterScales
        data.perChannel = scales.count > 1
        data.asymmetricInputs = options.asymmetricQuantizeInputs
        if data.asymmetricInputs, let weights = filter.data {
            let sums = context.allocateArray(Int32.self, count: outputDepth).baseAddress!
            let values = UnsafePointer(weights.assumingMemoryBound(to: Int8.self))
            for channel in 0..<outputDepth {
                var sum: Int32 = 0
                for index in 0..<depth { sum &+= Int32(values[channel * depth + index]) }
                sums[channel] = sum
            }
            data.weightSums = sums
        } else if data.asymmetricInputs {
            throw .unsupportedFeature("hybrid FULLY_CONNECTED with asymmetric inputs needs constant weights")
        }
        data.scratch = context.requestScratch(bytes: depth)
    }

    static func eval(_ context: borrowing EvalContext, _ data: FullyConnected.OpData) {
        let input = context.input(0, as: Float.self)
        let filter = context.input(1, as: Int8.self)
        let bias = context.input(2).map { UnsafePointer($0.assumingMemoryBound(to: Float.self)) }
        let output = context.output(0, as: Float.self)
        let quantized = context.scratch(data.scratch!).assumingMemoryBound(to: Int8.self)
        let depth = data.accumulationDepth, outputDepth = data.outputDepth
        let filterScales = data.filterScales!
        for batch in 0..<data.batches {
            let row = input + batch * depth
            var inputScale: Float
            var offset: Int32 = 0
            if data.asymmetricInputs {
                (inputScale, offset) = HybridInputQuantization.asymmetric(row, depth, into: quantized)
            } else {
                inputScale = HybridInputQuantization.symmetric(row, depth, into: quantized)
            }
            for channel in 0..<outputDepth {
                let weights = filter + channel * depth
                var dot: Int32 = 0
                for index in 0..<depth { dot &+= Int32(weights[index]) &* Int32(quantized[index]) }
                if let sums = data.weightSums { dot &-= offset &* sums[channel] }
                var total: Float = bias?[channel] ?? 0
                total += Float(dot) * (inputScale * filterScales[channel])
                output[batch * outputDepth + channel] = min(max(total, data.floatMin), data.floatMax)
            }
        }
    }
}
