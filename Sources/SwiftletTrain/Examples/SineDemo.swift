import Foundation
import SwiftletConvert
import SwiftletFormat
import SwiftletTools

/// The seed's whole path on the sine model, as `swiftlet demo` runs it: train
/// in Swift, export the float `.tflite`, quantize it to int8 with the training
/// data as calibration, analyse it (flash, arena, MACs, operators, boards),
/// export it as a C array, run it on the micro interpreter and plot it.
/// Every step's text goes to `log`; every file goes to `outputDirectory`.
public struct SineDemo {
    /// Where the files go (created if missing).
    public var outputDirectory: String
    /// Seed of the weights and the shuffling.
    public var seed: UInt64 = 3
    /// Print the loss every this many epochs (and the first and last epoch).
    public var epochsPerLossLine = 50
    /// Receives the demo's text, line by line.
    public var log: (String) -> Void

    public init(outputDirectory: String, log: @escaping (String) -> Void) {
        self.outputDirectory = outputDirectory
        self.log = log
    }

    /// The figures the demo measured.
    public struct Summary: Sendable {
        public var trainingSeconds: Double
        public var finalLoss: Float
        public var floatBytes: Int
        /// MSE of the float model (on the interpreter) against sin(x) on a 1,000-point grid over [0, 2π].
        public var floatMSE: Double
        /// MSE of the float model against the noisy test targets (the Keras-comparable figure).
        public var floatTestMSE: Double
        public var int8Bytes: Int
        /// The same two figures for the int8 model.
        public var int8MSE: Double
        public var int8TestMSE: Double
        /// The int8 model's arena on this host, exact.
        public var arenaBytes: Int
        public var files: [String]
    }

    /// The x values the accuracy is measured on: 1,000 evenly spaced points over [0, 2π].
    public static let grid: [Float] = (0..<1000).map { Float($0) / 999 * 2 * .pi }

    /// Runs every step; throws on the first failure (files already written stay, each one whole).
    @discardableResult
    public func run() throws -> Summary {
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { (outputDirectory as NSString).appendingPathComponent(name) }
        var files: [String] = []

        // 1. Train.
        log("1. Train the sine model in Swift: Dense(16, relu) → Dense(16, relu) → Dense(1), Adam, MSE,")
        log("   500 epochs of batches of 64 over 600 noisy samples of sin(x) (200 more for validation)")
        let data = SineExample.data()
        let model = try SineExample.makeModel(seed: seed)
        let options = SineExample.trainingOptions(seed: seed)
        let start = Date()
        let history = try model.fit(x: data.train.x, y: data.train.y, loss: .meanSquaredError, optimizer: Adam(),
                                    options: options) { [log, epochsPerLossLine] epoch in
            if epoch.epoch == 1 || epoch.epoch % epochsPerLossLine == 0 || epoch.epoch == options.epochs {
                log("   " + epoch.progressLine(epochs: options.epochs))
            }
        }
        let trainingSeconds = Date().timeIntervalSince(start)
        let validationLoss = try model.evaluate(x: data.validation.x, y: data.validation.y, loss: .meanSquaredError)
        log("   trained \(history.epochs.count) epochs in \(Self.format(trainingSeconds, 2)) s; validation loss \(Self.format(Double(validationLoss), 5))")

        // 2. Float model.
        log("2. Export the float model through the converter's graph writer")
        let floatBytes = try model.exportTFLite()
        let floatPath = path("sine_float.tflite")
        try AtomicFileWriter.write(floatBytes, to: floatPath)
        files.append(floatPath)
        let floatFile = try ModelFile(bytes: floatBytes, path: floatPath)
        let floatRunner = try ScalarModelRunner(file: floatFile)
        let floatMSE = try floatRunner.meanSquaredError(at: Self.grid) { sin($0) }
        var testError = 0.0
        for (x, y) in zip(data.test.x.scalars, data.test.y.scalars) {
            testError += pow(Double(try floatRunner(x) - y), 2)
        }
        let floatTestMSE = testError / Double(data.test.x.count)
        log("   \(floatPath): \(floatBytes.count) bytes; MSE against sin(x): \(Self.format(floatMSE, 6)) (1,000 points on [0, 2π]); test-set MSE \(Self.format(floatTestMSE, 6))")

        // 3. Quantize.
        log("3. Quantize to int8 (full integer, int8 input and output), calibrated on the 600 training x")
        let calibration = CalibrationData(samples: data.train.x.scalars.map { [[$0]] })
        let quantized = try Quantizer.quantize(model: floatBytes, calibration: calibration,
                                               options: QuantizationOptions(mode: .int8))
        let int8Path = path("sine_int8.tflite")
        try AtomicFileWriter.write(quantized.bytes, to: int8Path)
        files.append(int8Path)
        let int8File = try ModelFile(bytes: quantized.bytes, path: int8Path)
        let int8Runner = try ScalarModelRunner(file: int8File)
        let int8MSE = try int8Runner.meanSquaredError(at: Self.grid) { sin($0) }
        var int8TestError = 0.0
        for (x, y) in zip(data.test.x.scalars, data.test.y.scalars) {
            int8TestError += pow(Double(try int8Runner(x) - y), 2)
        }
        let int8TestMSE = int8TestError / Double(data.test.x.count)
        log("   \(int8Path): \(quantized.bytes.count) bytes; MSE against sin(x): \(Self.format(int8MSE, 6)); test-set MSE \(Self.format(int8TestMSE, 6))")
        log("             size       MSE vs sin(x)   test-set MSE")
        log("   float32 " + Self.pad("\(floatBytes.count) B", 8) + Self.pad(Self.format(floatMSE, 6), 16) + Self.pad(Self.format(floatTestMSE, 6), 15))
        log("   int8    " + Self.pad("\(quantized.bytes.count) B", 8) + Self.pad(Self.format(int8MSE, 6), 16) + Self.pad(Self.format(int8TestMSE, 6), 15))

        // 4. Analysis.
        log("4. Analysis of \((int8Path as NSString).lastPathComponent)")
        let report = ModelReport(model: int8File.model)
        let arena = report.arena?.hostBytes ?? int8Runner.arenaBytes
        for line in Self.analysis(report, modelBytes: quantized.bytes.count) { log("   " + line) }

        // 5. C array.
        log("5. Export the int8 model for firmware")
        let export = try ModelExport.run(modelPath: int8Path, name: "sine_model_data", outputDirectory: outputDirectory, form: .c)
        files += export.paths
        log("   " + export.paths.joined(separator: ", "))

        // 6. Run and plot.
        log("6. Run on the micro interpreter (arena of exactly \(int8Runner.arenaBytes) bytes for the int8 model)")
        log("        x    sin(x)     int8    float")
        for x: Float in [0.5, 1.0, 1.57, 2.5, 3.14, 4.0, 4.71, 5.5, 6.2] {
            log("   " + [x, sin(x), try int8Runner(x), try floatRunner(x)].map { Self.pad(Self.format(Double($0), 4), 9) }.joined())
        }
        let plotX = stride(from: 0, through: 2 * Float.pi, by: 2 * Float.pi / 200).map { $0 }
        let chart = SVGLineChart(
            title: "Swiftlet sine model on the micro interpreter",
            xLabel: "x", yLabel: "y",
            series: [
                .init(name: "sin(x)", color: "#444444", points: plotX.map { (Double($0), Double(sin($0))) }),
                .init(name: "float32 model", color: "#1f77b4",
                      points: try plotX.map { (Double($0), Double(try floatRunner($0))) }),
                .init(name: "int8 model", color: "#d62728", style: .dots,
                      points: try plotX.map { (Double($0), Double(try int8Runner($0))) }),
            ])
        let svgPath = path("sine.svg")
        try AtomicFileWriter.write(Array(chart.render().utf8), to: svgPath)
        files.append(svgPath)
        log("   \(svgPath): sin(x), the float32 model and the int8 model over [0, 2π]")
        return Summary(trainingSeconds: trainingSeconds, finalLoss: history.epochs.last?.loss ?? .nan,
                       floatBytes: floatBytes.count, floatMSE: floatMSE, floatTestMSE: floatTestMSE,
                       int8Bytes: quantized.bytes.count, int8MSE: int8MSE, int8TestMSE: int8TestMSE,
                       arenaBytes: arena, files: files)
    }

    /// Flash, arena, MACs, operators and board fit, one line each.
    static func analysis(_ report: ModelReport, modelBytes: Int) -> [String] {
        var lines: [String] = []
        lines.append("flash (model): \(modelBytes) bytes; weights \(report.weightBytes) bytes, \(report.parameterCount) parameters")
        if let arena = report.arena {
            lines.append("arena: \(arena.hostBytes) bytes exactly on this host, \(arena.target32Bytes) on a 32-bit MCU")
        } else {
            lines.append("arena: not planned (\(report.arenaError ?? "unsupported operators"))")
        }
        lines.append("MACs per inference: \(report.totalMACs)")
        let operators = report.operatorCounts.sorted { $0.key < $1.key }.map { name, count in
            "\(name) ×\(count) \(report.unsupportedOperators.contains(name) ? "(no micro kernel)" : "(supported)")"
        }
        lines.append("operators: " + operators.joined(separator: ", "))
        let arenaBytes = report.arena?.target32Bytes ?? 0
        for board in Board.catalog {
            let fit = board.fit(modelBytes: modelBytes, arenaBytes: arenaBytes)
            lines.append("\(fit.fits ? "fits" : "does NOT fit") \(board.name) (\(board.microcontroller)): "
                + "model \(format(fit.flashShare * 100, 2))% of \(board.flashBytes / 1024) KB flash, "
                + "arena \(format(fit.ramShare * 100, 2))% of \(board.ramBytes / 1024) KB RAM")
        }
        return lines
    }

    static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(width - text.count, 0)) + text
    }
}
