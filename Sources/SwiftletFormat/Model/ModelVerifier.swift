/// Checks the indices and ranges a structurally valid model stores, so that the
/// interpreter and the tools can follow them without checks of their own.
enum ModelVerifier {
    static func verifyReferences(of model: Model) throws(FormatError) {
        let fileSize = UInt64(model.bytes.count)
        let buffers = model.buffers
        let codes = model.operatorCodes

        for buffer in buffers where buffer.offset > 1 {
            let (end, overflow) = buffer.offset.addingReportingOverflow(buffer.size)
            guard !overflow, end <= fileSize else { throw .outOfBounds(what: "buffer data (offset form)", offset: clamp(buffer.offset)) }
        }
        if buffers.isEmpty == false {
            // The schema reserves buffer 0 as the empty sentinel.
            let sentinel = buffers[0]
            guard sentinel.inlineData.isEmpty && sentinel.offset <= 1 else { throw .invalidValue(what: "buffers[0] (must be empty)", value: sentinel.inlineData.count) }
        }
        for code in codes where code.deprecatedBuiltinCode < 0 {
            throw .invalidValue(what: "deprecated_builtin_code", value: Int(code.deprecatedBuiltinCode))
        }
        for subgraph in model.subgraphs {
            let tensors = subgraph.tensors
            for tensor in tensors {
                let buffer = tensor.table.scalar(field: 2, default: UInt32(0))
                try check(buffer, below: buffers.count, "tensor buffer index")
                for dimension in tensor.shape where dimension < 0 {
                    throw .invalidValue(what: "tensor shape dimension", value: Int(dimension))
                }
            }
            for index in subgraph.inputs { try check(index, below: tensors.count, "subgraph input tensor index") }
            for index in subgraph.outputs { try check(index, below: tensors.count, "subgraph output tensor index") }
            for op in subgraph.operators {
                try check(op.table.scalar(field: 0, default: UInt32(0)), below: codes.count, "operator opcode index")
                for index in op.inputs where index != -1 { try check(index, below: tensors.count, "operator input tensor index") }
                for index in op.outputs { try check(index, below: tensors.count, "operator output tensor index") }
                for index in op.intermediates { try check(index, below: tensors.count, "operator intermediate tensor index") }
                if op.largeCustomOptionsOffset > 1 {
                    let (end, overflow) = op.largeCustomOptionsOffset.addingReportingOverflow(op.largeCustomOptionsSize)
                    guard !overflow, end <= fileSize else { throw .outOfBounds(what: "large custom options", offset: clamp(op.largeCustomOptionsOffset)) }
                }
            }
        }
        for entry in model.metadata {
            try check(entry.table.scalar(field: 1, default: UInt32(0)), below: buffers.count, "metadata buffer index")
            if entry.name?.equals(OfflineMemoryAllocation.metadataName) == true {
                _ = try OfflineMemoryAllocation(words: buffers[entry.bufferIndex].data)
            }
        }
        for index in model.metadataBuffer { try check(index, below: buffers.count, "metadata_buffer index") }
        for signature in model.signatureDefs {
            let subgraph = signature.table.scalar(field: 4, default: UInt32(0))
            try check(subgraph, below: model.subgraphs.count, "signature subgraph index")
            let tensorCount = model.subgraphs[Int(subgraph)].tensors.count
            for map in signature.inputs { try check(map.table.scalar(field: 1, default: UInt32(0)), below: tensorCount, "signature input tensor index") }
            for map in signature.outputs { try check(map.table.scalar(field: 1, default: UInt32(0)), below: tensorCount, "signature output tensor index") }
        }
    }

    private static func check(_ index: UInt32, below count: Int, _ what: StaticString) throws(FormatError) {
        guard UInt64(index) < UInt64(count) else { throw .indexOutOfRange(what: what, index: clamp(UInt64(index)), count: count) }
    }

    private static func check(_ index: Int32, below count: Int, _ what: StaticString) throws(FormatError) {
        guard index >= 0, Int(index) < count else { throw .indexOutOfRange(what: what, index: Int(index), count: count) }
    }

    private static func clamp(_ value: UInt64) -> Int { value > UInt64(Int.max) ? Int.max : Int(value) }
}
