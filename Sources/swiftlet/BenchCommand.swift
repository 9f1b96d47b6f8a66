import ArgumentParser
import Foundation
import SwiftletFormat
import SwiftletMicro
import SwiftletTools

/// `swiftlet bench`: time per invoke and arena bytes.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time a model's invoke() with the micro interpreter (use swift run -c release).",
        discussion: """
            Fills the inputs with seeded pseudo-random data, runs a few warm-up invokes, then times each of \
            --runs invokes and prints the median and minimum in microseconds and the arena bytes, and the \
            median time to verify the model's bytes (Model(bytes:), what every load costs). --json prints \
            {"medianMicroseconds", "minMicroseconds", "arenaBytes", "runs", "verifyMicroseconds"}.
            """
    )

    @Argument(help: "The .tflite model.")
    var model: String

    @Option(help: "Timed invokes.")
    var runs = 50

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        guard runs > 0 else { throw ToolsError.invalidArgument("--runs must be at least 1") }
        let file = try ModelFile(path: model)
        let runner = try ModelRunner(file: file)
        var state: UInt64 = 0x5EED
        for index in 0..<runner.interpreter.inputCount {
            let view = try runner.inputView(index)
            guard let data = view.data else { continue }
            let bytes = data.assumingMemoryBound(to: UInt8.self)
            for offset in 0..<view.byteCount {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes[offset] = UInt8(truncatingIfNeeded: state >> 56)
            }
            if view.type == .float32 {
                // Random bytes make NaNs; use values in [-1, 1).
                let floats = data.assumingMemoryBound(to: Float.self)
                for element in 0..<view.elementCount { floats[element] = Float(Int8(bitPattern: bytes[element * 4])) / 128 }
            }
        }
        for _ in 0..<max(3, runs / 10) { try runner.invoke() }
        var times: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try runner.invoke()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
        }
        times.sort()
        let median = Self.median(times)
        let arena = runner.interpreter.arenaUsedBytes

        var verifyTimes: [Double] = []
        for _ in 0..<max(5, min(runs, 50)) {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try Model(bytes: file.model.bytes)
            verifyTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
        }
        let verify = Self.median(verifyTimes.sorted())
        if json {
            print("{\"arenaBytes\": \(arena), \"medianMicroseconds\": \(median), \"minMicroseconds\": \(times[0]), \"runs\": \(runs), \"verifyMicroseconds\": \(verify)}")
        } else {
            print(String(format: "%@: median %.1f µs, min %.1f µs per invoke over %d runs; arena %d bytes; verifying the %d-byte model takes %.1f µs",
                         (model as NSString).lastPathComponent as NSString, median, times[0], runs, arena, file.byteCount, verify))
        }
    }

    private static func median(_ sorted: [Double]) -> Double {
        sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
