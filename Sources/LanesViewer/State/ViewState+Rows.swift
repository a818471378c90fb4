import LanesAnalysis
import LanesModel

extension ViewState {
    /// Siblings sharing a name are grouped into one row when there are more than this many.
    static let groupThreshold = 6
    /// At most this many rows are listed under one parent; the rest are summarised in one row.
    static let childRowLimit = 500

    /// Rebuilds `rows` from the fold state and the mode, keeping the selection on the same
    /// content where possible.
    public mutating func rebuildRows(_ document: ViewerDocument) {
        let previous = selection?.content
        if mode == .findings, findingGroups.isEmpty, !document.analysis.findings.isEmpty {
            findingGroups = FindingSite.groups(document.analysis.findings, in: document.trace)
        }
        var builder = RowBuilder(document: document, state: self)
        switch mode {
        case .tasks: builder.buildTasks()
        case .threads: builder.buildThreads()
        case .routes: builder.buildRoutes()
        case .findings: builder.buildFindings()
        }
        rows = builder.rows
        groups = builder.groups
        if mode == .findings, findingsLabelWidth == nil {
            findingsLabelWidth = naturalWidth(of: rows.prefix(200), document: document)
        }
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

    /// Tasks as the program made them (see `TaskRows`).
    mutating func buildTasks() {
        let taskRows = document.taskRows
        rows.reserveCapacity(taskRows.topLevel.count)
        for lane in taskRows.topLevel {
            appendLane(lane, depth: 0, ancestorsLast: [], isLast: true)
        }
    }

    /// A task's row: its root span when it has exactly one and nothing else under it, else the
    /// task with its roots and the named tasks it started below.
    mutating func appendLane(_ lane: Int32, depth: Int, ancestorsLast: [Bool], isLast: Bool) {
        let roots = lane >= 0 ? document.roots(ofLane: Int(lane)) : []
        let nested = document.taskRows.nestedUnderLane[lane] ?? []
        if roots.count == 1, nested.isEmpty, let root = roots.first {
            appendSpan(root, depth: depth, ancestorsLast: ancestorsLast, isLast: isLast)
            return
        }
        let expandable = !roots.isEmpty || !nested.isEmpty
        let expanded = expandable && state.expandedLanes.contains(lane)
        rows.append(ViewRow(
            content: .lane(lane), depth: depth, ancestorsLast: ancestorsLast, isLast: isLast,
            isExpandable: expandable, isExpanded: expanded, hasFinding: false))
        if expanded {
            let lineage = depth == 0 ? [] : ancestorsLast + [isLast]
            appendChildren(Array(roots), nestedTasks: nested, lane: lane, depth: depth + 1, ancestorsLast: lineage)
        }
    }

    mutating func buildThreads() {
        for thread in document.threads.order {
            rows.append(ViewRow(content: .thread(thread), depth: 0, isExpandable: false, isExpanded: false, hasFinding: false))
        }
    }

    /// One row per route, most requests first; an unfolded route lists its slowest requests.
    mutating func buildRoutes() {
        let routes = document.routes
        for route in 0..<routes.groups.count {
            let expanded = state.expandedRoutes.contains(Int32(route))
            rows.append(ViewRow(content: .route(Int32(route)), depth: 0, isExpandable: true, isExpanded: expanded, hasFinding: false))
            guard expanded else { continue }
            let slowest = routes.slowest[route]
            for (position, root) in slowest.enumerated() {
                appendSpan(root, depth: 1, ancestorsLast: [], isLast: position == slowest.count - 1)
            }
        }
    }

    /// The findings list: groups by rule and site, most costly first; a group of several
    /// unfolds into its findings.
    mutating func buildFindings() {
        for (index, group) in state.findingGroups.enumerated() {
            if group.findings.count == 1 {
                rows.append(ViewRow(content: .finding(Int32(group.findings[0])), depth: 0, isExpandable: false, isExpanded: false, hasFinding: true))
                continue
            }
            let expanded = state.expandedFindingGroups.contains(Int32(index))
            rows.append(ViewRow(content: .findingGroup(Int32(index)), depth: 0, isExpandable: true, isExpanded: expanded, hasFinding: true))
            guard expanded else { continue }
            let shown = group.findings.prefix(ViewState.childRowLimit)
            for (position, finding) in shown.enumerated() {
                rows.append(ViewRow(content: .finding(Int32(finding)), depth: 1, isLast: position == shown.count - 1 && shown.count == group.findings.count,
                                    isExpandable: false, isExpanded: false, hasFinding: true))
            }
            if group.findings.count > shown.count {
                rows.append(ViewRow(content: .more(Int32(group.findings.count - shown.count)), depth: 1,
                                    isExpandable: false, isExpanded: false, hasFinding: false))
            }
        }
    }

    mutating func appendSpan(_ span: Int32, depth: Int, ancestorsLast: [Bool], isLast: Bool = true) {
        let children = trace.children(ofSpan: Int(span))
        let nested = document.taskRows.nestedUnderSpan[span] ?? []
        let expandable = !children.isEmpty || !nested.isEmpty
        let expanded = state.expandedSpans.contains(span) && expandable
        rows.append(ViewRow(
            content: .span(span), depth: depth, ancestorsLast: ancestorsLast, isLast: isLast,
            isExpandable: expandable, isExpanded: expanded,
            hasFinding: !document.analysis.findings(forSpan: Int(span)).isEmpty))
        if expanded {
            let lineage = depth == 0 ? [] : ancestorsLast + [isLast]
            appendChildren(Array(children), nestedTasks: nested, lane: trace.spanTask[Int(span)], depth: depth + 1, ancestorsLast: lineage)
        }
    }

    /// Appends the rows for `children` (in begin order) and the tasks started there, grouping
    /// large same-named families.
    mutating func appendChildren(_ children: [Int32], nestedTasks: [Int32], lane: Int32, depth: Int, ancestorsLast: [Bool]) {
        var countByName: [UInt32: Int] = [:]
        for child in children { countByName[trace.spanName[Int(child)], default: 0] += 1 }
        // Each entry is a single span, a group or a task, in order of first appearance.
        enum Entry { case span(Int32), group(UInt32), task(Int32) }
        var entries: [(time: Int64, entry: Entry)] = []
        var membersByName: [UInt32: [Int32]] = [:]
        for child in children {
            let name = trace.spanName[Int(child)]
            if countByName[name, default: 0] > ViewState.groupThreshold {
                if membersByName[name] == nil { entries.append((trace.spanBegin[Int(child)], .group(name))) }
                membersByName[name, default: []].append(child)
            } else {
                entries.append((trace.spanBegin[Int(child)], .span(child)))
            }
        }
        if !nestedTasks.isEmpty {
            for task in nestedTasks { entries.append((document.extent(ofLane: task)?.lowerBound ?? .max, .task(task))) }
            entries = entries.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        }
        let shown = min(entries.count, ViewState.childRowLimit)
        for position in 0..<shown {
            let isLast = position == entries.count - 1
            switch entries[position].entry {
            case .span(let child):
                appendSpan(child, depth: depth, ancestorsLast: ancestorsLast, isLast: isLast)
            case .task(let task):
                appendLane(task, depth: depth, ancestorsLast: ancestorsLast, isLast: isLast)
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
                    content: .group(Int32(groups.count - 1)), depth: depth, ancestorsLast: ancestorsLast, isLast: isLast,
                    isExpandable: false, isExpanded: false, hasFinding: hasFinding))
            }
        }
        if entries.count > shown {
            rows.append(ViewRow(
                content: .more(Int32(entries.count - shown)), depth: depth, ancestorsLast: ancestorsLast, isLast: true,
                isExpandable: false, isExpanded: false, hasFinding: false))
        }
    }
}
