import SwiftletFormat

/// TFLite_Detection_PostProcess (TFLM custom op, the tail of SSD detectors):
/// decodes box encodings `[1, N, ≥4]` (y, x, h, w relative to the anchors `[N, 4]`,
/// divided by the y/x/h/w scales) into corners, then keeps the best boxes with
/// non-max suppression over the class predictions `[1, N, classes (+ background)]`.
/// Outputs (float32): boxes `[1, slots, 4]` (ymin, xmin, ymax, xmax), classes and
/// scores `[1, slots]`, and the number of detections `[1]`.
///
/// Options (FlexBuffers): `max_detections`, `max_classes_per_detection`,
/// `nms_score_threshold`, `nms_iou_threshold`, `num_classes`, `y_scale`, `x_scale`,
/// `h_scale`, `w_scale` (all required), `detections_per_class` (default 100) and
/// `use_regular_nms` (default false).
///
/// Regular NMS suppresses per class and keeps the `max_detections` best of all
/// classes (every slot written; zeros past the count). Fast NMS suppresses once on
/// each anchor's best class score and reports the `k = min(max_classes_per_detection,
/// num_classes)` best classes of each kept anchor. As TFLM's kernel does, fast NMS
/// writes the c-th class of its j-th output at slot `k·(j·k + c)`, so with k > 1 the
/// outputs need `k²·min(N, max_detections)` slots (TFLM writes past smaller ones;
/// Swiftlet refuses them), and leaves the slots it does not write untouched.
///
/// Float32 inputs only, as TFLM (its kernel fails on int8/uint8 ones). Results equal
/// TFLM's bit for bit, ties included (equal scores: lower anchor, then lower class,
/// first); NaN scores are outside that promise. Scratch (in the arena, released after
/// the operator): `29·N + 12·max_detections` bytes for regular NMS,
/// `(29 + 4k)·N` for fast NMS (k as above).
public enum DetectionPostProcess {
    /// The kernel's registration (custom code `TFLite_Detection_PostProcess`).
    public static var registration: KernelRegistration {
        KernelRegistration(code: .custom, customName: "TFLite_Detection_PostProcess", prepare: prepare, eval: eval)
    }

    struct OpData {
        var maxDetections: Int32
        var categoriesPerAnchor: Int32
        var detectionsPerClass: Int32
        var useRegularNMS: Bool
        var scoreThreshold: Float
        var iouThreshold: Float
        var classes: Int32
        var labelOffset: Int32
        var scales: (y: Float, x: Float, h: Float, w: Float)
        var anchors: Int32
        var encodingStride: Int32
        var scratch: ScratchHandle
    }

    static func prepare(_ context: inout PrepareContext) throws(MicroError) {
        guard context.inputCount == 3, context.outputCount == 4 else {
            throw context.invalid("TFLite_Detection_PostProcess takes box encodings, class predictions and anchors, and gives boxes, classes, scores and a count")
        }
        let options = try context.customOptions()
        var data = try readOptions(options, context)
        let encodings = try context.requiredInput(0), predictions = try context.requiredInput(1), anchors = try context.requiredInput(2)
        for tensor in [encodings, predictions, anchors] where tensor.type != .float32 { throw context.unsupported(tensor) }
        guard encodings.rank == 3, encodings.dimension(0) == 1, encodings.dimension(2) >= 4 else {
            throw context.invalid("box encodings must be [1, anchors, 4 or more]")
        }
        let count = encodings.dimension(1)
        guard predictions.rank == 3, predictions.dimension(0) == 1, predictions.dimension(1) == count else {
            throw context.invalid("class predictions must be [1, anchors, classes] with the box encodings' anchor count")
        }
        guard anchors.rank == 2, anchors.dimension(0) == count, anchors.dimension(1) == 4 else {
            throw context.invalid("anchors must be [anchors, 4] (y, x, h, w) with the box encodings' anchor count")
        }
        let width = predictions.dimension(2), classes = Int(data.classes)
        guard width == classes || width == classes + 1 else {
            throw context.invalid("class predictions must have num_classes columns, or one more for the background")
        }
        data.labelOffset = Int32(width - classes)
        data.anchors = Int32(count)
        data.encodingStride = Int32(encodings.dimension(2))
        let categories = min(Int(data.categoriesPerAnchor), classes)
        data.categoriesPerAnchor = Int32(categories)
        let detections = Int(data.maxDetections)
        let slots = data.useRegularNMS ? detections : min(count, detections) * categories * categories
        let boxes = try context.requiredOutput(0), labels = try context.requiredOutput(1), scores = try context.requiredOutput(2)
        let total = try context.requiredOutput(3)
        for tensor in [boxes, labels, scores, total] where tensor.type != .float32 { throw context.unsupported(tensor) }
        guard boxes.elementCount >= 4 * slots, labels.elementCount >= slots, scores.elementCount >= slots, total.elementCount >= 1 else {
            throw context.invalid("the outputs are too small: regular NMS writes max_detections slots, fast NMS k²·min(anchors, max_detections) (k = max_classes_per_detection); TFLM would write past them")
        }
        data.scratch = context.requestScratch(bytes: DetectionScratch.bytes(anchors: count, maxDetections: detections,
                                                                           categories: categories, regular: data.useRegularNMS))
        context.setOpData(data)
    }

    /// The options, checked as far as they do not depend on the tensors.
    static func readOptions(_ options: FlexMap, _ context: PrepareContext) throws(MicroError) -> OpData {
        let data = try context.option { () throws(FormatError) -> OpData in
            var perClass: Int32 = 100
            if let value = try options.value("detections_per_class"), value.type != .null {
                perClass = try FlexMap.naming("detections_per_class") { () throws(FormatError) in try value.asInt32() }
            }
            var regular = false
            if let value = try options.value("use_regular_nms"), value.type != .null {
                regular = try FlexMap.naming("use_regular_nms") { () throws(FormatError) in try value.asBool() }
            }
            return OpData(maxDetections: try options.int32("max_detections"),
                          categoriesPerAnchor: try options.int32("max_classes_per_detection"),
                          detectionsPerClass: perClass, useRegularNMS: regular,
                          scoreThreshold: try options.float("nms_score_threshold"),
                          iouThreshold: try options.float("nms_iou_threshold"),
                          classes: try options.int32("num_classes"), labelOffset: 0,
                          scales: (try options.float("y_scale"), try options.float("x_scale"),
                                   try options.float("h_scale"), try options.float("w_scale")),
                          anchors: 0, encodingStride: 0, scratch: ScratchHandle(index: 0))
        }
        guard data.maxDetections >= 0 else { throw context.invalid("max_detections must not be negative") }
        guard data.classes >= 1 else { throw context.invalid("num_classes must be at least 1") }
        guard data.iouThreshold > 0, data.iouThreshold <= 1 else { throw context.invalid("nms_iou_threshold must be in (0, 1]") }
        if data.useRegularNMS {
            guard data.detectionsPerClass > 0 else { throw context.invalid("detections_per_class must be positive for regular NMS") }
        } else {
            guard data.categoriesPerAnchor > 0 else { throw context.invalid("max_classes_per_detection must be positive for fast NMS") }
        }
        return data
    }

    static func eval(_ context: borrowing EvalContext) throws(MicroError) {
        let data = context.opData(as: OpData.self).pointee
        let count = Int(data.anchors)
        let scratch = DetectionScratch(base: context.scratch(data.scratch), anchors: count,
                                       maxDetections: Int(data.maxDetections), categories: Int(data.categoriesPerAnchor))
        decode(context.input(0, as: Float.self), stride: Int(data.encodingStride), anchors: context.input(2, as: Float.self),
               count: count, scales: data.scales, into: scratch.boxes)
        for anchor in 0..<count {
            let box = scratch.boxes + 4 * anchor
            if box[0] >= box[2] || box[1] >= box[3] {
                throw .kernelFailure(op: "TFLite_Detection_PostProcess", reason: "a decoded box has ymin ≥ ymax or xmin ≥ xmax (TFLM fails too)")
            }
        }
        let suppression = NonMaxSuppression(boxes: scratch.boxes, count: count, scoreThreshold: data.scoreThreshold,
                                            iouThreshold: data.iouThreshold, scratch: scratch)
        let outputs = DetectionOutputs(boxes: context.output(0, as: Float.self), classes: context.output(1, as: Float.self),
                                       scores: context.output(2, as: Float.self), count: context.output(3, as: Float.self))
        let predictions = context.input(1, as: Float.self)
        if data.useRegularNMS {
            regular(data, predictions, suppression, scratch, outputs)
        } else {
            fast(data, predictions, suppression, scratch, outputs)
        }
    }

    /// Centre-size encodings to corners, in TFLM's mixed float/double arithmetic.
    static func decode(_ encodings: UnsafePointer<Float>, stride: Int, anchors: UnsafePointer<Float>, count: Int,
                       scales: (y: Float, x: Float, h: Float, w: Float), into boxes: UnsafeMutablePointer<Float>) {
        for index in 0..<count {
            let encoding = encodings + index * stride, anchor = anchors + 4 * index
            let anchorY = Double(anchor[0]), anchorX = Double(anchor[1]), anchorH = Double(anchor[2]), anchorW = Double(anchor[3])
            let centreY = Float(Double(encoding[0]) / Double(scales.y) * anchorH + anchorY)
            let centreX = Float(Double(encoding[1]) / Double(scales.x) * anchorW + anchorX)
            let halfH = Float(0.5 * Transcendental.exp(Double(encoding[2]) / Double(scales.h)) * anchorH)
            let halfW = Float(0.5 * Transcendental.exp(Double(encoding[3]) / Double(scales.w)) * anchorW)
            let box = boxes + 4 * index
            box[0] = centreY - halfH
            box[1] = centreX - halfW
            box[2] = centreY + halfH
            box[3] = centreX + halfW
        }
    }

    /// Per-class NMS; the best `max_detections` of all classes, best first.
    static func regular(_ data: OpData, _ predictions: UnsafePointer<Float>, _ suppression: NonMaxSuppression,
                        _ scratch: DetectionScratch, _ outputs: DetectionOutputs) {
        let count = Int(data.anchors), width = Int(data.classes + data.labelOffset), limit = Int(data.maxDetections)
        let ranked = RankedDetections(anchors: scratch.rankedAnchors, classes: scratch.rankedClasses,
                                      scores: scratch.rankedScores, capacity: limit)
        var kept = 0
        for label in 0..<Int(data.classes) {
            for anchor in 0..<count { scratch.scores[anchor] = predictions[anchor * width + label + Int(data.labelOffset)] }
            let selected = suppression.select(scores: scratch.scores, limit: Int(data.detectionsPerClass))
            for index in 0..<selected {
                let anchor = Int(scratch.selected[index])
                kept = ranked.insert(anchor: anchor, label: label, score: scratch.scores[anchor], count: kept)
            }
        }
        for slot in 0..<limit {
            if slot < kept {
                outputs.write(slot: slot, box: scratch.boxes + 4 * Int(ranked.anchors[slot]),
                              label: Float(ranked.classes[slot]), score: ranked.scores[slot])
            } else {
                for coordinate in 0..<4 { outputs.boxes[4 * slot + coordinate] = 0 }
                outputs.classes[slot] = 0
                outputs.scores[slot] = 0
            }
        }
        outputs.count[0] = Float(kept)
    }

    /// NMS on each anchor's best class score; the k best classes of each kept anchor.
    static func fast(_ data: OpData, _ predictions: UnsafePointer<Float>, _ suppression: NonMaxSuppression,
                     _ scratch: DetectionScratch, _ outputs: DetectionOutputs) {
        let count = Int(data.anchors), width = Int(data.classes + data.labelOffset), k = Int(data.categoriesPerAnchor)
        let classes = Int(data.classes)
        for anchor in 0..<count {
            let row = predictions + anchor * width + Int(data.labelOffset)
            let best = scratch.bestClasses + anchor * k
            var filled = 0
            for label in 0..<classes {
                // Insert after every class that scores at least as high (those have lower indices).
                var position = filled
                while position > 0, row[Int(best[position - 1])] < row[label] { position -= 1 }
                guard position < k else { continue }
                var move = min(filled, k - 1)
                while move > position { best[move] = best[move - 1]; move -= 1 }
                best[position] = Int32(label)
                filled = min(filled + 1, k)
            }
            scratch.scores[anchor] = row[Int(best[0])]
        }
        let selected = suppression.select(scores: scratch.scores, limit: Int(data.maxDetections))
        var written = 0
        for index in 0..<selected {
            let anchor = Int(scratch.selected[index])
            let row = predictions + anchor * width + Int(data.labelOffset)
            for column in 0..<k {
                // TFLM's layout: its running output counter times k, plus the column.
                let label = Int(scratch.bestClasses[anchor * k + column])
                outputs.write(slot: k * written + column, box: scratch.boxes + 4 * anchor, label: Float(label), score: row[label])
                written += 1
            }
        }
        outputs.count[0] = Float(written)
    }
}

/// The four output tensors.
struct DetectionOutputs {
    let boxes: UnsafeMutablePointer<Float>
    let classes: UnsafeMutablePointer<Float>
    let scores: UnsafeMutablePointer<Float>
    let count: UnsafeMutablePointer<Float>

    func write(slot: Int, box: UnsafeMutablePointer<Float>, label: Float, score: Float) {
        for coordinate in 0..<4 { boxes[4 * slot + coordinate] = box[coordinate] }
        classes[slot] = label
        scores[slot] = score
    }
}
