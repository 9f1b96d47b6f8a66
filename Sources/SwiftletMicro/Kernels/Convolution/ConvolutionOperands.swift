import SwiftletFormat

/// The builtin options all three convolutions read the same way.
protocol ConvolutionOptions: OptionsTableView {
    var padding: Int8 { get }
    var fusedActivationFunction: Int8 { get }
    var strideH: Int32 { get }
    var strideW: Int32 { get }
}

extension Conv2DOptions: ConvolutionOptions {}
extension DepthwiseConv2DOptions: ConvolutionOptions {}
extension TransposeConvOptions: ConvolutionOptions {}

/// The element types of a convolution: float32 throughout, int8 activations
/// with int8 filters, or int16 activations with int8 filters (and whether the
/// bias is int64).
enum ConvolutionElements {
    case float32, int8, int16(int64Bias: Bool)

    /// The element types alone, as DEPTHWISE_CONV_2D and TRANSPOSE_CONV dispatch on them.
    var kind: NumericKind {
        switch self {
        case .float32: .float32
        case .int8: .int8
        case .int16: .int16
        }
    }
}

/// What CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV read and check first in
/// `prepare`, in this order: input, filter and bias tensors, output, options,
/// fused activation, padding, 4-D ranks, matching input and output types, then
/// the filter and bias types for the input's type.
struct ConvolutionOperands<Options: ConvolutionOptions> {
    var input: TensorView
    var filter: TensorView
    var bias: TensorView?
    var output: TensorView
    var options: Options
    var activation: ActivationFunction
    var padding: Padding
    var elements: ConvolutionElements

    /// - Parameters:
    ///   - rankMessage: the error when a tensor is not 4-D.
    ///   - hybridMessage: the error for a float input with an int8 filter.
    ///   - int4Message: the error for an int8 input with an int4 filter (nil: the plain unsupported-type error).
    ///   - int16AcceptsInt32Bias: int16 activations may have an int32 bias as well as an int64 one
    ///     (CONV_2D); otherwise TFLM reads the int16 path's bias as int64 only.
    init(_ context: inout PrepareContext, _ optionsType: Options.Type, inputSlot: Int, filterSlot: Int, biasSlot: Int,
         rankMessage: StaticString, hybridMessage: StaticString, int4Message: StaticString?,
         int16AcceptsInt32Bias: Bool) throws(MicroError) {
        if filterSlot < inputSlot {
            filter = try context.requiredInput(filterSlot)
            input = try context.requiredInput(inputSlot)
        } else {
            input = try context.requiredInput(inputSlot)
            filter = try context.requiredInput(filterSlot)
        }
        bias = context.input(biasSlot)
        output = try context.requiredOutput(0)
        options = try context.options(Options.self)
        activation = try convolutionActivation(options.fusedActivationFunction, context)
        guard let padding = Padding(rawValue: options.padding) else { throw context.invalid("unknown padding") }
        self.padding = padding
        guard input.rank == 4, filter.rank == 4, output.rank == 4 else { throw context.invalid(rankMessage) }
        guard input.type == output.type else { throw context.unsupported(output) }

        switch input.type {
        case .float32:
            guard filter.type == .float32 else {
                throw filter.type == .int8 ? .unsupportedFeature(hybridMessage) : context.unsupported(filter)
            }
            if let bias, bias.type != .float32 { throw context.unsupported(bias) }
            elements = .float32
        case .int8:
            guard filter.type == .int8 else {
                if let int4Message, filter.type == .int4 { throw .unsupportedFeature(int4Message) }
                throw context.unsupported(filter)
            }
            if let bias, bias.type != .int32 { throw context.unsupported(bias) }
            elements = .int8
        case .int16:
            guard filter.type == .int8 else { throw context.unsupported(filter) }
            if let bias, bias.type != .int64, !(int16AcceptsInt32Bias && bias.type == .int32) { throw context.unsupported(bias) }
            elements = .int16(int64Bias: bias?.type == .int64)
        default:
            throw context.unsupported(input)
        }
    }

    /// A forward convolution's strides and dilation factors, which must be positive.
    func stridesAndDilation(_ context: borrowing PrepareContext, dilationHeight: Int32, dilationWidth: Int32)
        throws(MicroError) -> (strideHeight: Int, strideWidth: Int, dilationHeight: Int, dilationWidth: Int) {
        let strides = (Int(options.strideH), Int(options.strideW)), dilation = (Int(dilationHeight), Int(dilationWidth))
        guard strides.0 > 0, strides.1 > 0, dilation.0 > 0, dilation.1 > 0 else {
            throw context.invalid("strides and dilation factors must be positive")
        }
        return (strides.0, strides.1, dilation.0, dilation.1)
    }

    /// A forward convolution's window (CONV_2D, DEPTHWISE_CONV_2D): checks that
    /// the output's height and width follow from the padding, then finds the padding.
    func forwardWindow(_ context: borrowing PrepareContext, filterHeight: Int, filterWidth: Int, outputDepth: Int,
                       strideHeight: Int, strideWidth: Int, dilationHeight: Int, dilationWidth: Int) throws(MicroError) -> ConvolutionWindow {
        let inputHeight = input.dimension(1), inputWidth = input.dimension(2)
        let outputHeight = WindowPadding.outputSize(padding, input: inputHeight, filter: filterHeight, stride: strideHeight, dilation: dilationHeight)
        let outputWidth = WindowPadding.outputSize(padding, input: inputWidth, filter: filterWidth, stride: strideWidth, dilation: dilationWidth)
        guard output.dimension(1) == outputHeight, output.dimension(2) == outputWidth else {
            throw context.invalid("the output's height and width do not follow from the padding")
        }
        let top = WindowPadding.padding(stride: strideHeight, dilation: dilationHeight, input: inputHeight, filter: filterHeight, output: outputHeight)
        let left = WindowPadding.padding(stride: strideWidth, dilation: dilationWidth, input: inputWidth, filter: filterWidth, output: outputWidth)
        return ConvolutionWindow(
            batches: input.dimension(0), inputHeight: inputHeight, inputWidth: inputWidth, inputDepth: input.dimension(3),
            filterHeight: filterHeight, filterWidth: filterWidth,
            outputHeight: outputHeight, outputWidth: outputWidth, outputDepth: outputDepth,
            strideHeight: strideHeight, strideWidth: strideWidth, dilationHeight: dilationHeight, dilationWidth: dilationWidth,
            paddingTop: top.before, paddingLeft: left.before)
    }

    /// Sets the fused activation's float clamp range (float32) or the per-channel
    /// requantization (quantized kinds, filter quantized along `quantizedDimension`).
    func setOutputRange(_ context: inout PrepareContext, floatMin: inout Float, floatMax: inout Float,
                        requantization: inout ChannelRequantization, channels: Int, quantizedDimension: Int) throws(MicroError) {
        if case .float32 = elements {
            (floatMin, floatMax) = QuantizedMath.activationRange(activation)
        } else {
            requantization = try ChannelRequantization.prepare(
                &context, input: input, filter: filter, output: output, activation: activation,
                channels: channels, quantizedDimension: quantizedDimension)
        }
    }
}
