/// A model that is a plain stack of single-input layers.
///
/// ```swift
/// let model = try Sequential(inputShape: [1], [
///     Dense(16, activation: .relu),
///     Dense(16, activation: .relu),
///     Dense(1),
/// ], seed: 1)
/// ```
public final class Sequential: Model {
    /// Stacks `layers` on an input of per-sample shape `inputShape`; weights come from `seed`.
    public init(inputShape: [Int], _ layers: [any Layer], seed: UInt64 = 0, inputName: String = "input") throws {
        guard !layers.isEmpty else { throw TrainError.invalidArgument("a Sequential model needs at least one layer") }
        let input = Input(shape: inputShape, name: inputName)
        var output = input
        for layer in layers { output = layer(output) }
        try super.init(input: input, output: output, seed: seed)
    }
}
