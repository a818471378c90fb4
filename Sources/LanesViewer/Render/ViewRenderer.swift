import LanesAnalysis
import LanesModel

/// Draws a view state into a cell grid. Pure: the same state, document and size always give
/// the same grid, and nothing here touches a terminal.
///
/// A frame costs O(rows × columns × log n): every cell is decided by binary searches in the
/// document's sorted interval tables, never by walking the spans.
public enum ViewRenderer {
    /// The frame for `state` over `document` at `size`.
    public static func render(_ state: ViewState, _ document: ViewerDocument, size: GridSize) -> CellGrid {
        var state = state
        if state.size != size {
            state.size = size
            state.clampSelection()
        }
        var context = RenderContext(state: state, document: document)
        context.drawHeader()
        context.drawRuler()
        context.drawRows()
        context.drawStrips()
        context.drawCounterStrips()
        context.drawDetails()
        context.drawStatus()
        if state.input == .help { context.drawHelp() }
        return context.grid
    }
}

/// The state of one frame being drawn.
struct RenderContext {
    let state: ViewState
    let document: ViewerDocument
    let layout: ViewLayout
    let theme: Theme
    var grid: CellGrid
    /// Left edge time of each timeline column, plus the window end: `columnTimes[c] ..< columnTimes[c + 1]`.
    let columnTimes: [Int64]

    init(state: ViewState, document: ViewerDocument) {
        self.state = state
        self.document = document
        layout = state.layout
        theme = state.theme
        grid = CellGrid(size: state.size)
        var times: [Int64] = []
        times.reserveCapacity(layout.timelineWidth + 1)
        for column in 0...layout.timelineWidth {
            times.append(layout.time(atColumn: column, start: state.windowStart, duration: state.windowDuration))
        }
        columnTimes = times
    }

    var trace: Trace { document.trace }
    var analysis: TraceAnalysis { document.analysis }
    var ascii: Bool { !theme.isUTF8 }

    /// A trace string made safe for the screen.
    func safe(_ text: String) -> String { SafeText.sanitize(text, asciiOnly: ascii) }

    /// A duration as text in the theme's alphabet.
    func duration(_ nanoseconds: Int64) -> String { DisplayText.duration(nanoseconds, ascii: ascii) }

    /// `count` with thousands separators.
    func grouped(_ count: Int) -> String { DisplayText.count(count) }

    /// Writes facts left to right separated by two spaces, leaving out any that would not fit
    /// (the first is cut to fit instead).
    mutating func writeFacts(_ facts: [String], x: Int, y: Int, limit: Int, style: CellStyle) -> Int {
        var column = x
        for (index, fact) in facts.enumerated() {
            let text = (column == x ? "" : "  ") + fact
            let width = SafeText.width(text)
            if column - x + width > limit {
                if index == 0 { column += grid.write(SafeText.cut(text, width: limit, ellipsis: theme.ellipsis), x: column, y: y, style: style) }
                continue
            }
            column += grid.write(text, x: column, y: y, style: style)
        }
        return column - x
    }

    /// Writes the most important of `facts` (lower `priority` first) that fit in `limit`
    /// columns, in their given order, separated by two spaces. The first that does not fit
    /// ends the choice, so a narrower terminal only ever loses the least important facts.
    mutating func writeFacts(_ facts: [(text: String, priority: Int)], x: Int, y: Int, limit: Int, style: CellStyle) {
        var kept = [Bool](repeating: false, count: facts.count)
        var used = 0
        for index in facts.indices.sorted(by: { (facts[$0].priority, $0) < (facts[$1].priority, $1) }) {
            let width = SafeText.width(facts[index].text) + (used == 0 ? 0 : 2)
            guard used + width <= limit else { break }
            kept[index] = true
            used += width
        }
        let shown = facts.indices.filter { kept[$0] }.map { facts[$0].text }
        if shown.isEmpty, let top = facts.min(by: { $0.priority < $1.priority }) {
            _ = writeFacts([top.text], x: x, y: y, limit: limit, style: style)  // cut to fit
        } else {
            _ = writeFacts(shown, x: x, y: y, limit: limit, style: style)
        }
    }

    // MARK: Header and status

    /// The header: the file, the view, and the trace's totals; on a narrow terminal the less
    /// important facts give way (the file, wall time and findings stay longest).
    mutating func drawHeader() {
        guard let y = layout.headerY else { return }
        grid.fill(x: 0, y: y, width: grid.width, height: 1, style: .header)
        let help = "? help "
        let helpWidth = grid.width >= 40 ? SafeText.width(help) : 0
        var facts: [(text: String, priority: Int)] = grid.width >= 100 ? [("lanes", 9), (document.title, 0)] : [(document.title, 0)]
        switch state.mode {
        case .threads: facts.append(("by thread", 1))
        case .routes: facts.append(("by route", 1))
        case .findings: facts.append(("findings by cost", 1))
        case .tasks: break
        }
        facts.append(("wall " + duration(document.wallNanoseconds), 2))
        facts.append(("\(grouped(trace.tasks.count)) tasks\(theme.dot)\(grouped(trace.spanCount)) spans", 7))
        // Without span kinds (an imported trace) nothing can be called blocking: say so, not 0s.
        let kindsUnknown = analysis.skippedRules.contains { $0.rule == .blockingCall }
        facts.append((kindsUnknown ? "blocked n/a" : "blocked " + duration(analysis.blockedNanoseconds), 4))
        // Without task states queued time is not known: the job source says so instead.
        if document.hasTaskStates { facts.append(("queued " + duration(analysis.queuedNanoseconds), 5)) }
        facts.append(("jobs: " + document.jobSource.name, 6))
        facts.append(("\(grouped(analysis.findings.count)) finding" + (analysis.findings.count == 1 ? "" : "s"), 3))
        facts.append(("overlap max \(analysis.maxOverlap)", 8))
        writeFacts(facts, x: 1, y: y, limit: grid.width - 1 - helpWidth - 1, style: .header)
        if helpWidth > 0 { grid.write(help, x: grid.width - helpWidth, y: y, style: .header) }
    }

    mutating func drawStatus() {
        guard let y = layout.statusY else { return }
        if case .search(let query) = state.input {
            let text = "/" + safe(query)
            let shown = SafeText.width(text) >= grid.width ? String(text.unicodeScalars.suffix(grid.width - 1).map(Character.init)) : text
            let width = grid.write(shown, x: 0, y: y, style: .bold)
            grid.put("_", x: width, y: y, style: .selection)
            return
        }
        if let message = state.message {
            grid.write(SafeText.cut(safe(message), width: grid.width, ellipsis: theme.ellipsis), x: 0, y: y, style: .bold)
            return
        }
        // The bottom line belongs to the selected row: its costliest finding, or what it can do.
        if let finding = selectedFinding() {
            let text = String(theme.warning) + " " + finding.rule.rawValue + ": " + safe(finding.message)
                + (finding.advice.isEmpty ? "" : (theme.isUTF8 ? " — " : " - ") + safe(finding.advice))
            grid.write(SafeText.cut(text, width: grid.width, ellipsis: theme.ellipsis), x: 0, y: y, style: .warning)
            return
        }
        grid.write(SafeText.cut(statusHint(), width: grid.width, ellipsis: theme.ellipsis), x: 0, y: y, style: .dim)
    }

    /// The status line when the selected row has no finding: what the keys do here.
    func statusHint() -> String {
        let count = analysis.findings.count
        let findings = count == 0 ? "no findings" : "no finding on this row" + theme.dot + "f lists all \(grouped(count))"
        switch state.mode {
        case .routes:
            return "Enter: slowest requests of a route" + theme.dot + "t tasks" + theme.dot + findings + theme.dot + "< > names" + theme.dot + "? help"
        case .findings:
            return "Enter: show the span" + theme.dot + "f or Esc: back" + theme.dot + "? help"
        case .threads:
            return "t tasks" + theme.dot + "r routes" + theme.dot + findings + theme.dot + "? help"
        case .tasks:
            return findings + theme.dot + "Enter fold" + theme.dot + "/ search" + theme.dot + "r routes" + theme.dot + "< > names" + theme.dot + "? help"
        }
    }

    /// The most costly finding of the selected row (a span, a group of spans, a finding), if any.
    func selectedFinding() -> Finding? {
        guard let row = state.selection else { return nil }
        switch row.content {
        case .span(let span):
            return analysis.findings(forSpan: Int(span)).first.map { analysis.findings[$0] }
        case .group(let index):
            for member in state.groups[Int(index)].members.prefix(10_000) {
                if let first = analysis.findings(forSpan: Int(member)).first { return analysis.findings[first] }
            }
            return nil
        case .finding(let index):
            return analysis.findings[Int(index)]
        case .findingGroup(let index):
            return state.findingGroups[Int(index)].findings.first.map { analysis.findings[$0] }
        default:
            return nil
        }
    }
}
