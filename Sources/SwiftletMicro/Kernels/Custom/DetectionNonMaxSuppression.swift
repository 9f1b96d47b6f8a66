/// TFLite_Detection_PostProcess's scratch buffer, carved into its arrays (all
/// 4-byte elements, then one byte per anchor):
/// decoded boxes `4N` floats, scores `N` floats, kept and selected anchors `N`
/// Int32 each, the active flags `N` bytes, then either the ranked detections of
/// regular NMS (`3·max_detections` words) or fast NMS's best classes per anchor (`k·N` Int32).
struct DetectionScratch {
    let boxes: UnsafeMutablePointer<Float>
    let scores: UnsafeMutablePointer<Float>
    let kept: UnsafeMutablePointer<Int32>
    let selected: UnsafeMutablePointer<Int32>
    let active: UnsafeMutablePointer<UInt8>
    let rankedAnchors: UnsafeMutablePointer<Int32>
    let rankedClasses: UnsafeMutablePointer<Int32>
    let rankedScores: UnsafeMutablePointer<Float>
    let bestClasses: UnsafeMutablePointer<Int32>

    /// Bytes of the flags area rounded so that the words after it stay aligned.
    static func flagBytes(anchors: Int) -> Int { (anchors + 3) & ~3 }

    /// The buffer's size.
    static func bytes(anchors: Int, maxDetections: Int, categories: Int, regular: Bool) -> Int {
        let tail = regular ? 12 * maxDetections : 4 * categories * anchors
        return max(28 * anchors + flagBytes(anchors: anchors) + tail, 4)
    }

    init(base: UnsafeMutableRawPointer, anchors: Int, maxDetections: Int, categories: Int) {
        boxes = base.assumingMemoryBound(to: Float.self)
        scores = (base + 16 * anchors).assumingMemoryBound(to: Float.self)
        kept = (base + 20 * anchors).assumingMemoryBound(to: Int32.self)
        selected = (base + 24 * anchors).assumingMemoryBound(to: Int32.self)
        active = (base + 28 * anchors).assumingMemoryBound(to: UInt8.self)
        let tail = base + 28 * anchors + Self.flagBytes(anchors: anchors)
        rankedAnchors = tail.assumingMemoryBound(to: Int32.self)
        rankedClasses = (tail + 4 * maxDetections).assumingMemoryBound(to: Int32.self)
        rankedScores = (tail + 8 * maxDetections).assumingMemoryBound(to: Float.self)
        bestClasses = tail.assumingMemoryBound(to: Int32.self)
    }
}

/// Greedy non-max suppression over one score per anchor, as TFLM's kernel runs it:
/// anchors scoring at least the threshold, best first (a stable sort, so equal
/// scores keep anchor order); each one still active is selected and deactivates the
/// later ones whose IoU with it exceeds the IoU threshold.
struct NonMaxSuppression {
    let boxes: UnsafeMutablePointer<Float>
    let count: Int
    let scoreThreshold: Float
    let iouThreshold: Float
    let scratch: DetectionScratch

    /// Selects at most `limit` anchors into `scratch.selected`; returns how many.
    func select(scores: UnsafeMutablePointer<Float>, limit: Int) -> Int {
        let kept = scratch.kept, active = scratch.active, selected = scratch.selected
        var keptCount = 0
        for anchor in 0..<count where scores[anchor] >= scoreThreshold {
            kept[keptCount] = Int32(anchor)
            keptCount += 1
        }
        sortDescending(kept, count: keptCount, by: scores, temporary: selected)
        for index in 0..<keptCount { active[index] = 1 }
        let wanted = min(keptCount, limit)
        var chosen = 0
        for candidate in 0..<keptCount {
            if chosen >= wanted { break }
            guard active[candidate] == 1 else { continue }
            let anchor = Int(kept[candidate])
            selected[chosen] = Int32(anchor)
            chosen += 1
            active[candidate] = 0
            var other = candidate + 1
            while other < keptCount {
                if active[other] == 1, intersectionOverUnion(anchor, Int(kept[other])) > iouThreshold { active[other] = 0 }
                other += 1
            }
        }
        return chosen
    }

    /// TFLM's IoU in float: 0 when either box has no area.
    func intersectionOverUnion(_ first: Int, _ second: Int) -> Float {
        let a = boxes + 4 * first, b = boxes + 4 * second
        let areaA = (a[2] - a[0]) * (a[3] - a[1])
        let areaB = (b[2] - b[0]) * (b[3] - b[1])
        if areaA <= 0 || areaB <= 0 { return 0 }
        // std::max / std::min semantics: the first argument unless the second is strictly beyond it.
        @inline(__always) func larger(_ x: Float, _ y: Float) -> Float { x < y ? y : x }
        @inline(__always) func smaller(_ x: Float, _ y: Float) -> Float { y < x ? y : x }
        let height = larger(smaller(a[2], b[2]) - larger(a[0], b[0]), 0)
        let width = larger(smaller(a[3], b[3]) - larger(a[1], b[1]), 0)
        let intersection = height * width
        return intersection / (areaA + areaB - intersection)
    }

    /// Stable sort of `indices` by `keys[index]`, highest first (bottom-up merge sort).
    func sortDescending(_ indices: UnsafeMutablePointer<Int32>, count: Int, by keys: UnsafeMutablePointer<Float>,
                        temporary: UnsafeMutablePointer<Int32>) {
        var source = indices, target = temporary
        var run = 1
        while run < count {
            var start = 0
            while start < count {
                let middle = min(start + run, count), end = min(start + 2 * run, count)
                var left = start, right = middle, out = start
                while out < end {
                    // Take from the right run only when strictly greater: equal keys keep their order.
                    if left >= middle || (right < end && keys[Int(source[right])] > keys[Int(source[left])]) {
                        target[out] = source[right]
                        right += 1
                    } else {
                        target[out] = source[left]
                        left += 1
                    }
                    out += 1
                }
                start = end
            }
            swap(&source, &target)
            run *= 2
        }
        if source != indices { indices.update(from: source, count: count) }
    }
}

/// Regular NMS's running best detections of all classes so far, best first.
/// Equal scores keep the order they arrived in (earlier classes, then earlier
/// selections), which is TFLM's order: its partial sort breaks ties by position.
struct RankedDetections {
    let anchors: UnsafeMutablePointer<Int32>
    let classes: UnsafeMutablePointer<Int32>
    let scores: UnsafeMutablePointer<Float>
    let capacity: Int

    /// Inserts one detection into the first `count`; returns the new count.
    func insert(anchor: Int, label: Int, score: Float, count: Int) -> Int {
        var position = count
        while position > 0, scores[position - 1] < score { position -= 1 }
        guard position < capacity else { return count }
        var move = min(count, capacity - 1)
        while move > position {
            anchors[move] = anchors[move - 1]
            classes[move] = classes[move - 1]
            scores[move] = scores[move - 1]
            move -= 1
        }
        anchors[position] = Int32(anchor)
        classes[position] = Int32(label)
        scores[position] = score
        return min(count + 1, capacity)
    }
}
