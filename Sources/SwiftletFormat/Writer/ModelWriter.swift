/// Serializes a `ModelDefinition` into a spec-conformant `.tflite` file.
///
/// Tensor data is 16-byte aligned (the schema's `force_align: 16`, which
/// TFLM's kernels and SIMD loads appreciate). Models whose constant data would
/// push the FlatBuffer past 2 GB keep their buffers after it (`Buffer.offset`/
/// `size`), as TensorFlow's converter does.
public enum ModelWriter {
    /// Where buffers' bytes go.
    public enum BufferPlacement: Sendable {
        /// Inline unless the model would exceed the FlatBuffer's 2 GB limit.
        case automatic
        /// Always inside the FlatBuffer.
        case inline
        /// Always after the FlatBuffer, 16-byte aligned, referenced by offset and size.
        case outOfLine
    }

    /// Constant data above this size goes out of line under `.automatic`.
    public static let inlineDataLimit = 2_000_000_000

    /// The file's bytes.
    public static func serialize(_ model: ModelDefinition, bufferPlacement: BufferPlacement = .automatic) throws(FormatError) -> [UInt8] {
        guard model.buffers.first?.isEmpty ?? true else { throw .cannotWrite(reason: "buffers[0] must be empty") }
        var dataBytes = 0
        for buffer in model.buffers { dataBytes += buffer.count }
        let outOfLine: Bool
        switch bufferPlacement {
        case .automatic: outOfLine = dataBytes > inlineDataLimit
        case .inline: outOfLine = false
        case .outOfLine: outOfLine = true
        }
        if !outOfLine && dataBytes > Int(Int32.max) - (1 << 24) { throw .modelTooLarge(bytes: dataBytes) }

        var serializer = TableSerializer(builder: FlatBufferBuilder(capacity: outOfLine ? 4096 : dataBytes + 4096))

        // Buffers first, so that their data ends up at the end of the file.
        var bufferOffsets: [FlatBufferBuilder.Offset] = []
        var offsetFieldLocations: [(location: FlatBufferBuilder.Offset, buffer: Int)] = []
        for (index, bytes) in model.buffers.enumerated() {
            if outOfLine && !bytes.isEmpty {
                serializer.builder.startTable()
                let location = serializer.builder.add(field: 1, UInt64(1))  // patched once the size is known
                serializer.builder.add(field: 2, UInt64(bytes.count))
                offsetFieldLocations.append((location, index))
                bufferOffsets.append(serializer.builder.endTable())
            } else {
                var table = TableValue(.buffer)
                if !bytes.isEmpty { table.fields[0] = .bytes(bytes) }
                bufferOffsets.append(try serializer.write(table))
            }
        }
        let buffersVector = serializer.builder.createOffsetVector(bufferOffsets)
        let root = try serializer.write(model.tableValue, prebuilt: [4: buffersVector])

        guard outOfLine else { return serializer.builder.finish(root: root, fileIdentifier: Model.fileIdentifier) }

        // Out of line: data follows the FlatBuffer, each buffer 16-byte aligned.
        let sizes = model.buffers.map { $0.count }
        func positions(afterFlatBuffer total: Int) -> [Int: Int] {
            var result: [Int: Int] = [:]
            var cursor = total
            for entry in offsetFieldLocations {
                cursor = (cursor + 15) & ~15
                result[entry.buffer] = cursor
                cursor += sizes[entry.buffer]
            }
            return result
        }
        let patches = offsetFieldLocations.map { entry in
            (location: entry.location, value: { (total: Int) -> UInt64 in UInt64(positions(afterFlatBuffer: total)[entry.buffer] ?? 0) })
        }
        var file = serializer.builder.finish(root: root, fileIdentifier: Model.fileIdentifier, patches: patches)
        let placed = positions(afterFlatBuffer: file.count)
        for entry in offsetFieldLocations {
            let start = placed[entry.buffer] ?? file.count
            file.append(contentsOf: [UInt8](repeating: 0, count: start - file.count))
            file.append(contentsOf: model.buffers[entry.buffer])
        }
        // A trailing pad, as TensorFlow's writer leaves for XNNPack's over-reads.
        file.append(contentsOf: [UInt8](repeating: 0, count: 16))
        return file
    }
}

extension ModelDefinition {
    /// The model as schema tables (without buffers, which the writer places itself).
    var tableValue: TableValue {
        var model = TableValue(.model)
        model.fields[0] = .uint(UInt64(version))
        model.fields[1] = .tables(operatorCodes.map { $0.tableValue })
        model.fields[2] = .tables(subgraphs.map { $0.tableValue })
        if let description { model.fields[3] = .string(description) }
        if !metadataBuffer.isEmpty { model.fields[5] = .int32s(metadataBuffer) }
        if !metadata.isEmpty {
            model.fields[6] = .tables(metadata.map { entry in
                var table = TableValue(.metadata)
                if let name = entry.name { table.fields[0] = .string(name) }
                table.fields[1] = .uint(UInt64(entry.buffer))
                return table
            })
        }
        if !signatureDefs.isEmpty { model.fields[7] = .tables(signatureDefs.map { $0.tableValue }) }
        if !externalBufferGroups.isEmpty { model.fields[8] = .tables(externalBufferGroups) }
        if !externalBuffers.isEmpty { model.fields[9] = .tables(externalBuffers) }
        return model
    }
}

extension OperatorCodeDefinition {
    var tableValue: TableValue {
        var table = TableValue(.operatorCode)
        // Old readers look at the byte-sized code; 127 means "see builtin_code".
        table.fields[0] = .int(Int64(min(builtinCode.rawValue, 127)))
        if let customCode { table.fields[1] = .string(customCode) }
        if version != 1 { table.fields[2] = .int(Int64(version)) }
        table.fields[3] = .int(Int64(builtinCode.rawValue))
        return table
    }
}

extension SubGraphDefinition {
    var tableValue: TableValue {
        var table = TableValue(.subGraph)
        table.fields[0] = .tables(tensors.map { $0.tableValue })
        table.fields[1] = .int32s(inputs)
        table.fields[2] = .int32s(outputs)
        table.fields[3] = .tables(operators.map { $0.tableValue })
        if let name { table.fields[4] = .string(name) }
        if debugMetadataIndex != -1 { table.fields[5] = .int(Int64(debugMetadataIndex)) }
        return table
    }
}

extension TensorDefinition {
    var tableValue: TableValue {
        var table = TableValue(.tensor)
        table.fields[0] = .int32s(shape)
        if type.rawValue != 0 { table.fields[1] = .int(Int64(type.rawValue)) }
        if buffer != 0 { table.fields[2] = .uint(UInt64(buffer)) }
        if let name { table.fields[3] = .string(name) }
        if let quantization { table.fields[4] = .table(quantization.tableValue) }
        if isVariable { table.fields[5] = .bool(true) }
        if let sparsity { table.fields[6] = .table(sparsity) }
        if !shapeSignature.isEmpty { table.fields[7] = .int32s(shapeSignature) }
        if hasRank { table.fields[8] = .bool(true) }
        if !variantTensors.isEmpty { table.fields[9] = .tables(variantTensors) }
        if externalBuffer != 0 { table.fields[10] = .uint(UInt64(externalBuffer)) }
        return table
    }
}

extension QuantizationDefinition {
    var tableValue: TableValue {
        var table = TableValue(.quantizationParameters)
        if !min.isEmpty { table.fields[0] = .floats(min) }
        if !max.isEmpty { table.fields[1] = .floats(max) }
        if !scale.isEmpty { table.fields[2] = .floats(scale) }
        if !zeroPoint.isEmpty { table.fields[3] = .int64s(zeroPoint) }
        if let details { table.fields[5] = .union(details) }
        if quantizedDimension != 0 { table.fields[6] = .int(Int64(quantizedDimension)) }
        return table
    }
}

extension OperatorDefinition {
    var tableValue: TableValue {
        var table = TableValue(.operator)
        if opcodeIndex != 0 { table.fields[0] = .uint(UInt64(opcodeIndex)) }
        table.fields[1] = .int32s(inputs)
        table.fields[2] = .int32s(outputs)
        if let builtinOptions { table.fields[4] = .union(builtinOptions) }
        if let customOptions { table.fields[5] = .bytes(customOptions) }
        if customOptionsFormat != 0 { table.fields[6] = .int(Int64(customOptionsFormat)) }
        if !mutatingVariableInputs.isEmpty { table.fields[7] = .bools(mutatingVariableInputs) }
        if !intermediates.isEmpty { table.fields[8] = .int32s(intermediates) }
        if let builtinOptions2 { table.fields[12] = .union(builtinOptions2) }
        if debugMetadataIndex != -1 { table.fields[13] = .int(Int64(debugMetadataIndex)) }
        return table
    }
}

extension SignatureDefDefinition {
    var tableValue: TableValue {
        var table = TableValue(.signatureDef)
        func maps(_ entries: [TensorMapDefinition]) -> FieldValue {
            .tables(entries.map { entry in
                var map = TableValue(.tensorMap)
                if let name = entry.name { map.fields[0] = .string(name) }
                map.fields[1] = .uint(UInt64(entry.tensorIndex))
                return map
            })
        }
        table.fields[0] = maps(inputs)
        table.fields[1] = maps(outputs)
        if let signatureKey { table.fields[2] = .string(signatureKey) }
        table.fields[4] = .uint(UInt64(subgraphIndex))
        return table
    }
}
