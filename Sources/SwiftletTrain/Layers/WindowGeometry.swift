/// How a convolution or pooling window treats the borders (Keras and TFLite agree).
public enum Padding: Sendable, Equatable {
    /// Only windows that fit inside the input: output = ceil((input − window + 1) / stride).
    case valid
    /// Zero-pad so that output = ceil(input / stride), the extra row/column at the end.
    case same
}

/// The output size and leading padding of a sliding window over an image.
struct WindowGeometry: Equatable {
    var inputHeight: Int, inputWidth: Int
    var windowHeight: Int, windowWidth: Int
    var strideHeight: Int, strideWidth: Int
    var outputHeight: Int, outputWidth: Int
    var padTop: Int, padLeft: Int

    /// Throws when the window does not fit or a size is not positive.
    init(input: (Int, Int), window: (Int, Int), strides: (Int, Int), padding: Padding, layer: String) throws {
        guard input.0 > 0, input.1 > 0, window.0 > 0, window.1 > 0, strides.0 > 0, strides.1 > 0 else {
            throw TrainError.shapeMismatch(
                "\(layer): input \(input), window \(window) and strides \(strides) must all be positive")
        }
        (inputHeight, inputWidth) = input
        (windowHeight, windowWidth) = window
        (strideHeight, strideWidth) = strides
        func size(_ input: Int, _ window: Int, _ stride: Int) -> (Int, Int) {
            switch padding {
            case .valid:
                return ((input - window + stride) / stride, 0)
            case .same:
                let output = (input + stride - 1) / stride
                let total = max((output - 1) * stride + window - input, 0)
                return (output, total / 2)
            }
        }
        (outputHeight, padTop) = size(input.0, window.0, strides.0)
        (outputWidth, padLeft) = size(input.1, window.1, strides.1)
        guard outputHeight > 0, outputWidth > 0 else {
            throw TrainError.shapeMismatch(
                "\(layer): a \(window.0)×\(window.1) window does not fit a \(input.0)×\(input.1) input with valid padding; use .same or a smaller window")
        }
    }
}
