import ArgumentParser
import Foundation
import SwiftletFormat
import SwiftletMicro
import SwiftletTools

/// `swiftlet demo`: the whole path on built-in data, as far as Swiftlet goes today.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build, write, verify, inspect, run and export a sine model, with no input files.",
        discussion: """
            Builds the seed's sine model shape (1 → 16 ReLU → 1 FULLY_CONNECTED) in Swift, writes it as \
            sine_float.tflite, reads it back through the verifier, prints what inspect sees, runs it with the \
            micro interpreter in an arena of exactly the size it needs, measures its error against sin(x), and \
            exports it as a C array for firmware. Training in Swift and int8 quantization join this demo when \
            their issues land.
            """
    )

    @Option(help: "Folder for the files the demo writes (created if missing).")
    var out: String = "swiftlet-demo"

    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let modelPath = (out as NSString).appendingPathComponent("sine_float.tflite")

        print("1. Build the sine model in Swift (16 ReLU hinges interpolating sin on [0, 2π])")
        let bytes = try ModelWriter.serialize(SineModel.definition())
        try AtomicFileWriter.write(bytes, to: modelPath)
        print("   wrote \(modelPath) (\(bytes.count) bytes, buffers 16-byte aligned)")

        print("2. Read it back: every offset and index verified")
        let file = try ModelFile(path: modelPath)
        let report = ModelReport(model: file.model)
        print("   \(report.subgraphs[0].operators.count) operators \(report.operatorCounts), \(report.parameterCount) parameters, \(report.weightBytes) weight bytes, \(report.totalMACs) MACs")

        print("3. Run it with the micro interpreter")
        let resolver = OpResolver([.fullyConnected])
        let needed = try MicroInterpreter.requiredArenaBytes(model: file.model, resolver: resolver)
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: needed, alignment: 16)
        defer { arena.deallocate() }
        var interpreter = try MicroInterpreter(model: file.model, resolver: resolver, arena: arena)
        try interpreter.allocateTensors()
        print("   arena: \(interpreter.arenaUsedBytes) bytes, exactly (activations \(interpreter.headBytes), persistent \(interpreter.tailBytes))")
        var squaredError: Double = 0
        let samples = 1000
        for index in 0..<samples {
            let x = Float(index) / Float(samples - 1) * SineModel.range.upperBound
            try interpreter.input(0).elements(as: Float.self)[0] = x
            try interpreter.invoke()
            let y = try interpreter.output(0).elements(as: Float.self)[0]
            squaredError += Double((y - sin(x)) * (y - sin(x)))
            if index % 200 == 0 {
                print(String(format: "   x = %.3f  sin(x) = %+.4f  model = %+.4f", x, sin(x), y))
            }
        }
        print(String(format: "   mean squared error against sin(x) over %d points: %.6f", samples, squaredError / Double(samples)))

        print("4. Export for firmware")
        let export = try ModelExport.run(modelPath: modelPath, name: "g_sine_model", outputDirectory: out, form: .c)
        print("   " + export.paths.joined(separator: ", "))

        print("Next in Swiftlet: training in Swift, int8 quantization with an accuracy report, and firmware in QEMU.")
    }
}
