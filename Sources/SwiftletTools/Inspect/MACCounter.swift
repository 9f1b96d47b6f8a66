import SwiftletFormat

/// Counts multiply-accumulates per operator, from tensor shapes alone.
///
/// The rule (also in the README):
/// - FULLY_CONNECTED: output elements × input depth (filter `[O, I]` → I).
/// - CONV_2D: output elements × kH × kW × filter input channels (filter `[O, kH, kW, I/groups]`).
/// - DEPTHWISE_CONV_2D: output elements × kH × kW.
/// - TRANSPOSE_CONV: input elements × kH × kW × output channels (filter `[O, kH, kW, I]`).
/// - BATCH_MATMUL: output elements × the contracted dimension.
/// - AVERAGE_POOL_2D, MAX_POOL_2D, L2_POOL_2D: output elements × filter height × filter width.
/// - Element-wise operators — arithmetic (ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM,
///   FLOOR_DIV, FLOOR_MOD, POW) and activations (LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1, RELU_0_TO_1,
///   LEAKY_RELU, PRELU, HARD_SWISH, ELU, GELU, SOFTMAX, LOG_SOFTMAX): output elements; ADD_N: output
///   elements × (inputs − 1). Fused activations add nothing.
/// - Everything else (data movement, reductions, quantization): 0.
public enum MACCounter {
    /// The MACs of operator `op` in `subgraph`.
    public static func macs(of op: Operator, in subgraph: SubGraph, model: Model) -> Int {
        let code = model.operatorCode(of: op).builtinCode
        let tensors = subgraph.tensors
        func tensor(input index: Int) -> Tensor? {
            guard index < op.inputs.count, op.inputs[index] >= 0 else { return nil }
            return tensors[Int(op.inputs[index])]
        }
        func shape(input index: Int) -> [Int] { tensor(input: index).map { $0.shape.map(Int.init) } ?? [] }
        let outputElements = op.outputs.isEmpty ? 0 : (tensors[Int(op.outputs[0])].elementCount ?? 0)

        switch code {
        case .fullyConnected:
            let filter = shape(input: 1)
            return filter.count == 2 ? outputElements * filter[1] : 0
        case .conv2D:
            let filter = shape(input: 1)
            return filter.count == 4 ? outputElements * filter[1] * filter[2] * filter[3] : 0
        case .depthwiseConv2D:
            let filter = shape(input: 1)
            return filter.count == 4 ? outputElements * filter[1] * filter[2] : 0
        case .transposeConv:
            // Inputs: output shape, filter [O, kH, kW, I], activations.
            let filter = shape(input: 1)
            let activations = tensor(input: 2)?.elementCount ?? 0
            return filter.count == 4 ? activations * filter[1] * filter[2] * filter[0] : 0
        case .batchMatmul:
            let left = shape(input: 0)
            guard left.count >= 2 else { return 0 }
            let adjointX = op.options(BatchMatMulOptions.self)?.adjX ?? false
            return outputElements * (adjointX ? left[left.count - 2] : left[left.count - 1])
        case .averagePool2D, .maxPool2D, .l2Pool2D:
            guard let pool = op.options(Pool2DOptions.self) else { return 0 }
            return outputElements * Int(pool.filterHeight) * Int(pool.filterWidth)
        case .add, .sub, .mul, .div, .squaredDifference, .maximum, .minimum, .floorDiv, .floorMod, .pow,
             .logistic, .tanh, .relu, .relu6, .reluN1To1, .relu0To1, .leakyRelu, .prelu, .hardSwish, .elu, .gelu,
             .softmax, .logSoftmax:
            return outputElements
        case .addN:
            return outputElements * max(op.inputs.count - 1, 0)
        default:
            return 0
        }
    }
}
