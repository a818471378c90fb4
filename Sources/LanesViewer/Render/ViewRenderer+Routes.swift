import LanesAnalysis

/// The route view: per route its figures (count, rate, p50, p99) and a latency heat strip, each
/// cell shaded by the p90 latency of the requests that began in that cell's time, on one
/// logarithmic scale shared by all routes and written under the rows.
extension RenderContext {
    /// The quantile a heat cell shows.
    static let heatQuantile = 0.9

    /// Count, rate, p50 and p99 of route `route`, right-aligned between the names and the strip.
    mutating func drawRouteFigures(_ route: Int, y: Int) {
        guard layout.statsWidth > 0 else { return }
        let statistics = document.routes.groups.statistics[route]
        let text = routeFigures(statistics).map { pad($0.text, $0.width) }.joined(separator: " ")
        grid.write(SafeText.cut(text, width: layout.statsWidth, ellipsis: theme.ellipsis), x: layout.labelWidth + 1, y: y, style: .plain)
    }

    /// The figures shown for a route at this width, each with its column width.
    func routeFigures(_ statistics: LatencyStatistics) -> [(text: String, width: Int)] {
        let p50 = (duration(statistics.p50), 7)
        let p99 = (duration(statistics.p99), 7)
        guard layout.statsWidth >= 34 else { return [p50, p99] }
        return [(compactCount(statistics.count), 7), (rate(statistics.count), 9), p50, p99]
    }

    /// The column headings of `routeFigures`, for the ruler row.
    var routeFigureTitles: String {
        let titles = layout.statsWidth >= 34 ? [("count", 7), ("rate", 9), ("p50", 7), ("p99", 7)] : [("p50", 7), ("p99", 7)]
        return titles.map { pad($0.0, $0.1) }.joined(separator: " ")
    }

    /// `text` right-aligned in `width` cells.
    func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - SafeText.width(text))) + text
    }

    /// 1234 → "1,234"; 312041 → "312k"; 4200000 → "4.20M".
    func compactCount(_ count: Int) -> String {
        if count < 10_000 { return grouped(count) }
        if count < 1_000_000 { return "\(count / 1_000)k" }
        return DisplayText.decimal(Double(count) / 1e6, digits: 2) + "M"
    }

    /// Requests per second over the trace's wall time, as the reports write it ("312/s").
    func rate(_ count: Int) -> String {
        OccurrenceReport(LatencyStatistics(count: count, total: 0, p50: 0, p90: 0, p99: 0, maximum: 0),
                         wallNanoseconds: document.wallNanoseconds).rateText
    }

    /// Route `route`'s heat strip: for each cell, the latency distribution of the requests that
    /// began in it, shown as the level of its p90 (blank when none began).
    mutating func drawHeat(_ route: Int, y: Int, histogram: inout [UInt32]) {
        let routes = document.routes
        for column in 0..<layout.timelineWidth {
            let cell = routes.roots(ofRoute: route, beganFrom: columnTimes[column], to: columnTimes[column + 1], in: trace)
            guard !cell.isEmpty else { continue }
            for bin in 0..<RouteIndex.binCount { histogram[bin] = 0 }
            routes.addBins(ofRoute: route, cell, into: &histogram)
            let bin = RouteIndex.quantileBin(histogram, total: cell.count, fraction: Self.heatQuantile)
            let level = routes.level(ofBin: bin)
            grid.put(theme.levels[level], x: layout.timelineX + column, y: y, style: Self.heatStyle(level))
        }
    }

    /// Green for the lower levels, yellow in the middle, red at the top.
    static func heatStyle(_ level: Int) -> CellStyle {
        level <= 3 ? .heatLow : (level <= 6 ? .heatMedium : .heatHigh)
    }

    /// The heat scale under the routes: glyphs with the latency each level starts at, as many
    /// levels as the strip has room for (all eight, or every other, or the ends).
    mutating func drawHeatScale(y: Int) {
        let routes = document.routes
        grid.write(SafeText.cut("heat: p90 per cell", width: layout.labelWidth - 1, ellipsis: theme.ellipsis), x: 1, y: y, style: .dim)
        grid.put(theme.separator, x: layout.labelWidth, y: y, style: .dim)
        let room = grid.width - layout.timelineX
        for levels in [[1, 2, 3, 4, 5, 6, 7, 8], [1, 3, 5, 7, 8], [1, 4, 8], [1, 8], [8]] {
            let entries = levels.map { level in (level, duration(routes.floor(ofLevel: level)) + (level == 8 ? "+" : "")) }
            let width = entries.reduce(0) { $0 + 2 + SafeText.width($1.1) + 1 }
            guard width <= room || levels.count == 1 else { continue }
            var x = layout.timelineX
            for (level, text) in entries where x + 2 + SafeText.width(text) <= grid.width {
                grid.put(theme.levels[level], x: x, y: y, style: Self.heatStyle(level))
                x += 2
                x += grid.write(text + " ", x: x, y: y, style: .dim)
            }
            return
        }
    }
}
