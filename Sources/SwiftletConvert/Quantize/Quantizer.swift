import SwiftletFormat
import SwiftletTools

/// Post-training quantization of a float32 `.tflite` model, parameter-exact with TensorFlow's
/// converter on the same model and calibration data (see the README's "Quantize a model").
///
/// ```swift
/// let result = try Quantizer.quantize(model: floatBytes, calibration: data, options: .init(mode: .int8))
/// try result.bytes.write(...)
/// ```
public enum Quantizer {
    /// What a quantization run produced.
    public struct Result {
        /// The quantized model's file bytes.
        public var bytes: [UInt8]
        /// The quantized model, editable.
        public var definition: ModelDefinition
        /// Calibrated ranges by float-model tensor index (empty for modes without calibration).
        public var ranges: [Int: TensorRange]
        /// Non-fatal problems (NaNs skipped during calibration, …).
        public var warnings: [String]
    }

    /// Quantizes the float model in `model` (file bytes). `calibration` is required for the
    /// full-integer modes and ignored otherwise; `progress(done, total)` is called per sample.
    public static func quantize(model: [UInt8], calibration: CalibrationData?, options: QuantizationOptions = QuantizationOptions(),
                                progress: ((Int, Int) -> Void)? = nil) throws(ConvertError) -> Result {
        let file: ModelFile
        do { file = try ModelFile(bytes: model) } catch { throw .invalidInput(error.description) }
        return try quantize(file: file, calibration: calibration, options: options, progress: progress)
    }

    /// As `quantize(model:…)`, for a model already loaded.
    public static func quantize(file: ModelFile, calibration: CalibrationData?, options: QuantizationOptions = QuantizationOptions(),
                                progress: ((Int, Int) -> Void)? = nil) throws(ConvertError) -> Result {
        guard options.mode.needsCalibration else { return try quantize(file: file, ranges: [:], options: options) }
        guard let calibration, !calibration.samples.isEmpty else {
            throw .invalidInput("mode \(options.mode.rawValue) needs calibration data (--calibration)")
        }
        // Refuse a quantized model or an unsupported operator before running anything.
        _ = try FullIntegerQuantizer(definition: try definition(of: file), ranges: [:], mode: options.mode, perTensor: options.perTensor).checkedSource()
        let calibrated = try Calibrator.ranges(file: file, data: calibration, kernels: options.calibrationKernels, progress: progress)
        var result = try quantize(file: file, ranges: calibrated.ranges, options: options)
        result.warnings = calibrated.warnings
        return result
    }

    /// Quantizes with ranges recorded elsewhere (tensor index of the float model → min/max), e.g.
    /// by TF's calibrator: the parameter math without the calibration run.
    public static func quantize(file: ModelFile, ranges: [Int: TensorRange], options: QuantizationOptions) throws(ConvertError) -> Result {
        let source = try definition(of: file)
        let definition: ModelDefinition
        switch options.mode {
        case .int8, .int8FloatIO, .int16x8:
            var quantizer = FullIntegerQuantizer(definition: source, ranges: ranges, mode: options.mode, perTensor: options.perTensor)
            definition = try quantizer.quantize()
        case .dynamicRange:
            definition = try WeightOnlyQuantizer.dynamicRange(source, perTensor: options.perTensor, minimumElements: options.dynamicRangeMinimumElements)
        case .float16:
            definition = try WeightOnlyQuantizer.float16(source)
        }
        let bytes: [UInt8]
        do { bytes = try ModelWriter.serialize(definition) } catch { throw .invalidInput("cannot write the quantized model: \(error.description)") }
        return Result(bytes: bytes, definition: definition, ranges: ranges, warnings: [])
    }

    private static func definition(of file: ModelFile) throws(ConvertError) -> ModelDefinition {
        do {
            return try withExtendedLifetime(file) { () throws(FormatError) -> ModelDefinition in try ModelDefinition(reading: file.model) }
        } catch {
            throw .invalidInput("\(file.path): \(error.description)")
        }
    }
}
