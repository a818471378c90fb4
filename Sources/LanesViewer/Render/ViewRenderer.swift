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
    func duration(_ nanoseconds: Int64) -> String { TimeFormat.duration(nanoseconds, ascii: ascii) }

    /// `count` with thousands separators.
    func grouped(_ count: Int) -> String {
        let digits = String(count)
        var result = ""
        for (position, character) in digits.reversed().enumerated() {
            if position > 0, position % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }

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

    // MARK: Header and status

    mutating func drawHeader() {
        guard let y = layout.headerY else { return }
        grid.fill(x: 0, y: y, width: grid.width, height: 1, style: .header)
        let help = "? help "
        let helpWidth = grid.width >= 40 ? SafeText.width(help) : 0
        var facts = grid.width >= 100 ? ["lanes", document.title] : [document.title]
        if state.mode == .threads { facts.append("by thread") }
        if state.findingsOnly { facts.append("findings only") }
        facts.append("wall " + duration(document.wallNanoseconds))
        facts.append("\(grouped(trace.tasks.count)) tasks\(theme.dot)\(grouped(trace.spanCount)) spans")
        // Without span kinds (an imported trace) nothing can be called blocking: say so, not 0s.
        let kindsUnknown = analysis.skippedRules.contains { $0.rule == .blockingCall }
        facts.append(kindsUnknown ? "blocked n/a" : "blocked " + duration(analysis.blockedNanoseconds))
        if document.hasTaskStates { facts.append("queued " + duration(analysis.queuedNanoseconds)) }
        facts.append("\(grouped(analysis.findings.count)) finding" + (analysis.findings.count == 1 ? "" : "s"))
        facts.append("overlap max \(analysis.maxOverlap)")
        _ = writeFacts(facts, x: 1, y: y, limit: grid.width - 1 - helpWidth - 1, style: .header)
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
        if let finding = selectedFinding() ?? analysis.findings.first {
            let text = String(theme.warning) + " " + finding.rule.rawValue + ": " + safe(finding.message)
                + (finding.advice.isEmpty ? "" : (theme.isUTF8 ? " — " : " - ") + safe(finding.advice))
            grid.write(SafeText.cut(text, width: grid.width, ellipsis: theme.ellipsis), x: 0, y: y, style: .warning)
            return
        }
        let hint = "no findings   arrows/hjkl move   +/- zoom   0 fit   Enter fold   / search   t threads   ? help   q quit"
        grid.write(SafeText.cut(hint, width: grid.width, ellipsis: theme.ellipsis), x: 0, y: y, style: .dim)
    }

    /// The most costly finding of the selected span (or group), if any.
    func selectedFinding() -> Finding? {
        guard let row = state.selection else { return nil }
        switch row.content {
        case .span(let span):
            return analysis.findings(forSpan: Int(span)).first.map { analysis.findings[$0] }
        case .group(let index):
            for member in state.groups[index].members.prefix(10_000) {
                if let first = analysis.findings(forSpan: Int(member)).first { return analysis.findings[first] }
            }
            return nil
        default:
            return nil
        }
    }
}
