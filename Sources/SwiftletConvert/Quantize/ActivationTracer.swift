import SwiftletFormat
import SwiftletMicro
import SwiftletTools

/// Runs a model on the micro interpreter one operator at a time and hands every activation
/// (the model's inputs, then each operator's outputs right after it ran, before the arena reuses
/// their memory) to a visitor as real values. What calibration and the per-tensor report are built on.
final class ActivationTracer {
    let file: ModelFile
    private var interpreter: MicroInterpreter
    private let arena: UnsafeMutableRawBufferPointer

    init(file: ModelFile) throws(ConvertError) {
        self.file = file
        let size: Int
        do {
            size = try MicroInterpreter.requiredArenaBytes(model: file.model, resolver: .allBuiltins)
        } catch {
            throw .invalidInput("\(file.path): the Swiftlet interpreter cannot run this model: \(error.description)")
        }
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 16)
        do {
            var interpreter = try MicroInterpreter(model: file.model, resolver: .allBuiltins,
                                                   arena: UnsafeMutableRawBufferPointer(rebasing: arena[0..<size]))
            try interpreter.allocateTensors()
            self.interpreter = interpreter
            self.arena = arena
        } catch {
            arena.deallocate()
            throw .invalidInput("\(file.path): the Swiftlet interpreter cannot run this model: \(error.description)")
        }
    }

    deinit { arena.deallocate() }

    var inputCount: Int { interpreter.inputCount }
    var outputCount: Int { interpreter.outputCount }

    func input(_ index: Int) throws(ConvertError) -> TensorView {
        do { return try interpreter.input(index) } catch { throw .invalidInput(error.description) }
    }

    func output(_ index: Int) throws(ConvertError) -> TensorView {
        do { return try interpreter.output(index) } catch { throw .invalidInput(error.description) }
    }

    /// Feeds one sample (real values per input; quantized inputs get their scale and zero point
    /// applied), runs every operator and calls `visit(tensorIndex, realValues)` for each input and
    /// for each operator output. With `visit` nil only the outputs matter. With `kernels`
    /// `.tensorFlow` the float outputs of the operators TF's optimized kernels round differently are
    /// computed as TF's calibrator computes them (`TensorFlowCalibrationKernels`) instead of by the interpreter.
    func run(sample: [[Float]], kernels: CalibrationKernels = .reference, visit: ((Int, [Float]) -> Void)?) throws(ConvertError) {
        for (index, values) in sample.enumerated() {
            let view = try input(index)
            try Self.store(values, into: view)
            if let visit, let stored = Self.realValues(of: view) { visit(view.index, stored) }
        }
        let subgraph = file.model.subgraphs[0]
        for index in 0..<interpreter.operatorCount {
            var computed = false
            if kernels == .tensorFlow {
                let op = subgraph.operators[index]
                let code = file.model.operatorCode(of: op).builtinCode
                if TensorFlowCalibrationKernels.handles(code) {
                    let interpreter = self.interpreter
                    computed = TensorFlowCalibrationKernels.recompute(op, code: code) { try? interpreter.tensor($0) }
                }
            }
            if !computed { do { try interpreter.invokeOperator(index) } catch {
                throw .invalidInput("\(file.path): operator \(index) (\(interpreter.operatorCode(index).name.map { "\($0)" } ?? "?")) failed: \(error.description)")
            } }
            guard let visit else { continue }
            for output in subgraph.operators[index].outputs where output >= 0 {
                let view: TensorView
                do { view = try interpreter.tensor(Int(output)) } catch { throw .invalidInput(error.description) }
                if let values = Self.realValues(of: view) { visit(Int(output), values) }
            }
        }
    }

    /// Output `index` of the last run as real values.
    func outputValues(_ index: Int) throws(ConvertError) -> [Float] {
        let view = try output(index)
        guard let values = Self.realValues(of: view) else {
            throw .unsupportedFeature("output \(index) has type \(view.type.name.map { "\($0)" } ?? "?"), which has no real-value reading")
        }
        return values
    }

    /// A tensor's elements as real numbers: float32 as is, int8/int16 dequantized with the
    /// tensor's (per-tensor) scale and zero point; nil for other types.
    static func realValues(of view: TensorView) -> [Float]? {
        let count = view.elementCount
        guard let data = view.data else { return nil }
        switch view.type {
        case .float32:
            return Array(UnsafeBufferPointer(start: data.assumingMemoryBound(to: Float.self), count: count))
        case .int8:
            let scale = view.scale, zeroPoint = view.zeroPoint
            return UnsafeBufferPointer(start: data.assumingMemoryBound(to: Int8.self), count: count).map { Float(Int32($0) - zeroPoint) * scale }
        case .int16:
            let scale = view.scale, zeroPoint = view.zeroPoint
            return UnsafeBufferPointer(start: data.assumingMemoryBound(to: Int16.self), count: count).map { Float(Int32($0) - zeroPoint) * scale }
        default:
            return nil
        }
    }

    static func store(_ values: [Float], into view: TensorView) throws(ConvertError) {
        let count = view.elementCount
        guard values.count == count, let data = view.data else {
            throw .invalidInput("input tensor \(view.index): \(values.count) values for \(count) elements")
        }
        switch view.type {
        case .float32:
            let target = data.assumingMemoryBound(to: Float.self)
            for i in 0..<count { target[i] = values[i] }
        case .int8:
            let target = data.assumingMemoryBound(to: Int8.self)
            for i in 0..<count { target[i] = Int8(QuantizationMath.quantizeActivation(values[i], scale: view.scale, zeroPoint: Int64(view.zeroPoint), low: -128, high: 127)) }
        case .int16:
            let target = data.assumingMemoryBound(to: Int16.self)
            for i in 0..<count { target[i] = Int16(QuantizationMath.quantizeActivation(values[i], scale: view.scale, zeroPoint: Int64(view.zeroPoint), low: -32768, high: 32767)) }
        default:
            throw .unsupportedFeature("input tensor \(view.index) has type \(view.type.name.map { "\($0)" } ?? "?"); only float32, int8 and int16 inputs are fed")
        }
    }
}
