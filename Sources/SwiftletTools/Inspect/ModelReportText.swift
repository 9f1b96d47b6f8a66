import Foundation

extension ModelReport {
    /// The report as aligned, human-readable tables.
    public func text(fileName: String) -> String {
        var lines: [String] = []
        var header = "\(fileName): \(Self.grouped(fileBytes)) bytes, schema \(schemaVersion)"
        if let description, !description.isEmpty { header += ", \"\(description)\"" }
        lines.append(header)
        let macsNote = subgraphs.count > 1 ? " (main graph; called subgraphs' MACs are per call, below)" : ""
        lines.append("parameters \(Self.grouped(parameterCount)) · weights \(Self.grouped(weightBytes)) bytes · MACs \(Self.grouped(totalMACs))" + macsNote)
        lines.append("operators: " + operatorCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
        if let arena {
            lines.append("arena: \(Self.grouped(arena.hostBytes)) bytes on this host, \(Self.grouped(arena.target32Bytes)) on a 32-bit MCU (set kTensorArenaSize to this)")
        } else if !unsupportedOperators.isEmpty {
            lines.append("micro interpreter: no kernel yet for \(unsupportedOperators.joined(separator: ", ")); arena not planned")
        } else if let arenaError {
            lines.append("micro interpreter: \(arenaError)")
        }
        lines.append(contentsOf: supportLines())
        if !metadata.isEmpty {
            lines.append("metadata: " + metadata.map { "\($0.name) (\($0.bytes) B)" }.joined(separator: ", "))
        }
        for signature in signatures {
            lines.append("signature \(signature.key ?? "-") → subgraph \(signature.subgraph): inputs \(Self.mapText(signature.inputs)), outputs \(Self.mapText(signature.outputs))")
        }
        for subgraph in subgraphs {
            lines.append("")
            lines.append("subgraph \(subgraph.index)\(subgraph.name.map { " \"\($0)\"" } ?? ""): inputs \(subgraph.inputs), outputs \(subgraph.outputs), MACs \(Self.grouped(subgraph.totalMACs))\(subgraph.index > 0 ? " per call" : "")")
            lines.append("")
            lines.append(contentsOf: Self.table(
                header: ["tensor", "name", "type", "shape", "bytes", "quantization"],
                rows: subgraph.tensors.map { tensor in
                    [String(tensor.index), tensor.name ?? "", tensor.type + (tensor.isConstant ? " const" : tensor.isVariable ? " var" : ""),
                     "[" + tensor.shape.map(String.init).joined(separator: ",") + "]",
                     tensor.bytes.map(Self.grouped) ?? "?", Self.quantizationText(tensor.quantization)]
                }))
            lines.append("")
            lines.append(contentsOf: Self.table(
                header: ["op", "name", "v", "inputs → outputs", "MACs", "options"],
                rows: subgraph.operators.map { op in
                    [String(op.index), op.op, String(op.version),
                     op.inputs.map(String.init).joined(separator: ",") + " → " + op.outputs.map(String.init).joined(separator: ","),
                     Self.grouped(op.macs), Self.optionsText(op.options)]
                }))
        }
        return lines.joined(separator: "\n")
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result += "," }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }

    private static func mapText(_ map: [String: Int]) -> String {
        "{" + map.sorted { $0.value < $1.value }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
    }

    private static func quantizationText(_ quantization: QuantizationReport?) -> String {
        guard let quantization, !quantization.scale.isEmpty else { return "" }
        if quantization.scale.count == 1 {
            return "s=\(quantization.scale[0]) zp=\(quantization.zeroPoint.first ?? 0)"
        }
        let low = quantization.scale.min()!, high = quantization.scale.max()!
        return "per-axis \(quantization.quantizedDimension) ×\(quantization.scale.count) s=\(low)…\(high)"
    }

    private static let paddingNames = ["SAME", "VALID"]
    private static let activationNames = ["NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"]

    private static func optionsText(_ options: [String: JSONValue]) -> String {
        options.keys.sorted().map { key -> String in
            let value = options[key]!
            if key == "padding", case .int(let raw) = value, raw >= 0, raw < paddingNames.count { return "padding=\(paddingNames[Int(raw)])" }
            if key == "fused_activation_function", case .int(let raw) = value, raw >= 0, raw < activationNames.count {
                return "activation=\(activationNames[Int(raw)])"
            }
            return "\(key)=\(value.text)"
        }.joined(separator: " ")
    }

    private static func table(header: [String], rows: [[String]]) -> [String] {
        var widths = header.map(\.count)
        for row in rows { for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) } }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == cells.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return [render(header)] + rows.map(render)
    }

    /// "support:" with one entry per operator and type, then what it means for the model.
    func supportLines() -> [String] {
        func mark(_ yes: Bool) -> String { yes ? "yes" : "no" }
        var lines = ["support (operator type: Swiftlet / TFLM):"]
        for entry in operatorSupport {
            lines.append("  \(entry.op) \(entry.type)\(entry.count > 1 ? " ×\(entry.count)" : ""): Swiftlet \(mark(entry.swiftlet)) / TFLM \(mark(entry.tflm))")
        }
        let tflmMissing = operatorSupport.filter { !$0.tflm }.map { "\($0.op) \($0.type)" }
        if swiftletRunsModel && !tflmRunsModel {
            lines.append("Swiftlet runs this model; TFLM cannot (no TFLM kernel for \(tflmMissing.joined(separator: ", ")))")
        } else if swiftletRunsModel {
            lines.append("Swiftlet and TFLM both run this model")
        } else if tflmRunsModel {
            lines.append("TFLM runs this model; Swiftlet cannot yet")
        } else {
            lines.append("neither Swiftlet nor TFLM runs this model as is")
        }
        return lines
    }
}
