import LanesAnalysis
import LanesModel

/// One entry of the diff tree: a row of `TraceDiff` (a span of A matched with one of B, or a span
/// found in only one run), drawn as two lines, A over B.
public struct DiffViewRow: Sendable, Equatable {
    /// Index into `TraceDiff.rows`.
    public var row: Int32
    /// Depth in the tree (0: a root).
    public var depth: Int
    /// Tree lines before the fold mark.
    public var prefix: String
    /// Whether the row has children to unfold.
    public var isExpandable: Bool
    /// Whether it is unfolded.
    public var isExpanded: Bool
}

/// The state of `lanes view A --diff B`: two runs on one time axis, aligned at the start of
/// their first root span (or at a span the user picks), each matched span shown as A over B
/// with the change beside it.
///
/// Times in the window are on A's clock; B's times are shifted by `alignmentOffset`.
public struct DiffViewState: Sendable {
    /// Run A (before).
    public let a: ViewerDocument
    /// Run B (after).
    public let b: ViewerDocument
    /// The comparison.
    public let diff: TraceDiff
    /// B's time minus A's at the point the runs are aligned: at first the start of their first
    /// root spans, then wherever the user aligns them (`a`, or `align(atSpanNamed:)`).
    public var alignmentOffset: Int64
    /// The left edge of the window, on A's clock.
    public var windowStart: Int64 = 0
    /// The length of the window (≥ 1 ns).
    public var windowDuration: Int64 = 1
    /// Unfolded diff rows.
    public var expanded: Set<Int32> = []
    /// Whether siblings are sorted by the size of their change (largest first) instead of by time.
    public var sortByDelta = false
    /// The selected entry and the first entry on screen.
    public var selectedRow = 0
    /// See `selectedRow`.
    public var firstRow = 0
    /// Help overlay or search prompt.
    public var input: InputMode = .normal
    /// The last search and its matches (diff rows, in tree order of discovery).
    public var searchMatches: [Int32] = []
    /// The match last jumped to.
    public var searchPosition = -1
    /// A one-line message for the status line.
    public var message: String?
    /// Screen size and glyphs.
    public var size: GridSize
    /// See `size`.
    public var theme: Theme
    /// The entries of the current tree.
    public internal(set) var rows: [DiffViewRow] = []

    /// Compares `a` with `b` and opens with both runs in view and the first root unfolded.
    public init(a: ViewerDocument, b: ViewerDocument, size: GridSize, theme: Theme) {
        self.a = a
        self.b = b
        diff = TraceDiff(a: a.analysis, b: b.analysis)
        alignmentOffset = diff.alignmentOffset
        self.size = size
        self.theme = theme
        let window = fullWindow
        windowStart = window.start
        windowDuration = window.duration
        if let first = topLevel().first { expanded.insert(first) }
        rebuildRows()
    }

    /// Both runs' extents on A's clock.
    public var fullWindow: (start: Int64, duration: Int64) {
        let startA = a.trace.startTime
        let endA = a.trace.endTime
        let startB = TimeMath.add(b.trace.startTime, -alignmentOffset)
        let endB = TimeMath.add(b.trace.endTime, -alignmentOffset)
        let start = a.trace.spanCount == 0 ? startB : (b.trace.spanCount == 0 ? startA : min(startA, startB))
        let end = a.trace.spanCount == 0 ? endB : (b.trace.spanCount == 0 ? endA : max(endA, endB))
        return (start, TimeMath.distance(from: start, to: end))
    }

    /// The end of the window.
    public var windowEnd: Int64 { TimeMath.add(windowStart, windowDuration) }

    /// The width of the name column chosen with `<` and `>`; nil for the default.
    public var chosenLabelWidth: Int?

    /// The layout: the same as the normal view's.
    public var layout: ViewLayout { ViewLayout(size: size, labelWidth: chosenLabelWidth) }

    /// Entries visible at once (each takes two lines).
    var visibleEntries: Int { max(1, layout.rowsHeight / 2) }

    /// The selected entry, if any.
    public var selection: DiffViewRow? { rows.indices.contains(selectedRow) ? rows[selectedRow] : nil }

    // MARK: Tree

    /// Diff rows of the roots: A's roots in begin order, then roots only in B.
    func topLevel() -> [Int32] {
        var result = a.trace.roots.map { diff.rowOfSpanA[Int($0)] }
        for root in b.trace.roots {
            let row = diff.rowOfSpanB[Int(root)]
            if diff.rows[Int(row)].spanA < 0 { result.append(row) }
        }
        return ordered(result)
    }

    /// The children of diff row `row`: its A span's children, then its B span's children that
    /// exist only in B.
    func children(of row: Int32) -> [Int32] {
        let entry = diff.rows[Int(row)]
        var result: [Int32] = []
        if entry.spanA >= 0 {
            result = a.trace.children(ofSpan: Int(entry.spanA)).map { diff.rowOfSpanA[Int($0)] }
        }
        if entry.spanB >= 0 {
            for child in b.trace.children(ofSpan: Int(entry.spanB)) {
                let childRow = diff.rowOfSpanB[Int(child)]
                if diff.rows[Int(childRow)].spanA < 0 { result.append(childRow) }
            }
        }
        return ordered(result)
    }

    /// Begin of a diff row on A's clock.
    func alignedBegin(_ row: Int32) -> Int64 {
        let entry = diff.rows[Int(row)]
        if entry.spanA >= 0 { return a.trace.spanBegin[Int(entry.spanA)] }
        return TimeMath.add(b.trace.spanBegin[Int(entry.spanB)], -alignmentOffset)
    }

    /// How much a row changed, for sorting: |Δ| of a matched row, its whole duration otherwise.
    func change(_ row: Int32) -> Int64 {
        let entry = diff.rows[Int(row)]
        if entry.isMatched { return entry.delta.magnitude > UInt64(Int64.max) ? .max : Int64(entry.delta.magnitude) }
        return max(entry.durationA, entry.durationB)
    }

    func ordered(_ rows: [Int32]) -> [Int32] {
        if sortByDelta { return rows.sorted { (change($0), -alignedBegin($0), $1) > (change($1), -alignedBegin($1), $0) } }
        return rows.sorted { (alignedBegin($0), $0) < (alignedBegin($1), $1) }
    }

    /// Rebuilds the entries from the fold state, keeping the selection on the same diff row.
    public mutating func rebuildRows() {
        let previous = selection?.row
        var result: [DiffViewRow] = []
        func append(_ row: Int32, depth: Int, ancestorsLast: [Bool], isLast: Bool) {
            let kids = children(of: row)
            let open = expanded.contains(row) && !kids.isEmpty
            var prefix = ""
            if depth > 0 {
                var scalars = "  ".unicodeScalars
                for last in ancestorsLast {
                    scalars.append(last ? Unicode.Scalar(" ") : theme.vertical)
                    scalars.append(" ")
                }
                scalars.append(isLast ? theme.lastBranch : theme.branch)
                prefix = String(scalars)
            }
            result.append(DiffViewRow(row: row, depth: depth, prefix: prefix, isExpandable: !kids.isEmpty, isExpanded: open))
            guard open else { return }
            let lineage = depth == 0 ? [] : ancestorsLast + [isLast]
            let shown = kids.prefix(ViewState.childRowLimit)
            for (index, kid) in shown.enumerated() {
                append(kid, depth: depth + 1, ancestorsLast: lineage, isLast: index == shown.count - 1)
            }
        }
        for row in topLevel() { append(row, depth: 0, ancestorsLast: [], isLast: true) }
        rows = result
        if let previous, let index = rows.firstIndex(where: { $0.row == previous }) { selectedRow = index }
        clampSelection()
    }

    mutating func clampSelection() {
        RowNavigation.clamp(selected: &selectedRow, first: &firstRow, rowCount: rows.count, visible: visibleEntries)
    }
}
