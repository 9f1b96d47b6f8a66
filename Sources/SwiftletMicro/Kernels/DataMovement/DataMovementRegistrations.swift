/// The data-movement kernels by name: `OpResolver([.reshape, .pad, .concatenation])`.
extension KernelRegistration {
    /// RESHAPE (any element type; output aliases the input when it can).
    public static var reshape: KernelRegistration { Reshape.registration }
    /// SQUEEZE (any element type; output aliases the input when it can).
    public static var squeeze: KernelRegistration { Squeeze.registration }
    /// EXPAND_DIMS (any element type; output aliases the input when it can).
    public static var expandDims: KernelRegistration { ExpandDims.registration }
    /// PAD (float32, int8, int16, int32).
    public static var pad: KernelRegistration { Pad.registration }
    /// PADV2 (float32, int8, int16, int32).
    public static var padV2: KernelRegistration { PadV2.registration }
    /// CONCATENATION (bool, float32, int8, int16, int32, int64).
    public static var concatenation: KernelRegistration { Concatenation.registration }
    /// STRIDED_SLICE (float32, int8, int16, int32, bool).
    public static var stridedSlice: KernelRegistration { StridedSlice.registration }
    /// TRANSPOSE (float32, int8, int16, int32).
    public static var transpose: KernelRegistration { Transpose.registration }
}

/// More data-movement kernels (issue 8): any fixed-width element type unless noted.
extension KernelRegistration {
    /// SLICE (constant begin/size).
    public static var slice: KernelRegistration { Slice.registration }
    /// SPLIT (constant axis, equal pieces).
    public static var split: KernelRegistration { Split.splitRegistration }
    /// SPLIT_V (constant axis and sizes).
    public static var splitV: KernelRegistration { Split.splitVRegistration }
    /// UNPACK.
    public static var unpack: KernelRegistration { Split.unpackRegistration }
    /// PACK.
    public static var pack: KernelRegistration { Pack.registration }
    /// SHAPE (int32 or int64 output).
    public static var shape: KernelRegistration { Shape.registration }
    /// REVERSE_V2 (constant axes).
    public static var reverseV2: KernelRegistration { ReverseV2.registration }
    /// MIRROR_PAD (REFLECT and SYMMETRIC, constant paddings).
    public static var mirrorPad: KernelRegistration { MirrorPad.registration }
    /// TILE (constant multiples; beyond TFLM, as LiteRT).
    public static var tile: KernelRegistration { Tile.registration }
}

/// Block, broadcast and update kernels (issue 8): any fixed-width element type unless noted.
extension KernelRegistration {
    /// SPACE_TO_DEPTH (NHWC).
    public static var spaceToDepth: KernelRegistration { DepthSpace.spaceToDepthRegistration }
    /// DEPTH_TO_SPACE (NHWC).
    public static var depthToSpace: KernelRegistration { DepthSpace.depthToSpaceRegistration }
    /// SPACE_TO_BATCH_ND (3-D or 4-D, constant block and paddings; pads with zero bits, as TFLM).
    public static var spaceToBatchNd: KernelRegistration { SpaceBatch.spaceToBatchRegistration }
    /// BATCH_TO_SPACE_ND (3-D or 4-D, constant block and crops).
    public static var batchToSpaceNd: KernelRegistration { SpaceBatch.batchToSpaceRegistration }
    /// BROADCAST_TO (up to 6 dimensions).
    public static var broadcastTo: KernelRegistration { BroadcastTo.registration }
    /// BROADCAST_ARGS (int32 or int64 shapes).
    public static var broadcastArgs: KernelRegistration { BroadcastArgs.registration }
    /// DYNAMIC_UPDATE_SLICE (runtime int32/int64 start indices, clamped; output aliases the operand when it can).
    public static var dynamicUpdateSlice: KernelRegistration { DynamicUpdateSlice.registration }
}
