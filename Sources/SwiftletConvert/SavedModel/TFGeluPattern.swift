/// Recognizes the exact Gelu TensorFlow writes for `tf.nn.gelu(x, approximate=False)` (and Keras'
/// `gelu`): `Mul(Mul(0.5, x), Erfc(Mul(Neg(x), 1/√2)))`, which becomes one GELU operator (as TF's
/// converter makes it), since TFLite has no ERFC.
enum TFGeluPattern {
    /// The reference to `x` when `mul` is the pattern's last Mul, else nil.
    static func match(_ mul: Tensorflow_NodeDef, in scope: TFGraphConverter.Scope) -> String? {
        let inputs = mul.input.filter { !$0.hasPrefix("^") }
        guard inputs.count == 2 else { return nil }
        for (erfcSide, halfSide) in [(0, 1), (1, 0)] {
            guard let erfc = node(inputs[erfcSide], scope), erfc.op == "Erfc", let scaled = node(erfc.input.first ?? "", scope),
                  scaled.op == "Mul", let half = node(inputs[halfSide], scope), half.op == "Mul" else { continue }
            // scaled = Neg(x) · 1/√2 (either order)
            var negated: String?
            for (a, b) in [(0, 1), (1, 0)] where scaled.input.count >= 2 {
                if let neg = node(scaled.input[a], scope), neg.op == "Neg", isConstant(scaled.input[b], 0.70710677, scope) {
                    negated = neg.input.first
                }
            }
            guard let x = negated else { continue }
            // half = 0.5 · x (either order)
            for (a, b) in [(0, 1), (1, 0)] where half.input.count >= 2 {
                if isConstant(half.input[a], 0.5, scope), sameReference(half.input[b], x) { return x }
            }
        }
        return nil
    }

    private static func node(_ reference: String, _ scope: TFGraphConverter.Scope) -> Tensorflow_NodeDef? {
        scope.nodes[String(reference.split(separator: ":").first ?? "")]
    }

    private static func isConstant(_ reference: String, _ value: Float, _ scope: TFGraphConverter.Scope) -> Bool {
        guard let node = node(reference, scope), node.op == "Const", case .tensor(let proto)? = node.attr["value"]?.value,
              let constant = try? TFConstant(proto: proto, label: node.name), constant.elementCount == 1 else { return false }
        return abs(Float(constant.values[0]) - value) <= 1e-6
    }

    /// Whether two references name the same output (`n`, `n:0` and `n:output:0` alike).
    private static func sameReference(_ a: String, _ b: String) -> Bool {
        func normalized(_ r: String) -> String {
            let parts = r.split(separator: ":").map(String.init)
            return parts.count == 1 ? "\(parts[0]):0" : "\(parts[0]):\(parts.last!)"
        }
        return a == b || normalized(a) == normalized(b)
    }
}
