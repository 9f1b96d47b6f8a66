import ArgumentParser
import Foundation
import SwiftletTrain

/// `swiftlet demo`: the seed's whole path on the sine model, with no input files.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train, export, analyse, run and plot the sine model, with no input files.",
        discussion: """
            Trains the TFLM hello-world sine model (Dense 16 relu → Dense 16 relu → Dense 1, Adam, MSE, \
            500 epochs, batch 64) in Swift on generated noisy samples of sin(x), printing the loss; writes \
            sine_float.tflite through the converter's graph writer and measures its error against sin(x) on the \
            micro interpreter; prints flash, exact arena bytes, MACs, operators and whether it fits three boards; \
            writes sine_model_data.cc/.h for firmware; prints predicted against true sin(x) for a few x; and \
            plots both curves in sine.svg. Deterministic: the same files on every run.
            """
    )

    @Option(help: "Folder for the files the demo writes (created if missing).")
    var out: String = "swiftlet-demo"

    @Option(help: "Seed of the initial weights and of the shuffling order (the same seed gives the same files).")
    var seed: UInt64 = 3

    func run() throws {
        var demo = SineDemo(outputDirectory: out) { print($0) }
        demo.seed = seed
        try demo.run()
    }
}
