import Foundation

/// A layer's `config` dictionary with typed, error-reporting accessors.
struct KerasConfig {
    let values: [String: Any]
    /// "name (ClassName)", for error messages.
    let layer: String

    func has(_ key: String) -> Bool {
        guard let value = values[key] else { return false }
        return !(value is NSNull)
    }

    private func wrong(_ key: String, _ expected: String) -> ConvertError {
        .malformed(path: layer, reason: "config \(key) should be \(expected), found \(String(describing: values[key] ?? "nothing"))")
    }

    func int(_ key: String) throws(ConvertError) -> Int {
        guard let value = Self.integer(values[key]) else { throw wrong(key, "an integer") }
        return value
    }

    func int(_ key: String, default fallback: Int) throws(ConvertError) -> Int {
        has(key) ? try int(key) : fallback
    }

    /// An integer list; a single integer counts as a list of `count` copies.
    func ints(_ key: String, count: Int? = nil) throws(ConvertError) -> [Int] {
        if let single = Self.integer(values[key]) { return [Int](repeating: single, count: count ?? 1) }
        guard let list = values[key] as? [Any] else { throw wrong(key, "a list of integers") }
        var result: [Int] = []
        for item in list {
            guard let value = Self.integer(item) else { throw wrong(key, "a list of integers") }
            result.append(value)
        }
        if let count, result.count != count { throw wrong(key, "\(count) integers") }
        return result
    }

    func ints(_ key: String, count: Int, default fallback: [Int]) throws(ConvertError) -> [Int] {
        has(key) ? try ints(key, count: count) : fallback
    }

    func float(_ key: String, default fallback: Double) throws(ConvertError) -> Double {
        guard has(key) else { return fallback }
        guard let value = values[key] as? NSNumber else { throw wrong(key, "a number") }
        return value.doubleValue
    }

    func string(_ key: String, default fallback: String) throws(ConvertError) -> String {
        guard has(key) else { return fallback }
        guard let value = values[key] as? String else { throw wrong(key, "a string") }
        return value
    }

    func bool(_ key: String, default fallback: Bool) throws(ConvertError) -> Bool {
        guard has(key) else { return fallback }
        guard let value = values[key] as? Bool else { throw wrong(key, "true or false") }
        return value
    }

    static func integer(_ value: Any?) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double.rounded() == double, abs(double) < 1e15 else { return nil }
        return Int(double)
    }
}

/// A reference to one output of one call of a layer: `keras_history` = (layer, node, tensor).
struct KerasTensorReference: Hashable {
    var layer: String
    var node: Int
    var tensor: Int
}

/// One layer of a model config.
struct KerasLayerEntry {
    var name: String
    var className: String
    var config: KerasConfig
    /// The layer's calls: the tensors each call received, flattened in argument order.
    var inboundNodes: [[KerasTensorReference]]

    init(_ json: [String: Any], path: String) throws(ConvertError) {
        guard let className = json["class_name"] as? String else {
            throw .malformed(path: path, reason: "a layer entry without class_name")
        }
        let values = json["config"] as? [String: Any] ?? [:]
        guard let name = (json["name"] as? String) ?? (values["name"] as? String) else {
            throw .malformed(path: path, reason: "a \(className) layer without a name")
        }
        self.name = name
        self.className = className
        config = KerasConfig(values: values, layer: "\(name) (\(className))")
        inboundNodes = []
        for node in json["inbound_nodes"] as? [Any] ?? [] {
            var references: [KerasTensorReference] = []
            if let keras3 = node as? [String: Any] {
                Self.collect(keras3["args"] ?? [], into: &references)
            } else if let legacy = node as? [Any] {
                // tf.keras 2: [[layer, node, tensor, kwargs], …]
                for entry in legacy {
                    guard let parts = entry as? [Any], parts.count >= 3, let layer = parts[0] as? String,
                          let nodeIndex = KerasConfig.integer(parts[1]), let tensor = KerasConfig.integer(parts[2]) else {
                        throw .malformed(path: path, reason: "layer \(name): an inbound node entry is not [layer, node, tensor]")
                    }
                    references.append(KerasTensorReference(layer: layer, node: nodeIndex, tensor: tensor))
                }
            }
            inboundNodes.append(references)
        }
    }

    /// Collects Keras 3 `__keras_tensor__` references from call arguments, in order.
    private static func collect(_ value: Any, into references: inout [KerasTensorReference]) {
        if let dictionary = value as? [String: Any] {
            if dictionary["class_name"] as? String == "__keras_tensor__",
               let config = dictionary["config"] as? [String: Any], let history = config["keras_history"] as? [Any],
               history.count == 3, let layer = history[0] as? String,
               let node = KerasConfig.integer(history[1]), let tensor = KerasConfig.integer(history[2]) {
                references.append(KerasTensorReference(layer: layer, node: node, tensor: tensor))
            }
            return
        }
        if let list = value as? [Any] { for item in list { collect(item, into: &references) } }
    }

    /// `[layer, node, tensor]` or a list of them (model `input_layers` / `output_layers`).
    static func references(_ value: Any?, path: String, key: String) throws(ConvertError) -> [KerasTensorReference] {
        guard let list = value as? [Any] else { throw .malformed(path: path, reason: "the model config has no \(key)") }
        if list.count == 3, let layer = list[0] as? String, let node = KerasConfig.integer(list[1]), let tensor = KerasConfig.integer(list[2]) {
            return [KerasTensorReference(layer: layer, node: node, tensor: tensor)]
        }
        var result: [KerasTensorReference] = []
        for item in list {
            guard let parts = item as? [Any], parts.count == 3, let layer = parts[0] as? String,
                  let node = KerasConfig.integer(parts[1]), let tensor = KerasConfig.integer(parts[2]) else {
                throw .malformed(path: path, reason: "the model's \(key) are not [layer, node, tensor] lists")
            }
            result.append(KerasTensorReference(layer: layer, node: node, tensor: tensor))
        }
        return result
    }
}
