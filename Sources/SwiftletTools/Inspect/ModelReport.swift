import Foundation
import SwiftletFormat
import SwiftletMicro

/// Everything `swiftlet inspect` reports about a model; encodes to the stable
/// JSON documented in the README (keys sorted, additions only).
public struct ModelReport: Codable, Equatable {
    /// File size in bytes.
    public var fileBytes: Int
    /// Schema version.
    public var schemaVersion: UInt32
    /// The model's description string.
    public var description: String?
    /// Metadata entry names with their sizes.
    public var metadata: [MetadataEntry]
    /// Signatures.
    public var signatures: [Signature]
    /// One entry per subgraph; 0 is the main graph.
    public var subgraphs: [SubgraphReport]
    /// Sum over subgraphs of constant tensor elements.
    public var parameterCount: Int
    /// Bytes of constant tensor data (each buffer once).
    public var weightBytes: Int
    /// MACs of one run of the main graph (subgraph 0): control-flow operators (IF, WHILE,
    /// CALL_ONCE) count 0, and the subgraphs they call are not included (a WHILE's trip
    /// count depends on the data); `subgraphs[k].totalMACs` gives each subgraph's MACs per call.
    public var totalMACs: Int
    /// Operator name → count, over all subgraphs.
    public var operatorCounts: [String: Int]
    /// The arena the micro interpreter needs, when every operator has a kernel.
    public var arena: ArenaReport?
    /// Operators (by name) the micro interpreter has no kernel for.
    public var unsupportedOperators: [String]
    /// Why the arena could not be planned, when it could not.
    public var arenaError: String?
    /// One entry per distinct operator and type in the model: whether Swiftlet and TFLM run it.
    public var operatorSupport: [SupportEntry]
    /// Whether Swiftlet's micro interpreter runs the whole model (every kernel prepared).
    public var swiftletRunsModel: Bool
    /// Whether TFLM's reference kernels cover every operator and type of the model.
    public var tflmRunsModel: Bool

    public struct SupportEntry: Codable, Equatable {
        /// Operator name (`CONV_2D`, or the custom code).
        public var op: String
        /// The data input's type (`INT8`), `A→B` for conversions, or a hybrid label.
        public var type: String
        /// How many operators of the model have this name and type.
        public var count: Int
        public var swiftlet: Bool
        public var tflm: Bool
    }

    public struct ArenaReport: Codable, Equatable {
        /// Exact bytes on this (64-bit) host.
        public var hostBytes: Int
        /// Bytes on a 32-bit microcontroller (exact for the interpreter's tables; kernels'
        /// op data counted at host size, so at most a few bytes per operator too many).
        public var target32Bytes: Int
    }

    public struct MetadataEntry: Codable, Equatable {
        public var name: String
        public var bytes: Int
    }

    public struct Signature: Codable, Equatable {
        public var key: String?
        public var subgraph: Int
        public var inputs: [String: Int]
        public var outputs: [String: Int]
    }

    public struct SubgraphReport: Codable, Equatable {
        public var index: Int
        public var name: String?
        public var inputs: [Int]
        public var outputs: [Int]
        public var tensors: [TensorReport]
        public var operators: [OperatorReport]
        public var operatorCounts: [String: Int]
        public var parameterCount: Int
        public var weightBytes: Int
        public var totalMACs: Int
    }

    public struct TensorReport: Codable, Equatable {
        public var index: Int
        public var name: String?
        /// Schema type name (`INT8`), or `TYPE_<n>` for an unknown code.
        public var type: String
        public var shape: [Int]
        /// Present when it differs from `shape` (dynamic dimensions are −1).
        public var shapeSignature: [Int]?
        /// Bytes of the tensor's data (from shape and type), nil when unsized.
        public var bytes: Int?
        /// Whether the tensor holds constant data from a buffer.
        public var isConstant: Bool
        public var isVariable: Bool
        public var buffer: Int
        public var quantization: QuantizationReport?
    }

    public struct QuantizationReport: Codable, Equatable {
        public var scale: [Float]
        public var zeroPoint: [Int64]
        public var quantizedDimension: Int
        public var min: [Float]?
        public var max: [Float]?
    }

    public struct OperatorReport: Codable, Equatable {
        public var index: Int
        /// Schema name (`CONV_2D`), the custom code for custom operators, or `BUILTIN_<n>`.
        public var op: String
        public var builtinCode: Int32
        public var version: Int32
        public var customCode: String?
        public var inputs: [Int]
        public var outputs: [Int]
        /// Builtin options, every field of the options table by schema name (defaults included).
        public var options: [String: JSONValue]
        public var macs: Int
    }
}

extension ModelReport {
    /// Builds the report of a verified model.
    public init(model: Model) {
        fileBytes = model.bytes.count
        schemaVersion = model.version
        description = model.modelDescription?.string
        metadata = model.metadata.map { MetadataEntry(name: $0.name?.string ?? "", bytes: model.buffers[$0.bufferIndex].data.count) }
        signatures = model.signatureDefs.map { signature in
            var inputs: [String: Int] = [:]
            var outputs: [String: Int] = [:]
            for map in signature.inputs { inputs[map.name?.string ?? ""] = map.tensorIndex }
            for map in signature.outputs { outputs[map.name?.string ?? ""] = map.tensorIndex }
            return Signature(key: signature.signatureKey?.string, subgraph: signature.subgraphIndex, inputs: inputs, outputs: outputs)
        }
        subgraphs = []
        var countedBuffers = Set<Int>()
        for (index, subgraph) in model.subgraphs.enumerated() {
            subgraphs.append(Self.report(subgraph, index: index, model: model, countedBuffers: &countedBuffers))
        }
        parameterCount = subgraphs.reduce(0) { $0 + $1.parameterCount }
        weightBytes = subgraphs.reduce(0) { $0 + $1.weightBytes }
        totalMACs = subgraphs.first?.totalMACs ?? 0
        operatorCounts = [:]
        for subgraph in subgraphs {
            for (name, count) in subgraph.operatorCounts { operatorCounts[name, default: 0] += count }
        }
        let resolver = OpResolver.allBuiltins
        var unsupported: [String] = []
        for code in model.operatorCodes where resolver.find(code.builtinCode, customName: code.customCode) == nil {
            let name = Self.operatorName(code)
            if !unsupported.contains(name) { unsupported.append(name) }
        }
        unsupportedOperators = unsupported
        arena = nil
        arenaError = nil
        if unsupported.isEmpty {
            do {
                let needs = try MicroInterpreter.arenaRequirements(model: model, resolver: resolver)
                arena = ArenaReport(hostBytes: needs.host, target32Bytes: needs.target32)
            } catch {
                arenaError = error.description
            }
        }
        swiftletRunsModel = arena != nil
        var support: [SupportEntry] = []
        for subgraph in subgraphs {
            let types = subgraph.tensors.map(\.type)
            func typeOf(_ index: Int) -> String? { index >= 0 && index < types.count ? types[index] : nil }
            for op in subgraph.operators {
                let label = OperatorSupport.typeLabel(op: op.op, inputTypes: op.inputs.map(typeOf), outputTypes: op.outputs.map(typeOf))
                if let existing = support.firstIndex(where: { $0.op == op.op && $0.type == label }) {
                    support[existing].count += 1
                    continue
                }
                let registered = !unsupported.contains(op.op)
                support.append(SupportEntry(
                    op: op.op, type: label, count: 1,
                    swiftlet: swiftletRunsModel || (registered && OperatorSupport.covers(OperatorSupport.swiftlet[op.op], label)),
                    tflm: OperatorSupport.covers(OperatorSupport.tflm[op.op], label)))
            }
        }
        operatorSupport = support
        tflmRunsModel = support.allSatisfy(\.tflm)
    }

    private static func report(_ subgraph: SubGraph, index: Int, model: Model, countedBuffers: inout Set<Int>) -> SubgraphReport {
        var tensors: [TensorReport] = []
        var parameters = 0
        var weightBytes = 0
        for (tensorIndex, tensor) in subgraph.tensors.enumerated() {
            let data = model.data(of: tensor)
            if let data, countedBuffers.insert(tensor.bufferIndex).inserted {
                parameters += tensor.elementCount ?? 0
                weightBytes += data.count
            }
            let shape = tensor.shape.map(Int.init)
            let signature = tensor.shapeSignature.map(Int.init)
            tensors.append(TensorReport(
                index: tensorIndex,
                name: tensor.name?.string,
                type: typeName(tensor.type),
                shape: shape,
                shapeSignature: signature.isEmpty || signature == shape ? nil : signature,
                bytes: tensor.byteCount,
                isConstant: data != nil,
                isVariable: tensor.isVariable,
                buffer: tensor.bufferIndex,
                quantization: tensor.quantization.flatMap { parameters in
                    guard parameters.isQuantized || !parameters.min.isEmpty else { return nil }
                    return QuantizationReport(
                        scale: Array(parameters.scale), zeroPoint: Array(parameters.zeroPoint),
                        quantizedDimension: Int(parameters.quantizedDimension),
                        min: parameters.min.isEmpty ? nil : Array(parameters.min),
                        max: parameters.max.isEmpty ? nil : Array(parameters.max))
                }))
        }
        var operators: [OperatorReport] = []
        var counts: [String: Int] = [:]
        for (opIndex, op) in subgraph.operators.enumerated() {
            let code = model.operatorCode(of: op)
            let name = operatorName(code)
            counts[name, default: 0] += 1
            operators.append(OperatorReport(
                index: opIndex, op: name, builtinCode: code.builtinCode.rawValue, version: code.version,
                customCode: code.customCode?.string,
                inputs: op.inputs.map(Int.init), outputs: op.outputs.map(Int.init),
                options: options(of: op),
                macs: MACCounter.macs(of: op, in: subgraph, model: model)))
        }
        return SubgraphReport(
            index: index, name: subgraph.name?.string,
            inputs: subgraph.inputs.map(Int.init), outputs: subgraph.outputs.map(Int.init),
            tensors: tensors, operators: operators, operatorCounts: counts,
            parameterCount: parameters, weightBytes: weightBytes,
            totalMACs: operators.reduce(0) { $0 + $1.macs })
    }

    /// The schema's name of a tensor type.
    public static func typeName(_ type: TensorType) -> String {
        type.name.map { "\($0)" } ?? "TYPE_\(type.rawValue)"
    }

    /// The name a report uses for an operator code.
    public static func operatorName(_ code: OperatorCode) -> String {
        if code.isCustom, let custom = code.customCode { return custom.string }
        return code.builtinCode.name.map { "\($0)" } ?? "BUILTIN_\(code.builtinCode.rawValue)"
    }

    /// Every field of an operator's options table, defaults included.
    static func options(of op: Operator) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for (union, tag, table) in [(SchemaUnion.builtinOptions, op.builtinOptionsType, op.builtinOptionsTable),
                                    (SchemaUnion.builtinOptions2, op.builtinOptions2Type, op.builtinOptions2Table)] {
            guard let table, let schema = union.table(forType: tag) else { continue }
            for field in schema.fields {
                let name = "\(field.name)"
                let id = field.id
                switch field.kind {
                case .scalar(let type):
                    let present = table.has(field: id)
                    switch type {
                    case .bool: result[name] = .bool(present ? table.scalar(field: id, default: false) : field.defaultValue != 0)
                    case .float32: result[name] = .double(Double(present ? table.scalar(field: id, default: Float(0)) : Float(field.defaultValue)))
                    case .float64: result[name] = .double(present ? table.scalar(field: id, default: 0.0) : field.defaultValue)
                    case .int8: result[name] = .int(Int64(present ? table.scalar(field: id, default: Int8(0)) : Int8(field.defaultValue)))
                    case .int16: result[name] = .int(Int64(present ? table.scalar(field: id, default: Int16(0)) : Int16(field.defaultValue)))
                    case .int32: result[name] = .int(Int64(present ? table.scalar(field: id, default: Int32(0)) : Int32(field.defaultValue)))
                    case .int64: result[name] = .int(present ? table.scalar(field: id, default: Int64(0)) : Int64(field.defaultValue))
                    case .uint8: result[name] = .uint(UInt64(present ? table.scalar(field: id, default: UInt8(0)) : UInt8(field.defaultValue)))
                    case .uint16: result[name] = .uint(UInt64(present ? table.scalar(field: id, default: UInt16(0)) : UInt16(field.defaultValue)))
                    case .uint32: result[name] = .uint(UInt64(present ? table.scalar(field: id, default: UInt32(0)) : UInt32(field.defaultValue)))
                    case .uint64: result[name] = .uint(present ? table.scalar(field: id, default: UInt64(0)) : UInt64(field.defaultValue))
                    }
                case .scalarVector(let type):
                    guard table.isPresent(field: id) else { continue }
                    switch type {
                    case .int32: result[name] = .array(table.vector(field: id, of: Int32.self).map { .int(Int64($0)) })
                    case .int64: result[name] = .array(table.vector(field: id, of: Int64.self).map { .int($0) })
                    case .float32: result[name] = .array(table.vector(field: id, of: Float.self).map { .double(Double($0)) })
                    case .bool: result[name] = .array(table.vector(field: id, of: Bool.self).map { .bool($0) })
                    case .uint8: result[name] = .array(table.vector(field: id, of: UInt8.self).map { .uint(UInt64($0)) })
                    case .uint16: result[name] = .array(table.vector(field: id, of: UInt16.self).map { .uint(UInt64($0)) })
                    case .uint32: result[name] = .array(table.vector(field: id, of: UInt32.self).map { .uint(UInt64($0)) })
                    default: continue
                    }
                case .string:
                    if let text = table.string(field: id) { result[name] = .string(text.string) }
                default:
                    continue
                }
            }
        }
        return result
    }

    /// The report as stable, pretty-printed JSON (keys sorted).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
