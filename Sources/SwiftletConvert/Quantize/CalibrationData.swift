import SwiftletFormat
import SwiftletTools

/// Representative samples for calibration: for each sample, one array of real values per model input.
public struct CalibrationData {
    /// `samples[s][i]`: the values of input `i` in sample `s`, in the input's element order.
    public var samples: [[[Float]]]

    public init(samples: [[[Float]]]) { self.samples = samples }

    /// Splits NumPy arrays into samples for `model`'s inputs, in `swiftlet run`'s layout:
    /// `[N] + inputShape`, or `[N] + inputShape.dropFirst()` when the batch is 1 (an array shaped
    /// exactly like the input is one sample). `arrays` holds one array per input, in input order;
    /// names are for messages. Data must be float32 or float64.
    public init(arrays: [(name: String, array: NumPyArray)], model: Model) throws(ConvertError) {
        let subgraph = model.subgraphs[0]
        guard arrays.count == subgraph.inputs.count else {
            throw .invalidInput("calibration data has \(arrays.count) arrays but the model has \(subgraph.inputs.count) inputs")
        }
        var count: Int?
        var perInput: [[Float]] = []
        for (index, entry) in arrays.enumerated() {
            let tensor = subgraph.tensors[Int(subgraph.inputs[index])]
            let tensorName = tensor.name?.string ?? "input \(index)"
            guard entry.array.dtype.isFloatingPoint, entry.array.dtype.itemSize >= 4 else {
                throw .invalidInput("calibration array \(entry.name) for input '\(tensorName)' is \(entry.array.dtype); give float32 (or float64) real values")
            }
            let shape = tensor.shape.map(Int.init)
            let elements = shape.reduce(1, *)
            let given = entry.array.shape
            let samples: Int
            if given == shape {
                samples = 1
            } else if given.count == shape.count + 1, Array(given.dropFirst()) == shape {
                samples = given[0]
            } else if shape.first == 1, given.count == shape.count, Array(given.dropFirst()) == Array(shape.dropFirst()) {
                samples = given[0]
            } else {
                throw .invalidInput("calibration array \(entry.name) has shape \(given) but input '\(tensorName)' is \(shape); give [N] + \(shape)\(shape.first == 1 ? " or [N] + \(Array(shape.dropFirst()))" : "")")
            }
            if let count, count != samples {
                throw .invalidInput("calibration array \(entry.name) holds \(samples) samples but the others hold \(count)")
            }
            guard samples > 0 else { throw .invalidInput("calibration array \(entry.name) holds no samples") }
            count = samples
            let values = entry.array.asFloats()
            guard values.count == samples * elements else {
                throw .invalidInput("calibration array \(entry.name): \(values.count) values for \(samples) samples of \(elements)")
            }
            perInput.append(values)
        }
        let total = count ?? 0
        samples = (0..<total).map { sample in
            perInput.enumerated().map { index, values in
                let tensor = subgraph.tensors[Int(subgraph.inputs[index])]
                let elements = tensor.shape.map(Int.init).reduce(1, *)
                return Array(values[(sample * elements)..<((sample + 1) * elements)])
            }
        }
    }

    /// Reads a `.npy` (single-input models) or `.npz` (keyed by input tensor name, `input_<k>`, or
    /// `x` for a single input; otherwise taken in order).
    public init(path: String, model: Model) throws(ConvertError) {
        let subgraph = model.subgraphs[0]
        var arrays: [(name: String, array: NumPyArray)] = []
        do {
            if path.hasSuffix(".npz") {
                let archive = try NumPyFile.readArchive(path)
                for index in 0..<subgraph.inputs.count {
                    let name = subgraph.tensors[Int(subgraph.inputs[index])].name?.string ?? ""
                    let keys = [name, "input_\(index)"] + (subgraph.inputs.count == 1 ? ["x"] : [])
                    if let key = keys.first(where: { archive[$0] != nil }), let array = archive[key] {
                        arrays.append(("\(path):\(key)", array))
                    } else if archive.count == subgraph.inputs.count {
                        arrays.append(("\(path):\(archive[index].name)", archive[index].array))
                    } else {
                        throw ConvertError.invalidInput("\(path) has no array for input \(index) ('\(name)'); name it '\(name)' or 'input_\(index)'")
                    }
                }
            } else {
                arrays.append((path, try NumPyFile.readArray(path)))
            }
        } catch let error as ConvertError {
            throw error
        } catch {
            throw .invalidInput("\(path): \(error)")
        }
        try self.init(arrays: arrays, model: model)
    }
}
