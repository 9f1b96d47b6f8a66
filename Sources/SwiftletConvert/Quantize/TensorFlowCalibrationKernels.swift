import SwiftletFormat
import SwiftletMicro

/// Which float arithmetic calibration runs the model with.
public enum CalibrationKernels: String, CaseIterable, Sendable {
    /// TensorFlow's calibrator's: TFLite's builtin *optimized* float kernels as TF 2.21's x86-64 pip build
    /// runs them (no XNNPACK: the logging op resolver has no delegates; Eigen GEMV/GEBP for
    /// FULLY_CONNECTED and CONV_2D, bias-first depthwise rows, Eigen's tanh / logistic / exp). Gives
    /// TF's recorded ranges bit for bit. The default.
    case tensorFlow = "tensorflow"
    /// The Swiftlet interpreter's kernels (TFLite's reference kernels, as TFLM).
    case reference
}

/// Computes an operator's float output the way TF's calibrator's kernels compute it
/// (`EigenFloatArithmetic`) in place of the interpreter's kernel (its scratch may reuse the memory
/// of inputs that die with the operator), so that later operators see TF's values too. Operators whose optimized float kernel rounds as the reference one
/// (pools, MEAN, elementwise ADD/MUL/…, data movement) are left to the interpreter.
enum TensorFlowCalibrationKernels {
    /// Whether `code` is recomputed.
    static func handles(_ code: BuiltinOperator) -> Bool {
        code == .conv2D || code == .depthwiseConv2D || code == .fullyConnected || code == .softmax
            || code == .tanh || code == .logistic
    }

    /// Computes operator `op` into its output tensor; false, having written nothing, for shapes or
    /// options it does not cover (grouped convolutions, non-float tensors): the interpreter runs it then.
    @discardableResult
    static func recompute(_ op: Operator, code: BuiltinOperator, tensor: (Int) -> TensorView?) -> Bool {
        guard op.outputs.count > 0, let output = tensor(Int(op.outputs[0])), output.type == .float32,
              let outData = output.data?.assumingMemoryBound(to: Float.self),
              op.inputs.count > 0, let input = tensor(Int(op.inputs[0])), input.type == .float32,
              let inPointer = input.data?.assumingMemoryBound(to: Float.self) else { return false }
        // The planner may lay an output over an input that dies with the operator: read from a copy.
        let inputCopy = Array(UnsafeBufferPointer(start: inPointer, count: input.elementCount))
        return inputCopy.withUnsafeBufferPointer { buffer in
            compute(op, code: code, input: input, inData: buffer.baseAddress!, output: output, outData: outData, tensor: tensor)
        }
    }

    private static func compute(_ op: Operator, code: BuiltinOperator, input: TensorView, inData: UnsafePointer<Float>,
                                output: TensorView, outData: UnsafeMutablePointer<Float>, tensor: (Int) -> TensorView?) -> Bool {
        func floats(_ slot: Int) -> UnsafePointer<Float>?? {
            guard op.inputs.count > slot else { return .some(nil) }
            let index = Int(op.inputs[slot])
            guard index >= 0 else { return .some(nil) }
            guard let view = tensor(index), view.type == .float32, let data = view.data else { return nil }
            return .some(UnsafePointer(data.assumingMemoryBound(to: Float.self)))
        }
        let count = output.elementCount
        switch code {
        case .tanh:
            for i in 0..<count { outData[i] = EigenFloatArithmetic.tanh(inData[i]) }
        case .logistic:
            for i in 0..<count { outData[i] = EigenFloatArithmetic.logistic(inData[i]) }
        case .softmax:
            let beta = op.options(SoftmaxOptions.self)?.beta ?? 1
            let depth = input.dimension(input.rank - 1)
            guard depth > 0 else { return false }
            for row in 0..<(count / depth) {
                let x = inData + row * depth, y = outData + row * depth
                var maximum = x[0]
                for j in 1..<depth where x[j] > maximum { maximum = x[j] }
                for j in 0..<depth { y[j] = EigenFloatArithmetic.exp((x[j] - maximum) * beta) }
                let scale = 1 / EigenFloatArithmetic.sum(y, depth)
                for j in 0..<depth { y[j] = y[j] * scale }
            }
        case .fullyConnected:
            guard let weightsSlot = floats(1), let weights = weightsSlot, let biasSlot = floats(2),
                  let filter = tensor(Int(op.inputs[1])), filter.rank == 2 else { return false }
            let units = filter.dimension(0), depth = filter.dimension(1)
            guard depth > 0, input.elementCount % depth == 0 else { return false }
            let batch = input.elementCount / depth
            if batch == 1 {
                EigenFloatArithmetic.gemv(weights: weights, rows: units, depth: depth, x: inData, into: outData)
            } else {
                EigenFloatArithmetic.gebp(weights: weights, rows: units, depth: depth, patches: inData, cols: batch, into: outData)
            }
            let activation = ActivationFunction(rawValue: op.options(FullyConnectedOptions.self)?.fusedActivationFunction ?? 0) ?? .none
            finish(outData, count: batch * units, channels: units, bias: biasSlot, activation: activation)
        case .conv2D:
            guard let options = op.options(Conv2DOptions.self), let weightsSlot = floats(1), let weights = weightsSlot,
                  let biasSlot = floats(2), let filter = tensor(Int(op.inputs[1])), filter.rank == 4,
                  input.rank == 4, output.rank == 4, filter.dimension(3) == input.dimension(3) else { return false }
            let window = Window(input: input, output: output, filterHeight: filter.dimension(1), filterWidth: filter.dimension(2),
                                strideH: Int(options.strideH), strideW: Int(options.strideW),
                                dilationH: Int(options.dilationHFactor), dilationW: Int(options.dilationWFactor),
                                same: options.padding == Padding.same.rawValue)
            let channels = filter.dimension(0), depth = window.filterHeight * window.filterWidth * window.inChannels
            let pixels = window.batch * window.outHeight * window.outWidth
            var patches = [Float](repeating: 0, count: pixels * depth)
            patches.withUnsafeMutableBufferPointer { window.im2col(inData, into: $0.baseAddress!) }
            patches.withUnsafeBufferPointer { p in
                if pixels == 1 {
                    EigenFloatArithmetic.columnMajorGemv(weights: weights, rows: channels, depth: depth, x: p.baseAddress!, into: outData)
                } else {
                    EigenFloatArithmetic.gebp(weights: weights, rows: channels, depth: depth, patches: p.baseAddress!, cols: pixels, into: outData)
                }
            }
            finish(outData, count: pixels * channels, channels: channels, bias: biasSlot,
                   activation: ActivationFunction(rawValue: options.fusedActivationFunction) ?? .none)
        case .depthwiseConv2D:
            guard let options = op.options(DepthwiseConv2DOptions.self), let weightsSlot = floats(1), let weights = weightsSlot,
                  let biasSlot = floats(2), let filter = tensor(Int(op.inputs[1])), filter.rank == 4,
                  input.rank == 4, output.rank == 4 else { return false }
            let window = Window(input: input, output: output, filterHeight: filter.dimension(1), filterWidth: filter.dimension(2),
                                strideH: Int(options.strideH), strideW: Int(options.strideW),
                                dilationH: Int(options.dilationHFactor), dilationW: Int(options.dilationWFactor), same: options.padding == Padding.same.rawValue)
            let outChannels = output.dimension(3)
            guard window.inChannels > 0, outChannels % window.inChannels == 0 else { return false }
            window.depthwise(inData, weights: weights, bias: biasSlot, outChannels: outChannels, into: outData)
            finish(outData, count: count, channels: outChannels, bias: nil,
                   activation: ActivationFunction(rawValue: options.fusedActivationFunction) ?? .none)
        default:
            return false
        }
        return true
    }

    /// Bias added after the product (Eigen's `BiasAndClamp`), then the fused activation's clamp.
    private static func finish(_ out: UnsafeMutablePointer<Float>, count: Int, channels: Int, bias: UnsafePointer<Float>?,
                               activation: ActivationFunction) {
        let (low, high): (Float, Float)
        switch activation {
        case .relu: (low, high) = (0, .infinity)
        case .relu6: (low, high) = (0, 6)
        case .reluN1To1: (low, high) = (-1, 1)
        default: (low, high) = (-.infinity, .infinity)
        }
        for i in 0..<count {
            var v = out[i]
            if let bias { v = v + bias[i % channels] }
            out[i] = min(max(v, low), high)
        }
    }

    /// Geometry of a NHWC convolution window (TFLite's SAME padding: `max(0, ((out−1)·s + (f−1)·d + 1 − in) / 2)`).
    private struct Window {
        let batch, inHeight, inWidth, inChannels, outHeight, outWidth: Int
        let filterHeight, filterWidth, strideH, strideW, dilationH, dilationW, padTop, padLeft: Int

        init(input: TensorView, output: TensorView, filterHeight: Int, filterWidth: Int, strideH: Int, strideW: Int,
             dilationH: Int, dilationW: Int, same: Bool) {
            batch = input.dimension(0); inHeight = input.dimension(1); inWidth = input.dimension(2); inChannels = input.dimension(3)
            outHeight = output.dimension(1); outWidth = output.dimension(2)
            self.filterHeight = filterHeight; self.filterWidth = filterWidth
            self.strideH = strideH; self.strideW = strideW; self.dilationH = dilationH; self.dilationW = dilationW
            padTop = same ? max(0, ((outHeight - 1) * strideH + (filterHeight - 1) * dilationH + 1 - inHeight) / 2) : 0
            padLeft = same ? max(0, ((outWidth - 1) * strideW + (filterWidth - 1) * dilationW + 1 - inWidth) / 2) : 0
        }

        /// Rows of `[ky][kx][c]` input values per output pixel, zeros outside the image.
        func im2col(_ input: UnsafePointer<Float>, into patches: UnsafeMutablePointer<Float>) {
            var offset = 0
            for b in 0..<batch {
                for oy in 0..<outHeight {
                    for ox in 0..<outWidth {
                        for ky in 0..<filterHeight {
                            let iy = oy * strideH - padTop + ky * dilationH
                            for kx in 0..<filterWidth {
                                let ix = ox * strideW - padLeft + kx * dilationW
                                if iy >= 0, iy < inHeight, ix >= 0, ix < inWidth {
                                    let base = ((b * inHeight + iy) * inWidth + ix) * inChannels
                                    for c in 0..<inChannels { patches[offset + c] = input[base + c] }
                                } else {
                                    for c in 0..<inChannels { patches[offset + c] = 0 }
                                }
                                offset += inChannels
                            }
                        }
                    }
                }
            }
        }

        /// TFLite's optimized float depthwise rows: accumulators start at the bias, then each in-image
        /// filter tap (ky outer, kx inner) is added.
        func depthwise(_ input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                       outChannels: Int, into out: UnsafeMutablePointer<Float>) {
            let multiplier = outChannels / inChannels
            for b in 0..<batch {
                for oy in 0..<outHeight {
                    for ox in 0..<outWidth {
                        let o = out + ((b * outHeight + oy) * outWidth + ox) * outChannels
                        for c in 0..<outChannels { o[c] = bias?[c] ?? 0 }
                        for ky in 0..<filterHeight {
                            let iy = oy * strideH - padTop + ky * dilationH
                            guard iy >= 0, iy < inHeight else { continue }
                            for kx in 0..<filterWidth {
                                let ix = ox * strideW - padLeft + kx * dilationW
                                guard ix >= 0, ix < inWidth else { continue }
                                let x = input + ((b * inHeight + iy) * inWidth + ix) * inChannels
                                let w = weights + (ky * filterWidth + kx) * outChannels
                                for c in 0..<outChannels { o[c] = o[c] + x[c / multiplier] * w[c] }
                            }
                        }
                    }
                }
            }
        }
    }
}
