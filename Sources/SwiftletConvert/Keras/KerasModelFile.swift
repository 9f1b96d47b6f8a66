import Foundation
import ZIPFoundation

/// One saved variable of a Keras layer.
public struct KerasWeight {
    /// The variable's name or index in the file (`c1/kernel`, `0`).
    public var name: String
    /// Its shape, in Keras layout (`(kh, kw, in, out)` for a Conv2D kernel).
    public var shape: [Int]
    /// Row-major values.
    public var values: [Float]
}

/// A Keras model as saved: the model's config (JSON) and each layer's variables in the layer's
/// variable order (trainable then non-trainable: kernel, bias; BatchNormalization γ, β, mean,
/// variance). Reads Keras 3 `.keras` archives and legacy `.h5` files.
public struct KerasModelFile {
    /// The model's serialized config: `{"class_name": "Functional" | "Sequential", "config": {…}}`.
    public var config: [String: Any]
    /// Variables by layer name.
    public var weights: [String: [KerasWeight]]
    /// The file read, for error messages.
    public var path: String

    /// Reads `path`: a `.keras` zip (config.json + model.weights.h5) or a legacy `.h5`
    /// (`model_config` attribute + `model_weights` group), told apart by content.
    public init(path: String) throws(ConvertError) {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidInput("\(path): cannot read the file (does it exist?)")
        }
        let bytes = [UInt8](data)
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            (config, weights) = try Self.readKerasArchive(path: path)
        } else if bytes.count >= 8, bytes.starts(with: [0x89, 0x48, 0x44, 0x46]) {
            (config, weights) = try Self.readLegacyH5(HDF5File(bytes: bytes, path: path))
        } else {
            throw .unsupportedFormat(path: path, reason: "neither a .keras zip archive nor an HDF5 (.h5) file")
        }
    }

    // MARK: - .keras

    private static func readKerasArchive(path: String) throws(ConvertError) -> ([String: Any], [String: [KerasWeight]]) {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw .malformed(path: path, reason: "not a readable zip archive: \(error)")
        }
        func member(_ name: String) throws(ConvertError) -> [UInt8] {
            guard let entry = archive[name] else {
                throw .malformed(path: path, reason: "the .keras archive has no \(name)")
            }
            var content = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { content.append($0) }
            } catch {
                throw .malformed(path: path, reason: "cannot extract \(name): \(error)")
            }
            return [UInt8](content)
        }
        let config = try parseJSON(member("config.json"), path: "\(path)/config.json")
        let weightsFile = try HDF5File(bytes: member("model.weights.h5"), path: "\(path)/model.weights.h5")
        var weights: [String: [KerasWeight]] = [:]
        if try weightsFile.root.hasChild("layers") {
            let layers = try weightsFile.root.child("layers")
            for groupName in try layers.childNames() {
                let group = try layers.child(groupName)
                if try group.hasChild("layers") {
                    throw .unsupportedFeature("nested models (layer group \(groupName) holds its own layers); save the inner model's layers in one Functional model")
                }
                var layerName = groupName
                if try group.hasChild("vars"), let name = try group.child("vars").string(attribute: "name") { layerName = name }
                weights[layerName] = try variables(of: group)
            }
        }
        return (config, weights)
    }

    /// The variables of a `.keras` layer group: `vars/0, vars/1, …`, then those of sub-objects
    /// (e.g. an RNN's `cell`).
    private static func variables(of group: HDF5Object) throws(ConvertError) -> [KerasWeight] {
        var result: [KerasWeight] = []
        let names = try group.childNames()
        if names.contains("vars") {
            let vars = try group.child("vars")
            let indices = try vars.childNames().compactMap { Int($0) }.sorted()
            for index in indices {
                let dataset = try vars.child(String(index))
                result.append(KerasWeight(name: String(index), shape: try dataset.shape(), values: try dataset.floats()))
            }
        }
        for name in names where name != "vars" {
            let child = try group.child(name)
            if !child.isDataset { result += try variables(of: child) }
        }
        return result
    }

    // MARK: - legacy .h5

    private static func readLegacyH5(_ file: HDF5File) throws(ConvertError) -> ([String: Any], [String: [KerasWeight]]) {
        guard let configText = try file.root.string(attribute: "model_config") else {
            throw .unsupportedFormat(path: file.path, reason: "an HDF5 file without a model_config attribute (weights only? save the whole model with model.save)")
        }
        let config = try parseJSON(Array(configText.utf8), path: "\(file.path) model_config")
        var weights: [String: [KerasWeight]] = [:]
        let group = try file.root.hasChild("model_weights") ? try file.root.child("model_weights") : file.root
        for layerName in try group.strings(attribute: "layer_names") ?? [] {
            guard try group.hasChild(layerName) else { continue }
            let layer = try group.child(layerName)
            var values: [KerasWeight] = []
            for weightName in try layer.strings(attribute: "weight_names") ?? [] {
                let dataset = try file.object(at: "\(group.name == "/" ? "" : "model_weights/")\(layerName)/\(weightName)")
                values.append(KerasWeight(name: weightName, shape: try dataset.shape(), values: try dataset.floats()))
            }
            weights[layerName] = values
        }
        return (config, weights)
    }

    private static func parseJSON(_ bytes: [UInt8], path: String) throws(ConvertError) -> [String: Any] {
        do {
            guard let object = try JSONSerialization.jsonObject(with: Data(bytes), options: []) as? [String: Any] else {
                throw ConvertError.malformed(path: path, reason: "the model config is not a JSON object")
            }
            return object
        } catch let error as ConvertError {
            throw error
        } catch {
            throw .malformed(path: path, reason: "the model config is not valid JSON: \(error.localizedDescription)")
        }
    }
}
