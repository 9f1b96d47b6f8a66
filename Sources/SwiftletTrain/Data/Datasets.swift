import Foundation

/// Small data sets generated in code, for examples and tests.
public enum Datasets {
    /// A labelled data set: inputs `[samples] + shape` and targets.
    public struct Split: Sendable {
        public var x: Tensor
        public var y: Tensor
    }

    /// The TFLM hello-world sine data: `samples` values of x drawn uniformly from
    /// [0, 2π), y = sin(x) + `noise` · N(0, 1). Shapes `[samples, 1]`.
    public static func sine(samples: Int = 1000, noise: Float = 0.1, seed: UInt64 = 1337) -> Split {
        var generator = SeededGenerator(seed: seed)
        var x = [Float](repeating: 0, count: samples)
        var y = [Float](repeating: 0, count: samples)
        for i in 0..<samples {
            x[i] = generator.nextFloat(in: 0..<(2 * .pi))
            y[i] = Foundation.sin(x[i]) + noise * generator.nextNormal()
        }
        return Split(x: Tensor(unchecked: [samples, 1], scalars: x), y: Tensor(unchecked: [samples, 1], scalars: y))
    }

    /// Tiny `size`×`size`×1 images of a bright line on a noisy background, with
    /// labels 0 (horizontal), 1 (vertical) and 2 (diagonal). Targets `[samples]`
    /// hold class indices (for sparse categorical cross-entropy).
    public static func lines(samples: Int = 300, size: Int = 8, noise: Float = 0.2, seed: UInt64 = 7) -> Split {
        var generator = SeededGenerator(seed: seed)
        var x = [Float](repeating: 0, count: samples * size * size)
        var y = [Float](repeating: 0, count: samples)
        for s in 0..<samples {
            let label = generator.nextIndex(below: 3)
            let position = generator.nextIndex(below: size)
            let image = s * size * size
            for row in 0..<size {
                for column in 0..<size {
                    let onLine: Bool
                    switch label {
                    case 0: onLine = row == position
                    case 1: onLine = column == position
                    default: onLine = (row + column + position) % size == 0
                    }
                    x[image + row * size + column] = (onLine ? 1 : 0) + noise * generator.nextNormal()
                }
            }
            y[s] = Float(label)
        }
        return Split(x: Tensor(unchecked: [samples, size, size, 1], scalars: x), y: Tensor(unchecked: [samples], scalars: y))
    }
}
