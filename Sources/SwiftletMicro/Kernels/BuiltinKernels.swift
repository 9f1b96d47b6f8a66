/// The builtin kernels, by name: `OpResolver([.fullyConnected, .conv2D])`.
/// Register only what a model uses and firmware links only those kernels.
extension KernelRegistration {
    public static var fullyConnected: KernelRegistration { FullyConnected.registration }
}

extension OpResolver {
    /// Every kernel Swiftlet has (host tools; firmware should list only what it needs).
    public static var allBuiltins: OpResolver {
        OpResolver(customKernels + [
            .fullyConnected,
            .add, .sub, .mul, .relu, .relu6, .leakyRelu, .hardSwish,
            .quantize, .dequantize,
            .averagePool2D, .maxPool2D, .mean,
            .reshape, .squeeze, .expandDims, .pad, .padV2, .concatenation, .stridedSlice, .transpose,
            .softmax, .logistic, .tanh,
            .conv2D, .depthwiseConv2D, .transposeConv,
            .batchMatMul, .argMax, .argMin, .gather, .gatherNd, .embeddingLookup,
            .slice, .split, .splitV, .pack, .unpack, .shape, .reverseV2, .mirrorPad, .tile,
            .abs, .neg, .ceil, .floor, .round, .sqrt, .rsqrt, .square, .exp, .log, .sin, .cos,
            .logicalNot, .zerosLike, .cast, .elu, .gelu, .reluN1To1,
            .div, .floorDiv, .floorMod, .maximum, .minimum, .squaredDifference,
            .equal, .notEqual, .greater, .greaterEqual, .less, .lessEqual, .logicalAnd, .logicalOr,
            .selectV2, .select, .addN, .prelu,
            .reduceMax, .reduceMin, .sum, .reduceAll, .fill, .l2Normalization, .logSoftmax, .l2Pool2D,
            .reduceMax, .reduceMin, .sum, .reduceAll, .fill, .l2Normalization, .logSoftmax,
            .spaceToDepth, .depthToSpace, .spaceToBatchNd, .batchToSpaceNd, .broadcastTo, .broadcastArgs,
            .cumsum, .dynamicUpdateSlice, .resizeBilinear, .resizeNearestNeighbor,
            .svdf, .unidirectionalSequenceLstm,
            .`if`, .`while`, .callOnce, .varHandle, .readVariable, .assignVariable,
        ])
    }
}
