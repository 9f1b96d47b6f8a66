import SwiftletFormat
import SwiftletTools

/// The recorded range of one float tensor.
public struct TensorRange: Equatable, Sendable {
    public var min: Float
    public var max: Float

    public init(min: Float, max: Float) {
        self.min = min
        self.max = max
    }
}

/// Runs the float model over the calibration samples on the Swiftlet interpreter and records,
/// for every float activation, the global minimum and maximum over all elements of all samples
/// (TF's `MinMax` logger: no averaging; NaNs are skipped and reported).
public enum Calibrator {
    /// Ranges by tensor index, and one warning per tensor that saw NaNs.
    ///
    /// Like TF's calibrator, the inputs of an operator are read after it ran; TF's arena lets ADD,
    /// SUB, MUL and DIV write their output over an input that nothing else reads (same size, not a
    /// model input or constant, output not a model output), so that input's range also takes in
    /// the output's values. That is reproduced here. `kernels` picks the float arithmetic: TF's
    /// calibrator's (the default, bit-equal ranges) or the interpreter's reference kernels.
    public static func ranges(file: ModelFile, data: CalibrationData, kernels: CalibrationKernels = .tensorFlow,
                              progress: ((Int, Int) -> Void)? = nil) throws(ConvertError) -> (ranges: [Int: TensorRange], warnings: [String]) {
        let tracer = try ActivationTracer(file: file)
        var ranges: [Int: TensorRange] = [:]
        var nanCounts: [Int: Int] = [:]
        let tensors = file.model.subgraphs[0].tensors
        let overwritten = overwrittenInputs(file.model)
        for (index, sample) in data.samples.enumerated() {
            try tracer.run(sample: sample, kernels: kernels) { tensor, values in
                guard tensors[tensor].type == .float32 else { return }
                for target in [tensor] + (overwritten[tensor].map { [$0] } ?? []) {
                    var range = ranges[target] ?? TensorRange(min: .infinity, max: -.infinity)
                    for value in values {
                        if value.isNaN {
                            if target == tensor { nanCounts[tensor, default: 0] += 1 }
                            continue
                        }
                        if value < range.min { range.min = value }
                        if value > range.max { range.max = value }
                    }
                    ranges[target] = range
                }
            }
            progress?(index + 1, data.samples.count)
        }
        let warnings = nanCounts.keys.sorted().map { tensor in
            "tensor \(tensor) '\(tensors[tensor].name?.string ?? "")': \(nanCounts[tensor]!) NaN values skipped during calibration"
        }
        return (ranges, warnings)
    }

    /// Output tensor → the input TF's arena planner would share it with (TFLite `ArenaPlanner::
    /// IdentifyInPlaceTensors` for operators that declare input 0 or 1 shareable).
    static func overwrittenInputs(_ model: Model) -> [Int: Int] {
        let subgraph = model.subgraphs[0]
        var uses: [Int: Int] = [:]
        for output in subgraph.outputs { uses[Int(output), default: 0] += 1 }
        for op in subgraph.operators {
            for input in op.inputs where input >= 0 { uses[Int(input), default: 0] += 1 }
        }
        let graphInputs = Set(subgraph.inputs.map(Int.init)), graphOutputs = Set(subgraph.outputs.map(Int.init))
        var result: [Int: Int] = [:]
        for op in subgraph.operators {
            let code = model.operatorCode(of: op).builtinCode
            guard code == .add || code == .sub || code == .mul || code == .div, op.outputs.count > 0 else { continue }
            let output = Int(op.outputs[0])
            let outputTensor = subgraph.tensors[output]
            guard !graphOutputs.contains(output), let outputBytes = outputTensor.byteCount else { continue }
            for input in op.inputs.prefix(2) where input >= 0 {
                let tensor = subgraph.tensors[Int(input)]
                let isConstant = tensor.bufferIndex != 0 && model.buffers[tensor.bufferIndex].inlineData.count > 0
                guard !isConstant, !graphInputs.contains(Int(input)), tensor.byteCount == outputBytes, outputBytes > 8,
                      uses[Int(input)] == 1 else { continue }
                result[output] = Int(input)
                break
            }
        }
        return result
    }
}
