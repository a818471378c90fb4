import LanesAnalysis

extension RenderContext {
    /// The steps the ruler may use between ticks, in nanoseconds: 1-2-5 up to ten seconds,
    /// then clock-like steps (15 s, 1 min, 1 h, 1 d, …).
    static let tickSteps: [Int64] = {
        var steps: [Int64] = []
        var power: Int64 = 1
        while power <= 1_000_000_000 {
            steps += [power, 2 * power, 5 * power]
            power *= 10
        }
        let second: Int64 = 1_000_000_000
        steps += [10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200].map { $0 * second }
        var days: Int64 = 1
        while days <= 10_000 {
            steps += [days, 2 * days, 5 * days].map { $0 * 86_400 * second }
            days *= 10
        }
        return steps
    }()

    /// The unit tick labels are written in, chosen by the largest offset shown.
    static func labelUnit(forOffset offset: Int64) -> (size: Int64, name: String) {
        let second: Int64 = 1_000_000_000
        if offset >= 2 * 86_400 * second { return (86_400 * second, "d") }
        if offset >= 2 * 3_600 * second { return (3_600 * second, "h") }
        if offset >= 120 * second { return (60 * second, "m") }
        if offset >= second { return (second, "s") }
        if offset >= 1_000_000 { return (1_000_000, "ms") }
        if offset >= 1_000 { return (1_000, "µs") }
        return (1, "ns")
    }

    /// `offset` in `unit` with just enough decimals to tell ticks `step` apart.
    func tickLabel(_ offset: Int64, step: Int64, unit: (size: Int64, name: String)) -> String {
        let minute: Int64 = 60_000_000_000
        if step >= minute, step % minute == 0 { return Self.clockLabel(offset) }
        let name = ascii && unit.name == "µs" ? "us" : unit.name
        if offset == 0 { return "0" + name }
        var decimals = 0
        var scaled = step
        while decimals < 9, scaled % unit.size != 0 {
            scaled = scaled.multipliedReportingOverflow(by: 10).overflow ? unit.size : scaled * 10
            decimals += 1
        }
        return DisplayText.decimal(Double(offset) / Double(unit.size), digits: decimals) + name
    }

    /// Whole minutes as days, hours and minutes: "45m", "6h", "1h30m", "2d", "2d06h".
    static func clockLabel(_ offset: Int64) -> String {
        let totalMinutes = offset / 60_000_000_000
        if totalMinutes == 0 { return "0" }
        let days = totalMinutes / 1_440
        let hours = totalMinutes / 60 % 24
        let minutes = totalMinutes % 60
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        if days > 0 {
            return "\(days)d" + (hours > 0 || minutes > 0 ? two(hours) + "h" : "") + (minutes > 0 ? two(minutes) + "m" : "")
        }
        if hours > 0 { return "\(hours)h" + (minutes > 0 ? two(minutes) + "m" : "") }
        return "\(minutes)m"
    }

    mutating func drawRuler() {
        guard let y = layout.rulerY else { return }
        grid.write(SafeText.cut(state.mode.columnTitle, width: layout.labelWidth - 1, ellipsis: theme.ellipsis), x: 1, y: y, style: .dim)
        if layout.statsWidth > 0 {
            grid.write(SafeText.cut(routeFigureTitles, width: layout.statsWidth, ellipsis: theme.ellipsis), x: layout.labelWidth + 1, y: y, style: .dim)
        }
        let origin = trace.startTime
        let windowEndOffset = Double(state.windowEnd) - Double(origin)
        let unit = Self.labelUnit(forOffset: TimeMath.clamp(windowEndOffset))
        let nanosecondsPerColumn = Double(state.windowDuration) / Double(layout.timelineWidth)
        // The smallest step whose labels fit between ticks.
        var chosen = Self.tickSteps.last ?? 1
        for step in Self.tickSteps {
            let spacing = Double(step) / nanosecondsPerColumn
            guard spacing >= 6 else { continue }
            let sample = tickLabel(TimeMath.clamp(windowEndOffset), step: step, unit: unit)
            if spacing >= Double(SafeText.width(sample) + 2) {
                chosen = step
                break
            }
        }
        // Ticks at multiples of the step, measured from the trace start.
        let firstOffset = Double(state.windowStart) - Double(origin)
        var tick = TimeMath.clamp((firstOffset / Double(chosen)).rounded(.up)) &* chosen
        if Double(tick) < firstOffset { tick = TimeMath.add(tick, chosen) }
        var drawn = 0
        while drawn < 1_000 {
            let time = TimeMath.add(origin, tick)
            let column = layout.column(ofTime: time, start: state.windowStart, duration: state.windowDuration)
            if column >= layout.timelineWidth || time >= state.windowEnd && drawn > 0 { break }
            if column >= 0 {
                let label = tickLabel(tick, step: chosen, unit: unit)
                let x = layout.timelineX + column
                if x + SafeText.width(label) <= grid.width {
                    grid.write(label, x: x, y: y, style: .dim)
                }
            }
            let next = TimeMath.add(tick, chosen)
            if next == tick { break }
            tick = next
            drawn += 1
        }
    }
}
