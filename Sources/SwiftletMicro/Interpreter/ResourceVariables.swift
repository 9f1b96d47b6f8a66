import SwiftletFormat

/// One resource variable (a VAR_HANDLE `shared_name`) with its value in the
/// arena's persistent tail.
///
/// Every VAR_HANDLE output tensor naming the variable *is* this record: its first
/// word is the value's address, which READ_VARIABLE and ASSIGN_VARIABLE load from
/// their handle input. VAR_HANDLE itself does nothing at run time, and handles can
/// be copied into called subgraphs like any tensor (they hold the address).
struct ResourceVariable {
    var buffer: UnsafeMutableRawPointer
    // int32: records live in the arena (three words on a 32-bit target).
    var byteCount32: Int32
    var defaultValue32: Int32

    /// Sets the value to its default, as TFLM's reset does: every byte to the
    /// (int8) zero point of the tensor first assigned to it, or 0.
    func reset() {
        buffer.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: defaultValue32), count: Int(byteCount32))
    }
}

/// Finds the model's resource variables and gives them memory (in `allocateTensors()`).
enum ResourceVariablePlanner {
    /// The planner's signature (what `KernelRegistration.planResourceVariables` holds).
    typealias Plan = (Model, ExecutionTimeline, inout ArenaAllocator) throws(MicroError) -> Resources
    /// The planned variables: records, their count, and per global tensor the record a VAR_HANDLE output stands for.
    typealias Resources = (records: UnsafeMutablePointer<ResourceVariable>?, count: Int, recordOfTensor: [Int])

    /// The records (one per distinct container/shared_name among the VAR_HANDLEs of the
    /// subgraphs that run) and, per global tensor, the record a VAR_HANDLE output stands for (-1 if none).
    static func plan(model: Model, timeline: ExecutionTimeline, allocator: inout ArenaAllocator)
        throws(MicroError) -> Resources {
        var recordOfTensor = [Int](repeating: -1, count: timeline.tensorCount)
        var names: [(container: FlatString?, name: FlatString?)] = []
        let subgraphs = model.subgraphs
        for index in 0..<subgraphs.count where timeline.isReached[index] {
            let base = timeline.tensorBase[index]
            for (opIndex, op) in subgraphs[index].operators.enumerated() where model.operatorCode(of: op).builtinCode == .varHandle {
                guard op.outputs.count == 1, op.outputs[0] >= 0 else {
                    throw .invalidOperator(op: "VAR_HANDLE", index: opIndex, reason: "it must have exactly one output")
                }
                let options = op.options(VarHandleOptions.self)
                let container = options?.container, name = options?.sharedName
                var id = names.firstIndex { $0.container == container && $0.name == name }
                if id == nil {
                    id = names.count
                    names.append((container, name))
                }
                recordOfTensor[base + Int(op.outputs[0])] = id!
            }
        }
        guard !names.isEmpty else { return (nil, 0, recordOfTensor) }

        // Sizes as TFLM gives them: from the first ASSIGN_VARIABLE (subgraph order), else a READ_VARIABLE.
        var sizes = [Int](repeating: -1, count: names.count)
        var defaults = [Int32](repeating: 0, count: names.count)
        for pass in 0..<2 {
            for index in 0..<subgraphs.count where timeline.isReached[index] {
                let subgraph = subgraphs[index]
                let base = timeline.tensorBase[index]
                for (opIndex, op) in subgraph.operators.enumerated() {
                    let code = model.operatorCode(of: op).builtinCode
                    let isAssign = code == .assignVariable
                    guard (pass == 0 && isAssign) || (pass == 1 && code == .readVariable) else { continue }
                    let opName: StaticString = isAssign ? "ASSIGN_VARIABLE" : "READ_VARIABLE"
                    guard op.inputs.count >= 1, op.inputs[0] >= 0 else { throw .invalidOperator(op: opName, index: opIndex, reason: "the variable handle input is missing") }
                    let id = recordOfTensor[base + Int(op.inputs[0])]
                    guard id >= 0 else { continue }  // a handle passed in from another subgraph
                    let value: Tensor
                    if isAssign {
                        guard op.inputs.count == 2, op.inputs[1] >= 0 else { throw .invalidOperator(op: opName, index: opIndex, reason: "it needs a handle and a value input") }
                        value = subgraph.tensors[Int(op.inputs[1])]
                    } else {
                        guard op.outputs.count == 1 else { throw .invalidOperator(op: opName, index: opIndex, reason: "it must have exactly one output") }
                        value = subgraph.tensors[Int(op.outputs[0])]
                    }
                    let bytes = MicroInterpreter.storageBytes(of: value)
                    if sizes[id] < 0 {
                        sizes[id] = bytes
                        if let parameters = value.quantization, !parameters.zeroPoint.isEmpty {
                            defaults[id] = Int32(truncatingIfNeeded: parameters.zeroPoint[0])
                        }
                    } else if sizes[id] != bytes {
                        throw .invalidOperator(op: opName, index: opIndex, reason: "the value's size differs from the variable's")
                    }
                }
            }
        }
        let records = allocator.allocate(ResourceVariable.self, count: names.count, words32: 3)
        for id in 0..<names.count {
            let bytes = max(sizes[id], 0)
            let buffer = allocator.allocatePersistent(bytes)
            (records + id).initialize(to: ResourceVariable(buffer: buffer, byteCount32: Int32(truncatingIfNeeded: bytes),
                                                           defaultValue32: defaults[id]))
        }
        return (records, names.count, recordOfTensor)
    }
}
