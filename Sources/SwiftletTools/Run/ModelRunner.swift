import Foundation
import SwiftletFormat
import SwiftletMicro

/// Runs a model on the host with the micro interpreter over NumPy data:
/// the engine of `swiftlet run` and `swiftlet bench`.
public final class ModelRunner {
    /// The model file.
    public let file: ModelFile
    /// The interpreter, allocated.
    public private(set) var interpreter: MicroInterpreter
    private let arena: UnsafeMutableRawBufferPointer

    /// Prepares `file` with `resolver` in an arena of `arenaBytes` (nil: exactly what it needs).
    public init(file: ModelFile, resolver: OpResolver = .allBuiltins, arenaBytes: Int? = nil) throws(ToolsError) {
        self.file = file
        var size = arenaBytes ?? 0
        if arenaBytes == nil {
            do {
                size = try MicroInterpreter.requiredArenaBytes(model: file.model, resolver: resolver)
            } catch {
                throw .interpreter("\(file.path): \(error.description)")
            }
        }
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 16)
        do {
            // Built in a local first: a throwing class initializer must not leave the arena to deinit.
            var interpreter = try MicroInterpreter(model: file.model, resolver: resolver,
                                                   arena: UnsafeMutableRawBufferPointer(rebasing: arena[0..<size]))
            try interpreter.allocateTensors()
            self.interpreter = interpreter
            self.arena = arena
        } catch {
            arena.deallocate()
            throw .interpreter("\(file.path): \(error.description)")
        }
    }

    deinit { arena.deallocate() }

    /// How samples are laid out in an input array.
    public struct SampleLayout: Equatable {
        /// Number of samples (invocations).
        public var count: Int
        /// Whether the data carried a leading sample dimension (outputs are then stacked).
        public var stacked: Bool
    }

    /// Works out how many samples `array` holds for model input `index`: exactly the
    /// input's shape is one sample; `[N] + shape`, or `[N] + shape.dropFirst()` when the
    /// input's batch is 1, is N samples.
    public func layout(of array: NumPyArray, input index: Int, name: String) throws(ToolsError) -> SampleLayout {
        let view = try inputView(index)
        let shape = view.shape.map(Int.init)
        if array.shape == shape { return SampleLayout(count: 1, stacked: false) }
        if array.shape.count == shape.count + 1, Array(array.shape.dropFirst()) == shape {
            return SampleLayout(count: array.shape[0], stacked: true)
        }
        if shape.first == 1, array.shape.count == shape.count, Array(array.shape.dropFirst()) == Array(shape.dropFirst()) {
            return SampleLayout(count: array.shape[0], stacked: true)
        }
        throw .dataMismatch("\(name): shape \(NumPyShape.describe(array.shape)) does not fit input \(index) of shape \(NumPyShape.describe(shape)); give [N] + \(NumPyShape.describe(shape))\(shape.first == 1 ? " or [N] + \(NumPyShape.describe(Array(shape.dropFirst())))" : "")")
    }

    /// Checks `array`'s type against input `index`, quantizing float data when `quantize` is set.
    public func prepared(_ array: NumPyArray, input index: Int, name: String, quantize: Bool) throws(ToolsError) -> NumPyArray {
        let view = try inputView(index)
        guard let wanted = NumPyDType(view.type) else {
            throw .dataMismatch("input \(index) has type \(ModelReport.typeName(view.type)), which has no NumPy equivalent")
        }
        if array.dtype == wanted { return array }
        let isFloat = array.dtype == .float32 || array.dtype == .float64
        if isFloat && (wanted == .int8 || wanted == .int16 || wanted == .uint8) {
            guard quantize else {
                throw .dataMismatch("\(name) holds \(array.dtype) data but input \(index) is \(wanted) (scale \(view.scale), zero point \(view.zeroPoint)); quantize it yourself, pass --quantize-input to apply the input's scale and zero point, or use the model's float-IO version")
            }
            return try Self.quantize(array, to: wanted, scale: view.scale, zeroPoint: view.zeroPoint)
        }
        if array.dtype == .float64 && wanted == .float32 {
            return try NumPyArray(array.asFloats(), shape: array.shape)
        }
        throw .dataMismatch("\(name) holds \(array.dtype) data but input \(index) is \(wanted)")
    }

    /// `q = clamp(round(x / scale) + zeroPoint)`.
    static func quantize(_ array: NumPyArray, to type: NumPyDType, scale: Float, zeroPoint: Int32) throws(ToolsError) -> NumPyArray {
        let values = array.asFloats()
        func level(_ value: Float, _ low: Float, _ high: Float) -> Float {
            min(max((value / scale).rounded(.toNearestOrAwayFromZero) + Float(zeroPoint), low), high)
        }
        switch type {
        case .int8: return try NumPyArray(values.map { Int8(level($0, -128, 127)) }, shape: array.shape)
        case .int16: return try NumPyArray(values.map { Int16(level($0, -32768, 32767)) }, shape: array.shape)
        default: return try NumPyArray(values.map { UInt8(level($0, 0, 255)) }, shape: array.shape)
        }
    }

    /// Runs every sample; returns one array per output, stacked `[N] + shape` when `stacked`.
    public func run(inputs: [NumPyArray], samples: Int, stacked: Bool,
                    eachOperator: ((Int, Double) -> Void)? = nil) throws(ToolsError) -> [NumPyArray] {
        var outputs = [[UInt8]](repeating: [], count: interpreter.outputCount)
        for sample in 0..<samples {
            for (index, array) in inputs.enumerated() {
                let view = try inputView(index)
                let size = view.byteCount
                guard array.data.count == size * samples else {
                    throw .dataMismatch("input \(index): \(array.data.count) bytes for \(samples) samples of \(size) bytes")
                }
                array.data.withUnsafeBytes { source in
                    view.data!.copyMemory(from: source.baseAddress! + sample * size, byteCount: size)
                }
            }
            do {
                if let eachOperator {
                    for index in 0..<interpreter.operatorCount {
                        let start = DispatchTime.now().uptimeNanoseconds
                        try interpreter.invokeOperator(index)
                        eachOperator(index, Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
                    }
                } else {
                    try interpreter.invoke()
                }
            } catch {
                throw .interpreter("\(file.path): \(error.description)")
            }
            for index in 0..<outputs.count {
                let view = try outputView(index)
                outputs[index] += Array(UnsafeRawBufferPointer(start: view.data, count: view.byteCount))
            }
        }
        var result: [NumPyArray] = []
        for index in 0..<outputs.count {
            let view = try outputView(index)
            guard let dtype = NumPyDType(view.type) else {
                throw .dataMismatch("output \(index) has type \(ModelReport.typeName(view.type)), which has no NumPy equivalent")
            }
            let shape = view.shape.map(Int.init)
            result.append(try NumPyArray(dtype: dtype, shape: stacked ? [samples] + shape : shape, data: outputs[index]))
        }
        return result
    }

    /// Model input `index`.
    public func inputView(_ index: Int) throws(ToolsError) -> TensorView {
        do { return try interpreter.input(index) } catch { throw .interpreter(error.description) }
    }

    /// Model output `index`.
    public func outputView(_ index: Int) throws(ToolsError) -> TensorView {
        do { return try interpreter.output(index) } catch { throw .interpreter(error.description) }
    }

    /// Runs one inference on the current inputs.
    public func invoke() throws(ToolsError) {
        do { try interpreter.invoke() } catch { throw .interpreter("\(file.path): \(error.description)") }
    }
}
