import Foundation

/// A small, dependency-free SVG line chart: axes with ticks, one polyline or
/// set of dots per series, and a legend. The output is deterministic text
/// (coordinates rounded to 0.1 px), so it can be compared in tests.
public struct SVGLineChart: Sendable {
    /// One curve.
    public struct Series: Sendable {
        public enum Style: Sendable { case line, dots }
        public var name: String
        /// A CSS color (`#1f77b4`).
        public var color: String
        public var style: Style
        /// Points in data coordinates.
        public var points: [(x: Double, y: Double)]

        public init(name: String, color: String, style: Style = .line, points: [(x: Double, y: Double)]) {
            self.name = name
            self.color = color
            self.style = style
            self.points = points
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var width = 640.0
    public var height = 400.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// The chart as a standalone SVG document.
    public func render() -> String {
        let left = 60.0, right = 20.0, top = 40.0, bottom = 50.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let all = series.flatMap(\.points)
        var (xMin, xMax) = (all.map(\.x).min() ?? 0, all.map(\.x).max() ?? 1)
        var (yMin, yMax) = (all.map(\.y).min() ?? 0, all.map(\.y).max() ?? 1)
        if xMax <= xMin { xMax = xMin + 1 }
        if yMax <= yMin { yMax = yMin + 1 }
        let yPad = (yMax - yMin) * 0.05
        yMin -= yPad
        yMax += yPad
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotWidth }
        func py(_ y: Double) -> Double { top + (yMax - y) / (yMax - yMin) * plotHeight }
        func n(_ v: Double) -> String { String(format: "%.1f", v) }
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
        }

        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
        viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(n(width / 2))" y="22" text-anchor="middle" font-size="15">\(escape(title))</text>

        """
        // Grid and ticks.
        for tick in Self.ticks(xMin, xMax) {
            svg += "<line x1=\"\(n(px(tick)))\" y1=\"\(n(top))\" x2=\"\(n(px(tick)))\" y2=\"\(n(top + plotHeight))\" stroke=\"#eee\"/>\n"
            svg += "<text x=\"\(n(px(tick)))\" y=\"\(n(top + plotHeight + 16))\" text-anchor=\"middle\">\(Self.label(tick))</text>\n"
        }
        for tick in Self.ticks(yMin, yMax) {
            svg += "<line x1=\"\(n(left))\" y1=\"\(n(py(tick)))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(py(tick)))\" stroke=\"#eee\"/>\n"
            svg += "<text x=\"\(n(left - 6))\" y=\"\(n(py(tick) + 4))\" text-anchor=\"end\">\(Self.label(tick))</text>\n"
        }
        svg += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotWidth))\" height=\"\(n(plotHeight))\" fill=\"none\" stroke=\"#333\"/>\n"
        svg += "<text x=\"\(n(left + plotWidth / 2))\" y=\"\(n(height - 12))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        svg += "<text x=\"16\" y=\"\(n(top + plotHeight / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(n(top + plotHeight / 2)))\">\(escape(yLabel))</text>\n"
        // Curves.
        for item in series {
            switch item.style {
            case .line:
                let points = item.points.map { "\(n(px($0.x))),\(n(py($0.y)))" }.joined(separator: " ")
                svg += "<polyline fill=\"none\" stroke=\"\(item.color)\" stroke-width=\"2\" points=\"\(points)\"/>\n"
            case .dots:
                for point in item.points {
                    svg += "<circle cx=\"\(n(px(point.x)))\" cy=\"\(n(py(point.y)))\" r=\"2.5\" fill=\"\(item.color)\"/>\n"
                }
            }
        }
        // Legend.
        for (index, item) in series.enumerated() {
            let y = top + 14 + Double(index) * 18
            svg += "<rect x=\"\(n(left + plotWidth - 190))\" y=\"\(n(y - 9))\" width=\"12\" height=\"12\" fill=\"\(item.color)\"/>\n"
            svg += "<text x=\"\(n(left + plotWidth - 172))\" y=\"\(n(y + 1))\">\(escape(item.name))</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    /// About five round tick values covering [low, high].
    static func ticks(_ low: Double, _ high: Double) -> [Double] {
        let raw = (high - low) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var tick = ceil(low / step) * step
        var result: [Double] = []
        while tick <= high + step * 1e-9 {
            result.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
        }
        return result
    }

    static func label(_ value: Double) -> String {
        String(format: "%g", (value * 1e6).rounded() / 1e6)
    }
}
