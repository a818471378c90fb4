import LanesModel

extension RenderContext {
    /// The counter strips under the timeline (Chrome counter events): one row per series, its
    /// label and ceiling on the left, each cell the largest value under the column, as a bar
    /// from the strip's floor.
    mutating func drawCounterStrips() {
        let rows = layout.counterStripYs
        let levels = theme.levels.count - 1
        for (strip, y) in zip(document.counterStrips, rows) {
            let ceiling = strip.ceiling == strip.ceiling.rounded() && abs(strip.ceiling) < 1e15
                ? String(Int64(strip.ceiling)) : DurationText.significant(strip.ceiling)
            let label = safe(strip.label) + " " + ceiling
            grid.write(SafeText.cut(label, width: layout.labelWidth - 1, ellipsis: theme.ellipsis), x: 1, y: y, style: .dim)
            grid.put(theme.separator, x: layout.labelWidth, y: y, style: .dim)
            for column in 0..<layout.timelineWidth {
                let level = strip.level(from: columnTimes[column], to: columnTimes[column + 1], levels: levels)
                guard level > 0 else { continue }
                grid.put(theme.levels[level], x: layout.timelineX + column, y: y, style: .strip)
            }
        }
    }
}
