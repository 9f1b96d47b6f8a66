import Foundation
import SwiftletFormat
import SwiftletMicro

/// What `swiftlet resolver` writes: Swift source that registers exactly the
/// kernels a model uses and states the arena it needs on a 32-bit target, so
/// firmware links only those kernels and reserves exactly that arena.
///
/// For `person_detect.tflite` with `--name g_model` the file reads
///
/// ```swift
/// import SwiftletMicro
///
/// /// The kernels person_detect.tflite uses (5 operator kinds).
/// public var g_model_resolver: OpResolver {
///     OpResolver([.averagePool2D, .conv2D, .depthwiseConv2D, .reshape, .softmax])
/// }
///
/// /// The tensor arena person_detect.tflite needs on a 32-bit target, in bytes.
/// public let g_model_arenaBytes = 58432
/// ```
///
/// The resolver is a computed property (built on use, nothing global to
/// initialise); the arena size is `swiftlet inspect`'s `arena.target32Bytes`.
public enum ResolverExporter {
    /// A model's kernel needs.
    public struct Requirements: Equatable, Sendable {
        /// The `KernelRegistration` member names (`conv2D`), sorted, one per operator kind.
        public var registrations: [String]
        /// The schema names of those operators (`CONV_2D`), in the same order.
        public var operatorNames: [String]
        /// The arena the model needs on a 32-bit target (``ModelReport/ArenaReport/target32Bytes``).
        public var arenaTarget32Bytes: Int
        /// The arena on this host (64-bit pointers), for reference.
        public var arenaHostBytes: Int
    }

    /// Registration names that are not the lower-camel-case form of the schema's
    /// operator name (`PADV2` is registered as `padV2`). A test checks every
    /// builtin kernel's name against the registrations SwiftletMicro declares.
    static let nameExceptions: [String: String] = ["PADV2": "padV2", "BATCH_MATMUL": "batchMatMul"]

    /// The `KernelRegistration` members of the custom kernels, by custom code
    /// (the name the model's operator code carries).
    public static let customRegistrations: [String: String] = [
        "SignalWindow": "signalWindow", "SignalFftAutoScale": "signalFftAutoScale", "SignalRfft": "signalRfft",
        "SignalEnergy": "signalEnergy", "SignalFilterBank": "signalFilterBank",
        "SignalFilterBankSquareRoot": "signalFilterBankSquareRoot",
        "SignalFilterBankSpectralSubtraction": "signalFilterBankSpectralSubtraction", "SignalPCAN": "signalPCAN",
        "SignalFilterBankLog": "signalFilterBankLog", "CIRCULAR_BUFFER": "circularBuffer",
        "SignalFramer": "signalFramer", "SignalStacker": "signalStacker", "SignalDelay": "signalDelay",
        "SignalOverlapAdd": "signalOverlapAdd", "SignalIrfft": "signalIrfft",
        "TFLite_Detection_PostProcess": "detectionPostProcess",
    ]

    /// The `KernelRegistration` member that registers the builtin operator
    /// named `schemaName` (`DEPTHWISE_CONV_2D` → `depthwiseConv2D`,
    /// `RELU6` → `relu6`, `LEAKY_RELU` → `leakyRelu`).
    public static func registrationName(forOperator schemaName: String) -> String {
        if let name = nameExceptions[schemaName] { return name }
        var result = ""
        for (index, part) in schemaName.split(separator: "_").enumerated() {
            if index == 0 {
                result += part.lowercased()
            } else if part.first?.isNumber == true {
                result += part.uppercased()          // 2D, 3D
            } else {
                result += part.prefix(1).uppercased() + part.dropFirst().lowercased()
            }
        }
        return result
    }

    /// The kernels `model` uses (every subgraph's operators) and its arena sizes.
    /// Custom operators with a Swiftlet kernel (the audio front end, CIRCULAR_BUFFER)
    /// are registered by their `customRegistrations` member.
    /// - Throws: `ToolsError.interpreter` naming every operator Swiftlet has no kernel
    ///   for (unknown custom operators included), or why the arena cannot be planned.
    public static func requirements(of model: Model, path: String) throws(ToolsError) -> Requirements {
        let all = OpResolver.allBuiltins
        var kinds: [(registration: String, name: String)] = []
        var unsupported: [String] = []
        for subgraph in model.subgraphs {
            for op in subgraph.operators {
                let code = model.operatorCode(of: op)
                let name = ModelReport.operatorName(code)
                let customRegistration = code.isCustom ? customRegistrations[name] : nil
                guard !code.isCustom || customRegistration != nil, all.find(code.builtinCode, customName: code.customCode) != nil else {
                    let what = code.isCustom ? "custom operator \(name)" : "\(name) (builtin code \(code.builtinCode.rawValue))"
                    if !unsupported.contains(what) { unsupported.append(what) }
                    continue
                }
                let registration = customRegistration ?? registrationName(forOperator: name)
                if !kinds.contains(where: { $0.registration == registration }) { kinds.append((registration, name)) }
            }
        }
        guard unsupported.isEmpty else {
            throw .interpreter("\(path): Swiftlet has no kernel for \(unsupported.joined(separator: ", ")); a firmware resolver cannot register it. `swiftlet inspect \(path)` lists the model's operators and which are supported")
        }
        kinds.sort { $0.registration < $1.registration }
        let arena: (host: Int, target32: Int)
        do {
            arena = try MicroInterpreter.arenaRequirements(model: model, resolver: all)
        } catch {
            throw .interpreter("\(path): cannot plan the arena: \(error.description)")
        }
        return Requirements(registrations: kinds.map(\.registration), operatorNames: kinds.map(\.name),
                            arenaTarget32Bytes: arena.target32, arenaHostBytes: arena.host)
    }

    /// The Swift source for `requirements`.
    /// - Parameters:
    ///   - name: the prefix of the two declarations (`NAME_resolver`, `NAME_arenaBytes`);
    ///     must satisfy ``CIdentifier/isValid(_:)``.
    ///   - origin: the model's file name, quoted in comments.
    public static func swiftSource(_ requirements: Requirements, name: String, origin: String) -> String {
        let origin = CArrayExporter.commentSafe(origin)
        let members = requirements.registrations.map { ".\($0)" }.joined(separator: ", ")
        let kinds = requirements.registrations.count
        return """
            // \(name)_resolver.swift: generated by `swiftlet resolver` from \(origin). Do not edit;
            // regenerate it when the model changes.
            // Operators: \(requirements.operatorNames.joined(separator: ", ")).

            #if canImport(SwiftletMicro)
            import SwiftletMicro
            #endif

            /// The kernels \(origin) uses (\(kinds) operator kind\(kinds == 1 ? "" : "s")), and no others.
            public var \(name)_resolver: OpResolver {
                OpResolver([\(members)])
            }

            /// The tensor arena \(origin) needs on a 32-bit target, in bytes
            /// (`swiftlet inspect`'s arena.target32Bytes; \(requirements.arenaHostBytes) on a 64-bit host).
            public let \(name)_arenaBytes = \(requirements.arenaTarget32Bytes)

            """
    }

    /// What `swiftlet resolver` did.
    public struct Result: Equatable, Sendable {
        /// The declarations' prefix.
        public var name: String
        /// What the model needs.
        public var requirements: Requirements
        /// The file written, or nil when the source went to standard output.
        public var path: String?
        /// The generated source.
        public var source: String
    }

    /// Reads and verifies the model at `modelPath` and generates its resolver;
    /// writes it to `outputPath` (atomically) unless that is nil.
    /// - Throws: `ToolsError` for a bad `name`, an unreadable or invalid model, an
    ///   unsupported operator, or an unwritable output; nothing is written then.
    @discardableResult
    public static func run(modelPath: String, name: String?, outputPath: String?) throws(ToolsError) -> Result {
        if let name { try CIdentifier.validate(name) }
        let file = try ModelFile(path: modelPath)
        let origin = URL(fileURLWithPath: modelPath).lastPathComponent
        let name = name ?? CIdentifier.derived(fromPath: modelPath)
        let requirements = try requirements(of: file.model, path: modelPath)
        let source = swiftSource(requirements, name: name, origin: origin)
        if let outputPath {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: outputPath, isDirectory: &isDirectory), isDirectory.boolValue {
                throw .invalidArgument("\(outputPath) is a folder; give -o a file name such as \(outputPath)/\(name)_resolver.swift")
            }
            try AtomicFileWriter.write(text: source, to: outputPath)
        }
        return Result(name: name, requirements: requirements, path: outputPath, source: source)
    }
}
