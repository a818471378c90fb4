/// Everything the viewer shows apart from the trace itself: the time window, what is folded,
/// what is selected, what is being typed. `update` turns an action into a new state; the
/// renderer draws a state; neither touches the terminal.
public struct ViewState: Sendable {
    /// By task or by thread.
    public var mode: ViewMode = .tasks
    /// The left edge of the time window.
    public var windowStart: Int64 = 0
    /// The length of the time window (≥ 1 ns).
    public var windowDuration: Int64 = 1
    /// Lanes (with several roots) that are unfolded.
    public var expandedLanes: Set<Int32> = []
    /// Spans that are unfolded.
    public var expandedSpans: Set<Int32> = []
    /// Whether only spans with findings are listed.
    public var findingsOnly = false
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
    /// How many counter strips the document has (the layout gives them rows when there is room).
    public internal(set) var counterStripCount = 0

    /// The initial state for `document`: whole trace in view, the first handler unfolded.
    public init(document: ViewerDocument, size: GridSize, theme: Theme) {
        self.size = size
        self.theme = theme
        counterStripCount = document.counterStrips.count
        let window = document.fullWindow
        windowStart = window.start
        windowDuration = window.duration
        let lane = unfoldFirstHandler(document)
        rebuildRows(document)
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

    /// A state over `document` with a window and no rows: what the diff view draws each run's
    /// bars and strips with.
    init(window start: Int64, duration: Int64, size: GridSize, theme: Theme) {
        self.size = size
        self.theme = theme
        windowStart = start
        windowDuration = max(1, duration)
    }

    /// The layout for the current size.
    public var layout: ViewLayout { ViewLayout(size: size, counterStrips: counterStripCount) }

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
        let lanes = document.laneOrder
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
