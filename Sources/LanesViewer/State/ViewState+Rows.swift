import LanesModel

extension ViewState {
    /// Siblings sharing a name are grouped into one row when there are more than this many.
    static let groupThreshold = 6
    /// At most this many rows are listed under one parent; the rest are summarised in one row.
    static let childRowLimit = 500

    /// Rebuilds `rows` from the fold state, the filter and the mode, keeping the selection on
    /// the same content where possible.
    public mutating func rebuildRows(_ document: ViewerDocument) {
        let previous = selection?.content
        var builder = RowBuilder(document: document, state: self)
        switch mode {
        case .tasks where findingsOnly: builder.buildFindings()
        case .tasks: builder.buildTasks()
        case .threads: builder.buildThreads()
        }
        rows = builder.rows
        groups = builder.groups
        if let previous, let index = rows.firstIndex(where: { $0.content == previous }) {
            selectedRow = index
        }
        clampSelection()
    }

    /// Keeps the selection inside the rows and on screen.
    mutating func clampSelection() {
        RowNavigation.clamp(
            selected: &selectedRow, first: &firstRow, rowCount: rows.count, visible: max(1, layout.rowsHeight))
    }
}

/// Flattens the lane tree into rows, walking only what is unfolded.
struct RowBuilder {
    let document: ViewerDocument
    let state: ViewState
    var rows: [ViewRow] = []
    var groups: [SpanGroup] = []

    init(document: ViewerDocument, state: ViewState) {
        self.document = document
        self.state = state
    }

    var trace: Trace { document.trace }
    var theme: Theme { state.theme }

    mutating func buildTasks() {
        for lane in document.laneOrder {
            let roots = document.roots(ofLane: Int(lane))
            if roots.count == 1, let root = roots.first {
                appendSpan(root, depth: 0, ancestorsLast: [])
            } else {
                let expanded = state.expandedLanes.contains(lane)
                rows.append(ViewRow(
                    content: .lane(lane), depth: 0, prefix: "", isExpandable: !roots.isEmpty,
                    isExpanded: expanded, hasFinding: false))
                if expanded { appendChildren(Array(roots), lane: lane, depth: 1, ancestorsLast: []) }
            }
        }
    }

    mutating func buildThreads() {
        for thread in document.threadOrder {
            rows.append(ViewRow(
                content: .thread(thread), depth: 0, prefix: "", isExpandable: false, isExpanded: false,
                hasFinding: false))
        }
    }

    /// Lanes that have spans with findings, each listing those spans (most costly first).
    mutating func buildFindings() {
        var spansByLane: [Int32: [Int32]] = [:]
        var seen = Set<Int32>()
        for finding in document.analysis.findings where finding.span >= 0 && Int(finding.span) < trace.spanCount {
            guard seen.insert(finding.span).inserted else { continue }
            spansByLane[trace.spanTask[Int(finding.span)], default: []].append(finding.span)
        }
        for lane in document.laneOrder {
            guard let spans = spansByLane[lane] else { continue }
            rows.append(ViewRow(
                content: .lane(lane), depth: 0, prefix: "", isExpandable: false, isExpanded: true,
                hasFinding: false))
            for (position, span) in spans.enumerated() {
                let last = position == spans.count - 1
                rows.append(ViewRow(
                    content: .span(span), depth: 1, prefix: treePrefix(ancestorsLast: [], isLast: last),
                    isExpandable: false, isExpanded: false, hasFinding: true))
            }
        }
    }

    mutating func appendSpan(_ span: Int32, depth: Int, ancestorsLast: [Bool], isLast: Bool = true) {
        let children = trace.children(ofSpan: Int(span))
        let expanded = state.expandedSpans.contains(span)
        rows.append(ViewRow(
            content: .span(span), depth: depth,
            prefix: depth == 0 ? "" : treePrefix(ancestorsLast: ancestorsLast, isLast: isLast),
            isExpandable: !children.isEmpty, isExpanded: expanded && !children.isEmpty,
            hasFinding: !document.analysis.findings(forSpan: Int(span)).isEmpty))
        if expanded, !children.isEmpty {
            let lineage = depth == 0 ? [] : ancestorsLast + [isLast]
            appendChildren(Array(children), lane: trace.spanTask[Int(span)], depth: depth + 1, ancestorsLast: lineage)
        }
    }

    /// Appends the rows for `children` (in begin order), grouping large same-named families.
    mutating func appendChildren(_ children: [Int32], lane: Int32, depth: Int, ancestorsLast: [Bool]) {
        var countByName: [UInt32: Int] = [:]
        for child in children { countByName[trace.spanName[Int(child)], default: 0] += 1 }
        // Each entry is a single span or a group, in order of first appearance.
        enum Entry { case span(Int32), group(UInt32) }
        var entries: [Entry] = []
        var membersByName: [UInt32: [Int32]] = [:]
        for child in children {
            let name = trace.spanName[Int(child)]
            if countByName[name, default: 0] > ViewState.groupThreshold {
                if membersByName[name] == nil { entries.append(.group(name)) }
                membersByName[name, default: []].append(child)
            } else {
                entries.append(.span(child))
            }
        }
        let shown = min(entries.count, ViewState.childRowLimit)
        for position in 0..<shown {
            let isLast = position == entries.count - 1
            switch entries[position] {
            case .span(let child):
                appendSpan(child, depth: depth, ancestorsLast: ancestorsLast, isLast: isLast)
            case .group(let name):
                let members = membersByName[name] ?? []
                var maxEnd = Int64.min
                let runningMaxEnd = members.map { member -> Int64 in
                    maxEnd = max(maxEnd, trace.spanEnd[Int(member)])
                    return maxEnd
                }
                let hasFinding = members.contains { !document.analysis.findings(forSpan: Int($0)).isEmpty }
                groups.append(SpanGroup(
                    name: name, lane: lane, members: members,
                    memberBegins: members.map { trace.spanBegin[Int($0)] }, runningMaxEnd: runningMaxEnd))
                rows.append(ViewRow(
                    content: .group(groups.count - 1), depth: depth,
                    prefix: treePrefix(ancestorsLast: ancestorsLast, isLast: isLast),
                    isExpandable: false, isExpanded: false, hasFinding: hasFinding))
            }
        }
        if entries.count > shown {
            rows.append(ViewRow(
                content: .more(entries.count - shown), depth: depth,
                prefix: treePrefix(ancestorsLast: ancestorsLast, isLast: true),
                isExpandable: false, isExpanded: false, hasFinding: false))
        }
    }

    /// Tree lines: for each ancestor below the top, a bar if it has later siblings, then the branch.
    func treePrefix(ancestorsLast: [Bool], isLast: Bool) -> String {
        var scalars = "  ".unicodeScalars
        for last in ancestorsLast {
            scalars.append(last ? Unicode.Scalar(" ") : theme.vertical)
            scalars.append(" ")
        }
        scalars.append(isLast ? theme.lastBranch : theme.branch)
        return String(scalars)
    }
}
