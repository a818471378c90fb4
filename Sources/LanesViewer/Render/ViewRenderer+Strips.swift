import LanesAnalysis

extension RenderContext {
    /// The strips under the lanes: executor threads held by blocking work (red where the pool ran
    /// out), then concurrency. Each cell shows the series' maximum over the cell's time.
    mutating func drawStrips() {
        var strips = layout.stripYs
        guard !strips.isEmpty else { return }
        if state.mode == .routes {
            // The heat scale first: the route rows' shades mean nothing without it.
            drawHeatScale(y: strips.removeFirst())
            guard !strips.isEmpty else { return }
        }
        let executorThreads = analysis.executorThreadCount
        let held = analysis.executorThreadsHeld
        let windowHeld = held.maximum(from: state.windowStart, to: state.windowEnd)
        let heldLabel = executorThreads > 0
            ? "executor: \(windowHeld)/\(executorThreads) threads held"
            : "executor: \(windowHeld) threads held"
        drawStrip(held, label: heldLabel, y: strips[0],
                  scale: max(Int32(executorThreads), held.overallMaximum, 1),
                  alarmAt: executorThreads > 0 ? Int32(executorThreads) : nil)
        if strips.count > 1 {
            let concurrency = analysis.concurrency
            let windowMaximum = concurrency.maximum(from: state.windowStart, to: state.windowEnd)
            drawStrip(concurrency, label: "concurrency: max \(windowMaximum)", y: strips[1],
                      scale: max(concurrency.overallMaximum, 1), alarmAt: nil)
        }
    }

    mutating func drawStrip(_ series: StepSeries, label: String, y: Int, scale: Int32, alarmAt: Int32?) {
        grid.write(SafeText.cut(label, width: layout.labelWidth - 1, ellipsis: theme.ellipsis), x: 1, y: y, style: .dim)
        grid.put(theme.separator, x: layout.labelWidth, y: y, style: .dim)
        let levels = theme.levels.count - 1
        for column in 0..<layout.timelineWidth {
            let value = series.maximum(from: columnTimes[column], to: columnTimes[column + 1])
            guard value > 0 else { continue }
            let level = max(1, min(levels, Int((Int64(value) * Int64(levels) + Int64(scale) - 1) / Int64(scale))))
            let alarm = alarmAt.map { value >= $0 } ?? false
            grid.put(theme.levels[level], x: layout.timelineX + column, y: y, style: alarm ? .blocking : .strip)
        }
    }
}
