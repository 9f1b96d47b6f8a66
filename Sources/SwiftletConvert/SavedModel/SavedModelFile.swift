import Foundation
import SwiftProtobuf

/// A SavedModel folder read from disk: `saved_model.pb` (the serving meta graph: its graph, the
/// function library, the signatures and the object graph) and the checkpoint in `variables/`.
struct SavedModelFile {
    /// The meta graph tagged `serve` (or the only one).
    let metaGraph: Tensorflow_MetaGraphDef
    /// Functions of the library, by name.
    let functions: [String: Tensorflow_FunctionDef]
    /// Nodes of the main graph, by name.
    let nodes: [String: Tensorflow_NodeDef]
    /// The checkpoint, nil when the model has no variables folder.
    let bundle: TensorBundle?
    /// The checkpoint's object graph (node ids shared with the SavedModel's object graph).
    let checkpointObjects: Tensorflow_TrackableObjectGraph?
    /// The folder's path, for errors.
    let path: String

    /// Reads the SavedModel folder at `path`.
    init(path: String) throws(ConvertError) {
        self.path = path
        let pbPath = (path as NSString).appendingPathComponent("saved_model.pb")
        guard FileManager.default.fileExists(atPath: pbPath) else {
            throw .unsupportedFormat(path: path, reason: "no saved_model.pb in the folder; a SavedModel folder holds saved_model.pb and variables/")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: pbPath))
        } catch {
            throw .invalidInput("cannot read \(pbPath): \(error.localizedDescription)")
        }
        let model: Tensorflow_SavedModel
        do {
            model = try Tensorflow_SavedModel(serializedBytes: data)
        } catch {
            throw .malformed(path: pbPath, reason: "not a readable SavedModel protobuf (\(error))")
        }
        guard let meta = model.metaGraphs.first(where: { $0.metaInfoDef.tags.contains("serve") }) ?? model.metaGraphs.first else {
            throw .malformed(path: pbPath, reason: "the SavedModel holds no meta graph")
        }
        metaGraph = meta
        var functions: [String: Tensorflow_FunctionDef] = [:]
        for function in meta.graphDef.library.function { functions[function.signature.name] = function }
        self.functions = functions
        var nodes: [String: Tensorflow_NodeDef] = [:]
        for node in meta.graphDef.node { nodes[node.name] = node }
        self.nodes = nodes

        let variables = (path as NSString).appendingPathComponent("variables/variables")
        if FileManager.default.fileExists(atPath: variables + ".index") {
            let bundle = try TensorBundle(prefix: variables)
            self.bundle = bundle
            if bundle.entries["_CHECKPOINTABLE_OBJECT_GRAPH"] != nil {
                do {
                    checkpointObjects = try Tensorflow_TrackableObjectGraph(serializedBytes: try bundle.scalarString("_CHECKPOINTABLE_OBJECT_GRAPH"))
                } catch let error as ConvertError {
                    throw error
                } catch {
                    throw .malformed(path: bundle.path, reason: "the checkpoint's object graph is not readable (\(error))")
                }
            } else {
                checkpointObjects = nil
            }
        } else {
            bundle = nil
            checkpointObjects = nil
        }
    }

    /// Signature names, sorted (the initializer pseudo-signature left out).
    var signatureNames: [String] {
        metaGraph.signatureDef.keys.filter { !$0.hasPrefix("__") }.sorted()
    }

    /// The checkpoint key of the variable at object-graph node `id`.
    func checkpointKey(ofObject id: Int) throws(ConvertError) -> String {
        guard let objects = checkpointObjects else {
            throw .unsupportedFeature("\(path): the model captures variables but its checkpoint has no object graph (a TF1 SavedModel?); re-save it with tf.saved_model.save or Keras model.export")
        }
        guard id >= 0, id < objects.nodes.count else {
            throw .malformed(path: path, reason: "captured object \(id) is outside the checkpoint's \(objects.nodes.count) objects")
        }
        guard let attribute = objects.nodes[id].attributes.first(where: { $0.name == "VARIABLE_VALUE" }) else {
            throw .unsupportedFeature("\(path): captured object \(id) is not a variable with a saved value")
        }
        return attribute.checkpointKey
    }

    /// The value of the variable at object-graph node `id`.
    func variable(object id: Int) throws(ConvertError) -> TFConstant {
        guard let bundle else {
            throw .malformed(path: path, reason: "the model reads variables but has no variables/variables.index")
        }
        return try bundle.tensor(try checkpointKey(ofObject: id))
    }

    /// The object-graph ids the concrete function `name` captures, in the order of its trailing
    /// (captured) inputs.
    func boundInputs(ofFunction name: String) -> [Int]? {
        metaGraph.objectGraphDef.concreteFunctions[name].map { $0.boundInputs.map(Int.init) }
    }
}
