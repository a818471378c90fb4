import LanesAnalysis

/// Everything the viewer shows apart from the trace itself: the time window, what is folded,
/// what is selected, what is being typed. `update` turns an action into a new state; the
/// renderer draws a state; neither touches the terminal.
public struct ViewState: Sendable {
    /// By task, by thread, by route, or the findings list.
    public var mode: ViewMode = .tasks
    /// The view the findings list returns to (Esc, `f`).
    public var previousMode: ViewMode = .tasks
    /// The left edge of the time window.
    public var windowStart: Int64 = 0
    /// The length of the time window (≥ 1 ns).
    public var windowDuration: Int64 = 1
    /// Lanes (with several roots or none) that are unfolded.
    public var expandedLanes: Set<Int32> = []
    /// Spans that are unfolded.
    public var expandedSpans: Set<Int32> = []
    /// Routes that are unfolded (to their slowest requests).
    public var expandedRoutes: Set<Int32> = []
    /// Finding groups (of the findings list) that are unfolded.
    public var expandedFindingGroups: Set<Int32> = []
    /// The width of the name column chosen with `<` and `>`; nil for the default, which follows
    /// the terminal's width.
    public var chosenLabelWidth: Int?
    /// The selected row.
    public var selectedRow = 0
    /// The first row on screen.
    public var firstRow = 0
    /// What the keyboard types into.
    public var input: InputMode = .normal
    /// The last search query, and the spans it matched (in trace order).
    public var searchQuery = ""
    /// See `searchQuery`.
    public var searchMatches: [Int32] = []
    /// The match last jumped to.
    public var searchPosition = -1
    /// The blocking span last jumped to with `b` / `B` (index into `ViewerDocument.blockingSpans`).
    public var blockingPosition = -1
    /// A one-line message for the status line (search results, hints), cleared by the next key.
    public var message: String?
    /// The screen size.
    public var size: GridSize
    /// The glyphs.
    public var theme: Theme
    /// The rows of the current tree (rebuilt when folding, filtering or switching views).
    public internal(set) var rows: [ViewRow] = []
    /// Groups referred to by `.group` rows.
    public internal(set) var groups: [SpanGroup] = []
    /// Finding groups referred to by `.findingGroup` rows (built when the list opens).
    public internal(set) var findingGroups: [FindingSiteGroup] = []
    /// How many counter strips the document has (the layout gives them rows when there is room).
    public internal(set) var counterStripCount = 0

    /// The initial state for `document`: whole trace in view; the route view for traces with many
    /// similar roots, the threads for traces with jobs and no spans, else the tasks with the
    /// first handler unfolded.
    public init(document: ViewerDocument, size: GridSize, theme: Theme) {
        self.size = size
        self.theme = theme
        counterStripCount = document.counterStrips.count
        let window = document.fullWindow
        windowStart = window.start
        windowDuration = window.duration
        let longestRoute = document.routes.groups.names.map { SafeText.width(SafeText.sanitize($0)) }.max() ?? 0
        routeLabelWidth = max(16, longestRoute + 16)
        if document.routes.suitsRouteView {
            mode = .routes
            previousMode = .routes
            rebuildRows(document)
            return
        }
        // A program recorded without spans (`lanes record` of an app that does not link Lanes)
        // has only its jobs: the threads they held say what blocked, the task rows do not.
        if document.trace.spanCount == 0, !document.threads.order.isEmpty, !document.trace.slices.isEmpty {
            mode = .threads
            previousMode = .threads
            rebuildRows(document)
            return
        }
        let lane = unfoldFirstHandler(document)
        rebuildRows(document)
        naturalLabelWidth = naturalWidth(of: rows.prefix(200), document: document)
        // Start with the unfolded handler selected.
        if let lane, let index = rows.firstIndex(where: { row in
            switch row.content {
            case .lane(let rowLane): return rowLane == lane
            case .span(let span): return document.trace.spanTask[Int(span)] == lane
            default: return false
            }
        }) {
            selectedRow = index
            clampSelection()
        }
    }

    /// The label width `rows` need: pointer, tree lines, fold mark, name, finding mark, duration.
    func naturalWidth(of rows: ArraySlice<ViewRow>, document: ViewerDocument) -> Int {
        var widest = 0
        for row in rows {
            let name: String
            switch row.content {
            case .span(let span): name = document.label(ofSpan: Int(span), isTaskRow: row.depth == 0 && mode == .tasks)
            case .lane(let lane): name = lane >= 0 ? document.name(ofLane: lane) : "other tasks ×\(document.taskRows.otherTaskCount)"
            case .findingGroup(let index):
                let group = findingGroups[Int(index)]
                name = group.rule.rawValue + " " + group.site + " ×\(group.findings.count)"
            case .finding(let index):
                let finding = document.analysis.findings[Int(index)]
                name = finding.rule.rawValue + " " + FindingSite.key(of: finding, in: document.trace)
            default: continue
            }
            let tree = row.depth == 0 ? 0 : 2 * row.depth + 1
            widest = max(widest, 1 + tree + 2 + SafeText.width(SafeText.sanitize(name)) + (row.hasFinding ? 2 : 0) + 2 + 6 + 1)
        }
        return widest
    }

    /// A state over `document` with a window and no rows: what the diff view draws each run's
    /// bars and strips with.
    init(window start: Int64, duration: Int64, size: GridSize, theme: Theme) {
        self.size = size
        self.theme = theme
        windowStart = start
        windowDuration = max(1, duration)
    }

    /// The names' natural width in the route view (the longest route name, its marks and the
    /// tree of its unfolded requests), so the heat strips get the rest.
    public internal(set) var routeLabelWidth: Int?

    /// The names' natural width in the other views: what the rows shown when the viewer opened
    /// need (tree lines, names, marks, durations).
    public internal(set) var naturalLabelWidth: Int?

    /// The names' natural width in the findings list (rule, site and count of its groups),
    /// measured when the list first opens.
    public internal(set) var findingsLabelWidth: Int?

    /// The layout for the current size, mode and name column: the chosen width, else the
    /// natural width within what the terminal's width allows.
    public var layout: ViewLayout {
        let natural = switch mode {
        case .routes: routeLabelWidth
        case .findings: findingsLabelWidth
        case .tasks, .threads: naturalLabelWidth
        }
        let width = chosenLabelWidth ?? natural.map { ViewLayout.defaultLabelWidth(forWidth: size.width, natural: $0) }
        return ViewLayout(size: size, labelWidth: width, statsWidth: mode == .routes ? ViewLayout.routeStatsWidth(size.width) : 0,
                          counterStrips: counterStripCount)
    }

    /// The selected row, if any.
    public var selection: ViewRow? {
        rows.indices.contains(selectedRow) ? rows[selectedRow] : nil
    }

    /// The end of the time window (saturating).
    public var windowEnd: Int64 { TimeMath.add(windowStart, windowDuration) }

    /// Unfolds the first lane whose root is a handler (else the first lane), and its small
    /// subtree, so the first handler's spans are on screen when the viewer opens.
    @discardableResult
    mutating func unfoldFirstHandler(_ document: ViewerDocument) -> Int32? {
        let trace = document.trace
        let lanes = document.taskRows.topLevel.filter { $0 >= 0 }
        guard !lanes.isEmpty else { return nil }
        let lane = lanes.first { lane in
            document.roots(ofLane: Int(lane)).contains { trace.spanKind[Int($0)] == .handler }
        } ?? lanes[0]
        expandedLanes.insert(lane)
        var budget = 60
        var pending = Array(document.roots(ofLane: Int(lane)).prefix(4))
        while let span = pending.popLast(), budget > 0 {
            let children = trace.children(ofSpan: Int(span))
            guard !children.isEmpty, children.count <= 40 else { continue }
            expandedSpans.insert(span)
            budget -= children.count
            pending.append(contentsOf: children)
        }
        return lane
    }
}
