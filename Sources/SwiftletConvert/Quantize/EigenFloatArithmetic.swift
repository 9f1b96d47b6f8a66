/// The float arithmetic of the Eigen 3.4-era code that TensorFlow 2.21's x86-64 pip build runs inside
/// TFLite's optimized float kernels (AVX, **no FMA**: 8-float packets, `pmadd` = multiply then add,
/// 16 vector registers), reproduced operation for operation in scalar Swift so that calibration
/// records the same float32 bits as TF's calibrator. Measured against TF, not derived from it alone:
/// `Tools/fixtures/generate_quantization.py` records TF's ranges and the tests compare them bit for bit.
///
/// Host-only (the quantizer's calibration); the interpreter's kernels stay TFLite's reference ones.
enum EigenFloatArithmetic {
    /// Float lanes of an AVX packet.
    static let packet = 8
    /// Rows of the widest GEBP micro kernel without FMA (`default_mr` = 2 packets).
    static let mr = 16
    /// L1 data cache Eigen's blocking heuristic sees on the host that recorded the fixtures (48 KiB).
    static let l1CacheBytes = 48 * 1024

    /// `predux` of a packet: halves added pairwise down to one lane ((l0+l4, …) then (s0+s2, s1+s3), then the two).
    @inline(__always)
    static func reduce(_ lanes: UnsafeMutablePointer<Float>, _ count: Int) -> Float {
        var width = count
        while width > 1 {
            width /= 2
            for lane in 0..<width { lanes[lane] = lanes[lane] + lanes[lane + width] }
        }
        return lanes[0]
    }

    /// `y = W·x` as Eigen's row-major GEMV (`general_matrix_vector_product<RowMajor>`): rows in blocks
    /// of 8, 4, 2 with full packets over the depth and a scalar tail; single rows add one half packet.
    /// `weights` is `[rows][depth]`.
    static func gemv(weights: UnsafePointer<Float>, rows: Int, depth: Int, x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let fullEnd = packet * (depth / packet)
        let halfEnd = (packet / 2) * (depth / (packet / 2))
        var lanes = [Float](repeating: 0, count: packet)
        var row = 0
        func dot(_ r: Int, half: Bool) -> Float {
            let w = weights + r * depth
            var cc: Float = 0
            var j = 0
            if fullEnd > 0 {
                for lane in 0..<packet { lanes[lane] = 0 }
                while j < fullEnd {
                    for lane in 0..<packet { lanes[lane] = lanes[lane] + w[j + lane] * x[j + lane] }
                    j += packet
                }
                cc = lanes.withUnsafeMutableBufferPointer { reduce($0.baseAddress!, packet) }
            }
            if half && j < halfEnd {
                var h: [Float] = [0, 0, 0, 0]
                while j < halfEnd {
                    for lane in 0..<4 { h[lane] = h[lane] + w[j + lane] * x[j + lane] }
                    j += 4
                }
                cc = cc + h.withUnsafeMutableBufferPointer { reduce($0.baseAddress!, 4) }
            }
            while j < depth { cc = cc + w[j] * x[j]; j += 1 }
            return cc
        }
        let blocks = depth * MemoryLayout<Float>.size > 32000 ? [4, 2] : [8, 4, 2]
        for size in blocks {
            while row + size <= rows {
                for r in row..<(row + size) { out[r] = dot(r, half: false) }
                row += size
            }
        }
        while row < rows { out[row] = dot(row, half: true); row += 1 }
    }

    /// `y = W·x` as Eigen's column-major GEMV (what the Tensor contraction of the multithreaded
    /// convolution runs for a single output pixel): each output sums its depth in order, in blocks of
    /// 16 columns (4 when a column of W exceeds 32000 bytes) once the depth reaches 128, the block sums
    /// added in order.
    static func columnMajorGemv(weights: UnsafePointer<Float>, rows: Int, depth: Int, x: UnsafePointer<Float>,
                                into out: UnsafeMutablePointer<Float>) {
        let block = depth < 128 ? max(depth, 1) : (rows * MemoryLayout<Float>.size < 32000 ? 16 : 4)
        for n in 0..<rows {
            let w = weights + n * depth
            var total: Float = 0
            var start = 0
            while start < depth {
                var c: Float = 0
                for k in start..<min(start + block, depth) { c = c + w[k] * x[k] }
                total = total + c
                start += block
            }
            out[n] = total
        }
    }

    /// `out[m][n] = Σ_k patches[m][k] · weights[n][k]` as Eigen's GEBP with the filter as the left-hand
    /// side: rows (filters) in 16-row panels accumulate each k in order; 8- and 4-row panels split the
    /// first `depth & ~7` k's into even and odd accumulators (added together, then the rest in order),
    /// except for the last `cols % 4` columns, which go in order; the last `rows % 4` rows use the
    /// swapped 1×4 kernel (four accumulators over k mod 8 pairs, even/odd lanes added at the end).
    /// Depth beyond Eigen's `kc` (from the L1 size) is split into blocks summed into the result.
    static func gebp(weights: UnsafePointer<Float>, rows: Int, depth: Int,
                     patches: UnsafePointer<Float>, cols: Int, into out: UnsafeMutablePointer<Float>) {
        for i in 0..<(rows * cols) { out[i] = 0 }
        for (start, size) in depthBlocks(depth: depth, rows: rows, cols: cols) {
            let panel16 = (rows / mr) * mr
            let panel8 = panel16 + ((rows - panel16) / packet) * packet
            let panel4 = panel8 + ((rows - panel8) / 4) * 4
            let cols4 = (cols / 4) * 4
            let peeled = size & ~7
            for n in 0..<rows {
                let w = weights + n * depth + start
                for m in 0..<cols {
                    let p = patches + m * depth + start
                    var c: Float = 0
                    if n < panel16 || (n < panel4 && m >= cols4) {
                        for k in 0..<size { c = c + w[k] * p[k] }
                    } else if n < panel4 {
                        var odd: Float = 0
                        var k = 0
                        while k < peeled { c = c + w[k] * p[k]; odd = odd + w[k + 1] * p[k + 1]; k += 2 }
                        c = c + odd
                        while k < size { c = c + w[k] * p[k]; k += 1 }
                    } else if m < cols4 {
                        c = swappedDot(w, p, size)
                    } else {
                        for k in 0..<size { c = c + w[k] * p[k] }
                    }
                    out[m * rows + n] = out[m * rows + n] + c
                }
            }
        }
    }

    /// One entry of Eigen's swapped 1×4 GEBP kernel (rows left after the 4-row panels, AVX floats).
    private static func swappedDot(_ w: UnsafePointer<Float>, _ p: UnsafePointer<Float>, _ depth: Int) -> Float {
        let endK = (depth / 2) * 2, endK4 = (depth / 8) * 8
        var acc: [Float] = [0, 0, 0, 0, 0, 0, 0, 0]  // 4 accumulators × (even, odd)
        var k = 0
        while k < endK4 {
            for q in 0..<4 {
                acc[2 * q] = acc[2 * q] + p[k + 2 * q] * w[k + 2 * q]
                acc[2 * q + 1] = acc[2 * q + 1] + p[k + 2 * q + 1] * w[k + 2 * q + 1]
            }
            k += 8
        }
        var even = (acc[0] + acc[2]) + (acc[4] + acc[6])
        var odd = (acc[1] + acc[3]) + (acc[5] + acc[7])
        while k < endK { even = even + p[k] * w[k]; odd = odd + p[k + 1] * w[k + 1]; k += 2 }
        var c = even + odd
        if depth > endK { c = c + p[endK] * w[endK] }
        return c
    }

    /// Eigen's depth blocking (`evaluateProductBlockingSizesHeuristic`, one thread): one block unless the
    /// depth exceeds `kc = ((L1 − mr·nr·4) / ((mr + nr)·4)) & ~7`.
    static func depthBlocks(depth: Int, rows: Int, cols: Int) -> [(Int, Int)] {
        let nr = 4
        guard max(depth, max(rows, cols)) >= 48 else { return [(0, depth)] }
        let maxKc = max(((l1CacheBytes - mr * nr * 4) / ((mr + nr) * 4)) & ~7, 1)
        guard depth > maxKc else { return [(0, depth)] }
        let kc = depth % maxKc == 0 ? maxKc : maxKc - 8 * ((maxKc - 1 - depth % maxKc) / (8 * (depth / maxKc + 1)))
        var blocks: [(Int, Int)] = []
        var start = 0
        while start < depth { blocks.append((start, min(kc, depth - start))); start += kc }
        return blocks
    }

    @inline(__always) static func madd(_ a: Float, _ b: Float, _ c: Float) -> Float { a * b + c }

    /// `2^m · y` as `pldexp_fast` (biased exponent clamped to 0…255, then a multiply).
    @inline(__always)
    static func ldexpFast(_ y: Float, _ m: Float) -> Float {
        let biased = min(max(m + 127, 0), 255)
        return y * Float(bitPattern: UInt32(Int32(biased)) << 23)
    }

    /// Eigen's `pexp_float` (Cephes-style range reduction, degree-6 polynomial).
    static func exp(_ input: Float) -> Float {
        let x = min(input, 88.723)
        let m = madd(x, 1.44269504088896341, 0.5).rounded(.down)
        var r = madd(m, -0.693359375, x)
        r = madd(m, 2.12194440e-4, r)
        let r2 = r * r
        var even = madd(r2, 1.37449637986719608306884765625e-3, 4.166965186595916748046875e-2)
        let odd = madd(r2, 8.36894474923610687255859375e-3, 0.16666518151760101318359375)
        even = madd(r2, even, 0.49999988079071044921875)
        let low = r + 1
        var y = madd(r, odd, even)
        y = madd(r2, y, low)
        if abs(x) > 87 {
            if input < -104 { return 0 }
            return max(Float(Double(y) * pow2(Int(m))), input)
        }
        return max(ldexpFast(y, m), input)
    }

    private static func pow2(_ e: Int) -> Double {
        var v = 1.0
        if e >= 0 { for _ in 0..<e { v *= 2 } } else { for _ in 0..<(-e) { v /= 2 } }
        return v
    }

    /// Eigen's `ptanh_float` without FMA: clamp to ±7.90738964, odd [9/8] rational.
    static func tanh(_ input: Float) -> Float {
        let x = max(min(input, 7.90738964080810547), -7.90738964080810547)
        let x2 = x * x, x3 = x2 * x
        var p: Float = 1.394553628e-8
        for c: Float in [2.102733560e-5, 3.520756727e-3, 1.340216100e-1] { p = madd(p, x2, c) }
        var q: Float = 8.015776984e-7
        for c: Float in [3.326951409e-4, 2.597254514e-2, 4.673548340e-1, 1.0] { q = madd(q, x2, c) }
        p = madd(x3, p, x)
        return p / q
    }

    /// Eigen's packet `scalar_logistic_op<float>`: exp(x/2)² by a degree-5 polynomial, then e / (1 + e).
    static func logistic(_ input: Float) -> Float {
        if input < -104 { return 0 }
        let x = min(input, 16.6355324) * 0.5
        let m = madd(x, 1.44269504088896341, 0.5).rounded(.down)
        var r = madd(m, -0.693359375, x)
        r = madd(m, 2.12194440e-4, r)
        let r2 = r * r
        let even = madd(r2, 4.1898667812347412109375e-2, 0.49999141693115234375)
        let odd = madd(r2, 8.33471305668354034423828125e-3, 0.16666877269744873046875)
        let low = r + 1
        var p = madd(r, odd, even)
        p = madd(r2, p, low)
        var e = ldexpFast(p, m)
        e = e * e
        return e / (1 + e)
    }

    /// A vectorized `sum()` redux over contiguous floats: two packet accumulators over pairs of
    /// packets, a last packet, `predux`, then the scalar tail; in order when shorter than a packet.
    static func sum(_ values: UnsafePointer<Float>, _ count: Int) -> Float {
        let aligned = (count / packet) * packet
        guard aligned > 0 else {
            var s = values[0]
            for i in 1..<max(count, 1) { s = s + values[i] }
            return count == 0 ? 0 : s
        }
        let aligned2 = (count / (2 * packet)) * (2 * packet)
        var r0 = (0..<packet).map { values[$0] }
        if aligned > packet {
            var r1 = (0..<packet).map { values[packet + $0] }
            var index = 2 * packet
            while index < aligned2 {
                for l in 0..<packet { r0[l] = r0[l] + values[index + l]; r1[l] = r1[l] + values[index + packet + l] }
                index += 2 * packet
            }
            for l in 0..<packet { r0[l] = r0[l] + r1[l] }
            if aligned > aligned2 { for l in 0..<packet { r0[l] = r0[l] + values[aligned2 + l] } }
        }
        var s = r0.withUnsafeMutableBufferPointer { reduce($0.baseAddress!, packet) }
        for i in aligned..<count { s = s + values[i] }
        return s
    }
}
