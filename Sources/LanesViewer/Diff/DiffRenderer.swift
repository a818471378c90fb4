import LanesAnalysis
import LanesModel

/// Draws the diff view: both runs on one time axis (B shifted so the first root spans start
/// together), each span as two lines, A over B, with the change beside it. Pure, like
/// `ViewRenderer`, and built from the same pieces (ruler, span bars, strips, help).
public enum DiffRenderer {
    /// The frame for `state` at `size`.
    public static func render(_ state: DiffViewState, size: GridSize) -> CellGrid {
        var state = state
        if state.size != size {
            state.size = size
            state.clampSelection()
        }
        let layout = state.layout
        let stateA = ViewState(window: state.windowStart, duration: state.windowDuration, size: size, theme: state.theme)
        let stateB = ViewState(window: TimeMath.add(state.windowStart, state.alignmentOffset),
                               duration: state.windowDuration, size: size, theme: state.theme)
        var contextA = RenderContext(state: stateA, document: state.a)
        var contextB = RenderContext(state: stateB, document: state.b)

        drawHeader(state, into: &contextA)
        contextA.drawRuler()
        let entries = visibleEntries(state, layout: layout)
        for (entry, y) in entries {
            drawLabels(state, entry: entry, y: y, selected: state.rows[entry].row == state.selection?.row, into: &contextA)
            let spanA = state.diff.rows[Int(state.rows[entry].row)].spanA
            if spanA >= 0 { contextA.drawSpanBar(Int(spanA), y: y) }
        }
        for line in 0..<layout.rowsHeight { contextA.grid.put(state.theme.separator, x: layout.labelWidth, y: layout.rowsY + line, style: .dim) }
        if let strip = layout.stripYs.first {
            contextA.drawStrip(state.a.analysis.executorThreadsHeld, label: "A: threads held", y: strip,
                               scale: max(Int32(state.a.analysis.executorThreadCount), state.a.analysis.executorThreadsHeld.overallMaximum, 1),
                               alarmAt: state.a.analysis.executorThreadCount > 0 ? Int32(state.a.analysis.executorThreadCount) : nil)
        }

        // The same grid, now drawn on by B's context (B's clock, B's lanes).
        contextB.grid = contextA.grid
        contextA.grid = CellGrid(size: GridSize(width: 1, height: 1))
        for (entry, y) in entries where y + 1 < layout.rowsY + layout.rowsHeight {
            let spanB = state.diff.rows[Int(state.rows[entry].row)].spanB
            if spanB >= 0 { contextB.drawSpanBar(Int(spanB), y: y + 1) }
        }
        if layout.stripYs.count > 1 {
            contextB.drawStrip(state.b.analysis.executorThreadsHeld, label: "B: threads held", y: layout.stripYs[1],
                               scale: max(Int32(state.b.analysis.executorThreadCount), state.b.analysis.executorThreadsHeld.overallMaximum, 1),
                               alarmAt: state.b.analysis.executorThreadCount > 0 ? Int32(state.b.analysis.executorThreadCount) : nil)
        }
        drawDetails(state, layout: layout, into: &contextB)
        drawStatus(state, layout: layout, into: &contextB)
        if state.input == .help { contextB.drawHelp() }
        return contextB.grid
    }

    /// Entries on screen and the first of their two lines.
    static func visibleEntries(_ state: DiffViewState, layout: ViewLayout) -> [(Int, Int)] {
        var result: [(Int, Int)] = []
        var y = layout.rowsY
        var entry = state.firstRow
        while entry < state.rows.count, y < layout.rowsY + layout.rowsHeight {
            result.append((entry, y))
            y += 2
            entry += 1
        }
        return result
    }

    static func drawHeader(_ state: DiffViewState, into context: inout RenderContext) {
        guard let y = context.layout.headerY else { return }
        let diff = state.diff
        let arrow = context.theme.arrow
        let ascii = !context.theme.isUTF8
        context.grid.fill(x: 0, y: y, width: context.grid.width, height: 1, style: .header)
        let help = "? help "
        let helpWidth = context.grid.width >= 40 ? help.count : 0
        let facts = (context.grid.width >= 100 ? ["diff"] : []) + [
            "A " + state.a.title, "B " + state.b.title,
            "wall " + context.duration(diff.wall.a) + arrow + context.duration(diff.wall.b)
                + " (" + DisplayText.percentChange(from: diff.wall.a, to: diff.wall.b, ascii: ascii) + ")",
            "blocked " + (diff.blocked.a.map(context.duration) ?? "n/a") + arrow + (diff.blocked.b.map(context.duration) ?? "n/a"),
            "\(diff.resolvedFindings.count) finding groups resolved, \(diff.newFindings.count) new",
        ]
        _ = context.writeFacts(facts, x: 1, y: y, limit: context.grid.width - 2 - helpWidth, style: .header)
        if helpWidth > 0 { context.grid.write(help, x: context.grid.width - helpWidth, y: y, style: .header) }
    }

    /// The change of a row as text and style: "−600ms −33%" (faster), "+1.2s +40%" (slower).
    static func change(_ row: TraceDiff.Row, context: RenderContext) -> (String, CellStyle) {
        if row.spanA < 0 { return ("only in B", .slower) }
        if row.spanB < 0 { return ("only in A", .faster) }
        let ascii = !context.theme.isUTF8
        let delta = row.delta
        if delta == 0 { return (ascii ? "+-0" : "±0", .dim) }
        let magnitude = context.duration(delta == .min ? .max : abs(delta))
        let sign = delta < 0 ? (ascii ? "-" : "−") : "+"
        return (sign + magnitude + " " + DisplayText.percentChange(from: row.durationA, to: row.durationB, ascii: ascii),
                delta < 0 ? .faster : .slower)
    }

    static func drawLabels(_ state: DiffViewState, entry: Int, y: Int, selected: Bool, into context: inout RenderContext) {
        let viewRow = state.rows[entry]
        let row = state.diff.rows[Int(viewRow.row)]
        let theme = context.theme
        let width = context.layout.labelWidth
        let name: String
        if row.spanA >= 0 {
            name = context.safe(state.a.trace.displayName(ofSpan: Int(row.spanA)))
        } else {
            name = SafeText.sanitize(state.b.trace.displayName(ofSpan: Int(row.spanB)), asciiOnly: !theme.isUTF8)
        }
        let style: CellStyle = selected ? .selection : .plain
        if selected {
            context.grid.fill(x: 0, y: y, width: width, height: 1, style: .selection)
            context.grid.put(theme.pointer, x: 0, y: y, style: .selection)
        }
        var x = 1
        if !viewRow.prefix.isEmpty {
            x += context.grid.write(viewRow.prefix, x: x, y: y, style: selected ? .selection : .dim, limit: width - x)
            x += 1
        }
        if viewRow.isExpandable {
            context.grid.put(viewRow.isExpanded ? theme.expanded : theme.collapsed, x: x, y: y, style: style)
            x += 2
        } else if viewRow.depth == 0 {
            x += 2
        }
        let durationA = "A " + (row.spanA >= 0 ? context.duration(row.durationA) : "-")
        let durationB = "B " + (row.spanB >= 0 ? context.duration(row.durationB) : "-")
        let showDurations = width >= 20
        let room = width - x - (showDurations ? SafeText.width(durationA) + 2 : 0)
        context.grid.write(SafeText.cutMiddle(name, width: max(0, room), ellipsis: theme.ellipsis), x: x, y: y,
                           style: selected ? .selection : (viewRow.depth == 0 ? .bold : .plain), limit: max(0, width - x))
        if showDurations {
            context.grid.write(durationA, x: width - 1 - SafeText.width(durationA), y: y, style: selected ? .selection : .dim)
        }
        // Second line: the change, then B's duration.
        let second = y + 1
        guard second < context.layout.rowsY + context.layout.rowsHeight else { return }
        let (text, changeStyle) = change(row, context: context)
        let indent = min(x, width - 1)
        let changeRoom = width - indent - (showDurations ? SafeText.width(durationB) + 2 : 0)
        context.grid.write(SafeText.cut(text, width: max(0, changeRoom), ellipsis: theme.ellipsis), x: indent, y: second, style: changeStyle)
        if showDurations {
            context.grid.write(durationB, x: width - 1 - SafeText.width(durationB), y: second, style: .dim)
        }
    }

    static func drawDetails(_ state: DiffViewState, layout: ViewLayout, into context: inout RenderContext) {
        guard let y = layout.detailYs.first, let selected = state.selection else { return }
        let diff = state.diff
        let row = diff.rows[Int(selected.row)]
        let path = SafeText.sanitize(diff.path(row.path), asciiOnly: !context.theme.isUTF8)
        let (text, _) = change(row, context: context)
        var facts = [path]
        if row.isMatched {
            facts.append("A " + context.duration(row.durationA) + context.theme.arrow + "B " + context.duration(row.durationB) + " (" + text + ")")
        } else {
            facts.append(text)
        }
        _ = context.writeFacts(facts, x: 1, y: y, limit: context.grid.width - 1, style: .plain)
        guard layout.detailYs.count > 1 else { return }
        // Findings at this row's site (its span's name), in either run.
        let site = row.spanA >= 0 ? DisplayText.name(ofSpan: Int(row.spanA), in: state.a.trace)
            : DisplayText.name(ofSpan: Int(row.spanB), in: state.b.trace)
        var findings: [String] = []
        for change in diff.findings.filter({ $0.site == site }).prefix(4) {
            let counts = "×\(change.countA) → ×\(change.countB)"
            switch change.status {
            case .resolved: findings.append("resolved " + change.rule.rawValue + " " + counts)
            case .new: findings.append("new " + change.rule.rawValue + " " + counts)
            case .remaining: findings.append("still " + change.rule.rawValue + " " + counts)
            }
        }
        if findings.isEmpty { findings = ["no findings at this site in either run"] }
        _ = context.writeFacts(findings, x: 1, y: layout.detailYs[1], limit: context.grid.width - 1, style: .dim)
    }

    static func drawStatus(_ state: DiffViewState, layout: ViewLayout, into context: inout RenderContext) {
        guard let y = layout.statusY else { return }
        if case .search(let query) = state.input {
            let width = context.grid.write("/" + context.safe(query), x: 0, y: y, style: .bold)
            context.grid.put("_", x: width, y: y, style: .selection)
            return
        }
        let text = state.message ?? (SafeText.sanitize(state.diff.verdict.headline, asciiOnly: !context.theme.isUTF8)
            + "   s: sort by " + (state.sortByDelta ? "time" : "change"))
        context.grid.write(SafeText.cut(SafeText.sanitize(text, asciiOnly: !context.theme.isUTF8), width: context.grid.width, ellipsis: context.theme.ellipsis),
                           x: 0, y: y, style: state.message == nil ? .warning : .bold)
    }
}
