import SwiftletFormat

/// L2_POOL_2D over NHWC float32 activations: `√(Σ x² / n)` over each window's taps inside
/// the image (n counts only those), then the fused activation — TFLM's reference kernel.
public enum L2Pool2D {
    /// The kernel's registration.
    public static var registration: KernelRegistration { KernelRegistration(code: .l2Pool2D, prepare: prepare, eval: eval) }

    struct OpData {
        var batches: Int
        var inputHeight: Int
        var inputWidth: Int
        var depth: Int
        var outputHeight: Int
        var outputWidth: Int
        var filterHeight: Int
        var filterWidth: Int
        var strideHeight: Int
        var strideWidth: Int
        var padTop: Int
        var padLeft: Int
        var floatMin: Float
        var floatMax: Float
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        let input = try context.requiredInput(0)
        let output = try context.requiredOutput(0)
        let options = try context.options(Pool2DOptions.self)
        guard input.type == .float32 else { throw context.unsupported(input) }
        guard output.type == .float32 else { throw context.unsupported(output) }
        guard input.rank == 4, output.rank == 4 else { throw context.invalid("input and output must be 4-D (NHWC)") }
        guard let padding = Padding(rawValue: options.padding), let activation = ActivationFunction(rawValue: options.fusedActivationFunction) else {
            throw context.invalid("unknown padding or fused activation")
        }
        let strideH = Int(options.strideH), strideW = Int(options.strideW)
        let filterH = Int(options.filterHeight), filterW = Int(options.filterWidth)
        guard strideH > 0, strideW > 0, filterH > 0, filterW > 0 else { throw context.invalid("strides and filter sizes must be positive") }
        let height = input.dimension(1), width = input.dimension(2)
        let outputHeight = WindowPadding.outputSize(padding, input: height, filter: filterH, stride: strideH)
        let outputWidth = WindowPadding.outputSize(padding, input: width, filter: filterW, stride: strideW)
        guard output.dimension(0) == input.dimension(0), output.dimension(1) == outputHeight, output.dimension(2) == outputWidth,
              output.dimension(3) == input.dimension(3) else { throw context.invalid("input and output shapes do not agree") }
        let (floatMin, floatMax) = QuantizedMath.activationRange(activation)
        context.setOpData(OpData(
            batches: input.dimension(0), inputHeight: height, inputWidth: width, depth: input.dimension(3),
            outputHeight: outputHeight, outputWidth: outputWidth, filterHeight: filterH, filterWidth: filterW,
            strideHeight: strideH, strideWidth: strideW,
            padTop: WindowPadding.padding(stride: strideH, dilation: 1, input: height, filter: filterH, output: outputHeight).before,
            padLeft: WindowPadding.padding(stride: strideW, dilation: 1, input: width, filter: filterW, output: outputWidth).before,
            floatMin: floatMin, floatMax: floatMax))
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let input = context.input(0, as: Float.self)
        var output = context.output(0, as: Float.self)
        let depth = data.depth
        for batch in 0..<data.batches {
            let image = input + batch * data.inputHeight * data.inputWidth * depth
            for outY in 0..<data.outputHeight {
                let originY = outY * data.strideHeight - data.padTop
                let startY = max(0, -originY), endY = min(data.filterHeight, data.inputHeight - originY)
                for outX in 0..<data.outputWidth {
                    let originX = outX * data.strideWidth - data.padLeft
                    let startX = max(0, -originX), endX = min(data.filterWidth, data.inputWidth - originX)
                    let count = Float(max(endY - startY, 0) * max(endX - startX, 0))
                    for channel in 0..<depth {
                        var squares: Float = 0
                        for filterY in startY..<max(endY, startY) {
                            let row = image + ((originY + filterY) * data.inputWidth + originX) * depth + channel
                            for filterX in startX..<max(endX, startX) {
                                let value = row[filterX * depth]
                                squares += value * value
                            }
                        }
                        output[channel] = min(max((squares / count).squareRoot(), data.floatMin), data.floatMax)
                    }
                    output += depth
                }
            }
        }
    }
}
