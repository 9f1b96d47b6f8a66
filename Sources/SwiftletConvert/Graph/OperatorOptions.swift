import SwiftletFormat

/// The typed builtin options of a graph operator. The common ones have their own case; any other
/// options table can be carried as `.table`, which is written unchanged.
public enum OperatorOptions: Equatable {
    /// No options table (LOGISTIC, TANH, RESHAPE, RELU …).
    case none
    case conv2D(Conv2DParameters)
    case depthwiseConv2D(DepthwiseConv2DParameters)
    case transposeConv(TransposeConvParameters)
    case pool2D(Pool2DParameters)
    case fullyConnected(activation: ActivationFunction, keepNumDims: Bool)
    case softmax(beta: Float)
    case concatenation(axis: Int, activation: ActivationFunction)
    case add(activation: ActivationFunction)
    case sub(activation: ActivationFunction)
    case mul(activation: ActivationFunction)
    case div(activation: ActivationFunction)
    /// MEAN, SUM, REDUCE_MAX …
    case reducer(keepDims: Bool)
    case leakyRelu(alpha: Float)
    case pack(axis: Int, count: Int)
    case unpack(axis: Int, count: Int)
    case squeeze(axes: [Int])
    case gather(axis: Int, batchDims: Int)
    case split(count: Int)
    case stridedSlice(StridedSliceParameters)
    case resizeNearestNeighbor(alignCorners: Bool, halfPixelCenters: Bool)
    case resizeBilinear(alignCorners: Bool, halfPixelCenters: Bool)
    case batchMatMul(adjointX: Bool, adjointY: Bool)
    case unidirectionalSequenceLSTM(activation: ActivationFunction, cellClip: Float, projectionClip: Float, timeMajor: Bool)
    /// Any other `BuiltinOptions` table, written as given (an empty table for options without fields).
    case table(TableValue)

    /// The fused activation, for options that have one.
    public var fusedActivation: ActivationFunction? {
        get {
            switch self {
            case .conv2D(let p): return p.activation
            case .depthwiseConv2D(let p): return p.activation
            case .transposeConv(let p): return p.activation
            case .pool2D(let p): return p.activation
            case .fullyConnected(let activation, _), .concatenation(_, let activation), .add(let activation),
                 .sub(let activation), .mul(let activation), .div(let activation),
                 .unidirectionalSequenceLSTM(let activation, _, _, _):
                return activation
            default: return nil
            }
        }
        set {
            guard let value = newValue else { return }
            switch self {
            case .conv2D(var p): p.activation = value; self = .conv2D(p)
            case .depthwiseConv2D(var p): p.activation = value; self = .depthwiseConv2D(p)
            case .transposeConv(var p): p.activation = value; self = .transposeConv(p)
            case .pool2D(var p): p.activation = value; self = .pool2D(p)
            case .fullyConnected(_, let keep): self = .fullyConnected(activation: value, keepNumDims: keep)
            case .concatenation(let axis, _): self = .concatenation(axis: axis, activation: value)
            case .add: self = .add(activation: value)
            case .sub: self = .sub(activation: value)
            case .mul: self = .mul(activation: value)
            case .div: self = .div(activation: value)
            case .unidirectionalSequenceLSTM(_, let cell, let projection, let timeMajor):
                self = .unidirectionalSequenceLSTM(activation: value, cellClip: cell, projectionClip: projection, timeMajor: timeMajor)
            default: return
            }
        }
    }

    /// The options as a schema table, with fields at their schema default left out (as
    /// TensorFlow's FlatBuffer builder leaves them out); nil for `.none`.
    public var tableValue: TableValue? {
        var table: TableValue
        switch self {
        case .none:
            return nil
        case .conv2D(let p):
            table = TableValue(.conv2DOptions)
            table["padding"] = .int(Int64(p.padding.rawValue))
            table["stride_w"] = .int(Int64(p.strideWidth))
            table["stride_h"] = .int(Int64(p.strideHeight))
            table["fused_activation_function"] = .int(Int64(p.activation.rawValue))
            table["dilation_w_factor"] = .int(Int64(p.dilationWidth))
            table["dilation_h_factor"] = .int(Int64(p.dilationHeight))
        case .depthwiseConv2D(let p):
            table = TableValue(.depthwiseConv2DOptions)
            table["padding"] = .int(Int64(p.padding.rawValue))
            table["stride_w"] = .int(Int64(p.strideWidth))
            table["stride_h"] = .int(Int64(p.strideHeight))
            table["depth_multiplier"] = .int(Int64(p.depthMultiplier))
            table["fused_activation_function"] = .int(Int64(p.activation.rawValue))
            table["dilation_w_factor"] = .int(Int64(p.dilationWidth))
            table["dilation_h_factor"] = .int(Int64(p.dilationHeight))
        case .transposeConv(let p):
            table = TableValue(.transposeConvOptions)
            table["padding"] = .int(Int64(p.padding.rawValue))
            table["stride_w"] = .int(Int64(p.strideWidth))
            table["stride_h"] = .int(Int64(p.strideHeight))
            table["fused_activation_function"] = .int(Int64(p.activation.rawValue))
        case .pool2D(let p):
            table = TableValue(.pool2DOptions)
            table["padding"] = .int(Int64(p.padding.rawValue))
            table["stride_w"] = .int(Int64(p.strideWidth))
            table["stride_h"] = .int(Int64(p.strideHeight))
            table["filter_width"] = .int(Int64(p.filterWidth))
            table["filter_height"] = .int(Int64(p.filterHeight))
            table["fused_activation_function"] = .int(Int64(p.activation.rawValue))
        case .fullyConnected(let activation, let keepNumDims):
            table = TableValue(.fullyConnectedOptions)
            table["fused_activation_function"] = .int(Int64(activation.rawValue))
            table["keep_num_dims"] = .bool(keepNumDims)
        case .softmax(let beta):
            table = TableValue(.softmaxOptions)
            table["beta"] = .float(beta)
        case .concatenation(let axis, let activation):
            table = TableValue(.concatenationOptions)
            table["axis"] = .int(Int64(axis))
            table["fused_activation_function"] = .int(Int64(activation.rawValue))
        case .add(let activation):
            table = TableValue(.addOptions)
            table["fused_activation_function"] = .int(Int64(activation.rawValue))
        case .sub(let activation):
            table = TableValue(.subOptions)
            table["fused_activation_function"] = .int(Int64(activation.rawValue))
        case .mul(let activation):
            table = TableValue(.mulOptions)
            table["fused_activation_function"] = .int(Int64(activation.rawValue))
        case .div(let activation):
            table = TableValue(.divOptions)
            table["fused_activation_function"] = .int(Int64(activation.rawValue))
        case .reducer(let keepDims):
            table = TableValue(.reducerOptions)
            table["keep_dims"] = .bool(keepDims)
        case .leakyRelu(let alpha):
            table = TableValue(.leakyReluOptions)
            table["alpha"] = .float(alpha)
        case .pack(let axis, let count):
            table = TableValue(.packOptions)
            table["values_count"] = .int(Int64(count))
            table["axis"] = .int(Int64(axis))
        case .unpack(let axis, let count):
            table = TableValue(.unpackOptions)
            table["num"] = .int(Int64(count))
            table["axis"] = .int(Int64(axis))
        case .squeeze(let axes):
            table = TableValue(.squeezeOptions)
            if !axes.isEmpty { table["squeeze_dims"] = .int32s(axes.map { Int32($0) }) }
        case .gather(let axis, let batchDims):
            table = TableValue(.gatherOptions)
            table["axis"] = .int(Int64(axis))
            table["batch_dims"] = .int(Int64(batchDims))
        case .split(let count):
            table = TableValue(.splitOptions)
            table["num_splits"] = .int(Int64(count))
        case .stridedSlice(let p):
            table = TableValue(.stridedSliceOptions)
            table["begin_mask"] = .int(Int64(p.beginMask))
            table["end_mask"] = .int(Int64(p.endMask))
            table["ellipsis_mask"] = .int(Int64(p.ellipsisMask))
            table["new_axis_mask"] = .int(Int64(p.newAxisMask))
            table["shrink_axis_mask"] = .int(Int64(p.shrinkAxisMask))
            table["offset"] = .bool(p.offset)
        case .resizeNearestNeighbor(let alignCorners, let halfPixelCenters):
            table = TableValue(.resizeNearestNeighborOptions)
            table["align_corners"] = .bool(alignCorners)
            table["half_pixel_centers"] = .bool(halfPixelCenters)
        case .resizeBilinear(let alignCorners, let halfPixelCenters):
            table = TableValue(.resizeBilinearOptions)
            table["align_corners"] = .bool(alignCorners)
            table["half_pixel_centers"] = .bool(halfPixelCenters)
        case .batchMatMul(let adjointX, let adjointY):
            table = TableValue(.batchMatMulOptions)
            table["adj_x"] = .bool(adjointX)
            table["adj_y"] = .bool(adjointY)
        case .unidirectionalSequenceLSTM(let activation, let cellClip, let projectionClip, let timeMajor):
            table = TableValue(.unidirectionalSequenceLSTMOptions)
            table["fused_activation_function"] = .int(Int64(activation.rawValue))
            table["cell_clip"] = .float(cellClip)
            table["proj_clip"] = .float(projectionClip)
            table["time_major"] = .bool(timeMajor)
        case .table(let value):
            return value
        }
        return table.droppingDefaults()
    }
}

extension TableValue {
    /// The table without the scalar fields that hold their schema default.
    func droppingDefaults() -> TableValue {
        var result = self
        for descriptor in table.fields {
            guard case .scalar = descriptor.kind, let value = fields[descriptor.id] else { continue }
            let number: Double?
            switch value {
            case .bool(let flag): number = flag ? 1 : 0
            case .int(let integer): number = Double(integer)
            case .uint(let integer): number = Double(integer)
            case .float(let real): number = Double(real)
            case .double(let real): number = real
            default: number = nil
            }
            if number == descriptor.defaultValue { result.fields[descriptor.id] = nil }
        }
        return result
    }
}

/// CONV_2D's options: padding, strides, dilation and fused activation.
public struct Conv2DParameters: Equatable, Sendable {
    public var padding: Padding
    public var strideHeight: Int
    public var strideWidth: Int
    public var dilationHeight: Int
    public var dilationWidth: Int
    public var activation: ActivationFunction

    public init(padding: Padding = .valid, strideHeight: Int = 1, strideWidth: Int = 1,
                dilationHeight: Int = 1, dilationWidth: Int = 1, activation: ActivationFunction = .none) {
        self.padding = padding
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.activation = activation
    }
}

/// DEPTHWISE_CONV_2D's options.
public struct DepthwiseConv2DParameters: Equatable, Sendable {
    public var padding: Padding
    public var strideHeight: Int
    public var strideWidth: Int
    public var dilationHeight: Int
    public var dilationWidth: Int
    public var depthMultiplier: Int
    public var activation: ActivationFunction

    public init(padding: Padding = .valid, strideHeight: Int = 1, strideWidth: Int = 1, dilationHeight: Int = 1,
                dilationWidth: Int = 1, depthMultiplier: Int = 1, activation: ActivationFunction = .none) {
        self.padding = padding
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.depthMultiplier = depthMultiplier
        self.activation = activation
    }
}

/// TRANSPOSE_CONV's options.
public struct TransposeConvParameters: Equatable, Sendable {
    public var padding: Padding
    public var strideHeight: Int
    public var strideWidth: Int
    public var activation: ActivationFunction

    public init(padding: Padding = .valid, strideHeight: Int = 1, strideWidth: Int = 1, activation: ActivationFunction = .none) {
        self.padding = padding
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.activation = activation
    }
}

/// AVERAGE_POOL_2D / MAX_POOL_2D options.
public struct Pool2DParameters: Equatable, Sendable {
    public var padding: Padding
    public var strideHeight: Int
    public var strideWidth: Int
    public var filterHeight: Int
    public var filterWidth: Int
    public var activation: ActivationFunction

    public init(padding: Padding = .valid, strideHeight: Int, strideWidth: Int, filterHeight: Int, filterWidth: Int,
                activation: ActivationFunction = .none) {
        self.padding = padding
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.filterHeight = filterHeight
        self.filterWidth = filterWidth
        self.activation = activation
    }
}

/// STRIDED_SLICE's masks.
public struct StridedSliceParameters: Equatable, Sendable {
    public var beginMask = 0
    public var endMask = 0
    public var ellipsisMask = 0
    public var newAxisMask = 0
    public var shrinkAxisMask = 0
    public var offset = false

    public init(beginMask: Int = 0, endMask: Int = 0, ellipsisMask: Int = 0, newAxisMask: Int = 0,
                shrinkAxisMask: Int = 0, offset: Bool = false) {
        self.beginMask = beginMask
        self.endMask = endMask
        self.ellipsisMask = ellipsisMask
        self.newAxisMask = newAxisMask
        self.shrinkAxisMask = shrinkAxisMask
        self.offset = offset
    }
}
