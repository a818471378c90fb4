import LanesAnalysis
import LanesModel

/// What a lane was doing during one cell's time.
enum CellState {
    /// `unrecorded`: open, but the trace has no task states to say whether it ran or waited.
    case blocking, running, queued, suspended, unrecorded

    var style: CellStyle {
        switch self {
        case .blocking: .blocking
        case .running: .running
        case .queued: .queued
        case .suspended: .suspended
        case .unrecorded: .plain
        }
    }
}

extension RenderContext {
    mutating func drawRows() {
        let separatorX = layout.labelWidth
        var histogram = [UInt32](repeating: 0, count: RouteIndex.binCount)
        for line in 0..<layout.rowsHeight {
            let y = layout.rowsY + line
            grid.put(theme.separator, x: separatorX, y: y, style: .dim)
            let index = state.firstRow + line
            guard index < state.rows.count else { continue }
            let row = state.rows[index]
            drawLabel(row, y: y, selected: index == state.selectedRow)
            if case .route(let route) = row.content {
                drawRouteFigures(Int(route), y: y)
                drawHeat(Int(route), y: y, histogram: &histogram)
            } else {
                drawBar(row, y: y)
            }
        }
        if state.rows.isEmpty, layout.rowsHeight > 0 {
            grid.write(SafeText.cut(state.mode.emptyText, width: layout.labelWidth - 1, ellipsis: theme.ellipsis), x: 1, y: layout.rowsY, style: .dim)
        }
    }

    // MARK: Labels

    /// The name and duration of a row.
    func labelParts(_ row: ViewRow) -> (name: String, duration: String) {
        switch row.content {
        case .span(let span):
            let isTaskRow = row.depth == 0 && state.mode == .tasks
            let extent = document.barExtent(ofSpan: Int(span), isTaskRow: isTaskRow)
            let length = isTaskRow ? TimeMath.distance(from: extent.lowerBound, to: extent.upperBound) : trace.duration(ofSpan: Int(span))
            return (safe(document.label(ofSpan: Int(span), isTaskRow: isTaskRow)), duration(length))
        case .lane(let lane):
            let extent = document.extent(ofLane: lane)
            let length = extent.map { $0.upperBound == $0.lowerBound ? 0 : TimeMath.distance(from: $0.lowerBound, to: $0.upperBound) } ?? 0
            let name = lane >= 0 ? safe(document.name(ofLane: lane))
                : "other tasks" + (theme.isUTF8 ? " ×" : " x") + grouped(document.taskRows.otherTaskCount)
            return (name, duration(length))
        case .group(let index):
            let group = state.groups[Int(index)]
            let times = theme.isUTF8 ? " ×" : " x"
            let first = group.memberBegins.first ?? 0
            let last = group.runningMaxEnd.last ?? first
            return (safe(trace.strings[group.name]) + times + grouped(group.members.count),
                    duration(last <= first ? 0 : TimeMath.distance(from: first, to: last)))
        case .thread(let thread):
            let info = trace.threads[Int(thread)]
            var name = safe(trace.name(ofThread: Int(thread)))
            if info.isExecutor, !name.lowercased().contains("executor") { name += " (executor)" }
            return (name, duration(document.threads.totals[Int(thread)].busy))
        case .more(let count):
            return ("\(theme.ellipsis) \(grouped(Int(count))) more", "")
        case .route(let route):
            return (safe(document.routes.groups.names[Int(route)]), "")
        case .finding(let index):
            let finding = analysis.findings[Int(index)]
            let site = FindingSite.key(of: finding, in: trace)
            return (finding.rule.rawValue + (site.isEmpty ? "" : " " + safe(site)), duration(finding.costNanoseconds))
        case .findingGroup(let index):
            let group = state.findingGroups[Int(index)]
            let times = theme.isUTF8 ? " ×" : " x"
            return (group.rule.rawValue + (group.site.isEmpty ? "" : " " + safe(group.site)) + times + grouped(group.findings.count),
                    duration(group.totalCostNanoseconds))
        }
    }

    mutating func drawLabel(_ row: ViewRow, y: Int, selected: Bool) {
        let width = layout.labelWidth
        guard width > 0 else { return }
        let style: CellStyle = selected ? .selection : .plain
        if selected {
            grid.fill(x: 0, y: y, width: width, height: 1, style: .selection)
            grid.put(theme.pointer, x: 0, y: y, style: .selection)
        }
        var x = 1
        // On a narrow screen the tree lines give way to the names: one space per level.
        let compact = width < 16
        let prefix = row.treePrefix(theme)
        if compact, row.depth > 0 {
            x += min(row.depth, 2)
        } else if !prefix.isEmpty {
            x += grid.write(prefix, x: x, y: y, style: selected ? .selection : .dim, limit: width - x)
            x += 1
        }
        if row.isExpandable {
            grid.put(row.isExpanded ? theme.expanded : theme.collapsed, x: x, y: y, style: style)
            x += 2
        } else if row.depth == 0 {
            x += 2
        }
        let parts = labelParts(row)
        let durationWidth = width >= 20 ? SafeText.width(parts.duration) : 0
        let markWidth = row.hasFinding && !compact && !isFindingRow(row) ? 2 : 0
        let room = width - x - markWidth - (durationWidth > 0 ? durationWidth + 2 : 0)
        let name: String
        if case .thread = row.content {
            name = SafeText.cutKeepingEnd(parts.name, width: max(0, room), ellipsis: theme.ellipsis)
        } else {
            name = SafeText.cutMiddle(parts.name, width: max(0, room), ellipsis: theme.ellipsis)
        }
        x += grid.write(name, x: x, y: y, style: selected ? .selection : (row.depth == 0 ? .bold : .plain), limit: max(0, width - x))
        if markWidth > 0, x + 1 < width {
            grid.put(theme.warning, x: x + 1, y: y, style: selected ? .selection : .warning)
        }
        if durationWidth > 0, width - 1 - durationWidth > x + markWidth {
            grid.write(parts.duration, x: width - 1 - durationWidth, y: y, style: selected ? .selection : .dim)
        }
    }

    func isFindingRow(_ row: ViewRow) -> Bool {
        switch row.content {
        case .finding, .findingGroup: true
        default: false
        }
    }

    // MARK: Bars

    /// Row `lane`'s state during `[from, to)` (a lane, or `TaskRows.otherTasks`), assuming it
    /// was active then. Without task states a lane is running only where a span that holds its
    /// thread was open; elsewhere an await may have been suspended, so it is `unrecorded`.
    @inline(__always)
    func laneState(_ lane: Int, from: Int64, to: Int64) -> CellState {
        if lane >= 0, document.blockingByLane.overlaps(key: lane, from: from, to: to) { return .blocking }
        guard document.hasTaskStates else {
            return lane >= 0 && document.heldByLane.overlaps(key: lane, from: from, to: to) ? .running : .unrecorded
        }
        let owner = Int32(lane)
        if document.laneStates.isRunning(owner, from: from, to: to, in: trace) { return .running }
        if document.laneStates.isQueued(owner, from: from, to: to, in: trace) { return .queued }
        return .suspended
    }

    func glyph(_ state: CellState) -> Unicode.Scalar {
        switch state {
        case .blocking: theme.blocking
        case .running: theme.running
        case .queued: theme.queued
        case .suspended: theme.suspended
        case .unrecorded: theme.unrecorded
        }
    }

    /// The glyph for `count` spans merged into one cell: 2…9, then `+`.
    static func countGlyph(_ count: Int) -> Unicode.Scalar {
        count > 9 ? "+" : Unicode.Scalar(UInt8(48 + count))
    }

    mutating func drawBar(_ row: ViewRow, y: Int) {
        switch row.content {
        case .span(let span):
            let extent = document.barExtent(ofSpan: Int(span), isTaskRow: row.depth == 0 && state.mode == .tasks)
            drawSpanBar(Int(span), from: extent.lowerBound, to: extent.upperBound, y: y)
        case .group(let index):
            let group = state.groups[Int(index)]
            drawMembersBar(lane: Int(group.lane), begins: group.memberBegins[...], maxEnds: group.runningMaxEnd[...], y: y)
        case .lane(let lane): drawLaneBar(lane, y: y)
        case .thread(let thread): drawThreadBar(Int(thread), y: y)
        case .finding(let index):
            let finding = analysis.findings[Int(index)]
            if finding.span >= 0, Int(finding.span) < trace.spanCount {
                drawSpanBar(Int(finding.span), y: y)
            } else {
                drawInterval(finding.begin, finding.end, y: y, style: .warning)
            }
        case .findingGroup(let index):
            for finding in state.findingGroups[Int(index)].findings.prefix(2_000) {
                drawInterval(analysis.findings[finding].begin, analysis.findings[finding].end, y: y, style: .warning)
            }
        case .more, .route: break
        }
    }

    /// Marks the cells of `[begin, end]` with the blocking glyph in `style`.
    mutating func drawInterval(_ begin: Int64, _ end: Int64, y: Int, style: CellStyle) {
        guard end >= state.windowStart, begin <= state.windowEnd else { return }
        let first = max(0, layout.column(ofTime: begin, start: state.windowStart, duration: state.windowDuration))
        let last = min(layout.timelineWidth - 1, layout.column(ofTime: end, start: state.windowStart, duration: state.windowDuration))
        guard first <= last else { return }
        for column in first...last { grid.put(theme.blocking, x: layout.timelineX + column, y: y, style: style) }
    }

    /// One span: its extent, each cell coloured by what its task was doing, with partial-cell
    /// edges. `from` and `to` widen the bar beyond the span (a task's wait before its first span,
    /// its life after its root span).
    mutating func drawSpanBar(_ span: Int, from: Int64? = nil, to: Int64? = nil, y: Int) {
        let begin = from ?? trace.spanBegin[span]
        let end = to ?? trace.spanEnd[span]
        guard end >= state.windowStart, begin < state.windowEnd || (begin == end && begin == state.windowEnd) else { return }
        let lane = Int(trace.spanTask[span])
        let first = max(0, layout.column(ofTime: begin, start: state.windowStart, duration: state.windowDuration))
        let last = min(layout.timelineWidth - 1, layout.column(ofTime: end, start: state.windowStart, duration: state.windowDuration))
        guard first <= last || begin == end else { return }
        if begin == end {
            let column = min(first, layout.timelineWidth - 1)
            let cellState = laneState(lane, from: begin, to: end)
            grid.put(theme.instant, x: layout.timelineX + column, y: y, style: cellState.style)
            return
        }
        for column in first...max(first, last) {
            let cellStart = columnTimes[column]
            let cellEnd = columnTimes[column + 1]
            let from = max(cellStart, begin)
            let to = min(cellEnd, end)
            if to <= from, column != first { continue }
            let cellState = laneState(lane, from: from, to: max(to, from))
            var scalar = glyph(cellState)
            let solid = cellState == .running || cellState == .blocking
            if solid, theme.isUTF8, first != last {
                let cellLength = Double(cellEnd - cellStart)
                if column == last, end < cellEnd {
                    let eighths = Int((Double(end - cellStart) / cellLength * 8).rounded(.down))
                    if eighths < 7 { scalar = theme.eighths[max(0, eighths)] }
                } else if column == first, begin > cellStart, let half = theme.rightHalf,
                          Double(begin - cellStart) >= cellLength / 2 {
                    scalar = half
                }
            }
            grid.put(scalar, x: layout.timelineX + column, y: y, style: cellState.style)
        }
    }

    /// A task drawn as a whole: over its life, what it (and the tasks folded into it) was doing.
    /// Without task states, where its root spans were active. "Other tasks" shows only where one
    /// of them ran or waited.
    mutating func drawLaneBar(_ lane: Int32, y: Int) {
        guard let extent = document.extent(ofLane: lane) else { return }
        let hasStates = document.hasTaskStates && document.laneStates.hasJobs(lane, in: trace)
        let roots = lane >= 0 ? document.roots(ofLane: Int(lane)) : []
        for column in 0..<layout.timelineWidth {
            let cellStart = columnTimes[column]
            let cellEnd = columnTimes[column + 1]
            guard cellEnd > extent.lowerBound || (column == 0 && cellStart == extent.lowerBound),
                  cellStart <= extent.upperBound else { continue }
            let from = max(cellStart, extent.lowerBound)
            let to = max(from, min(cellEnd, extent.upperBound))
            var covered: Bool
            if hasStates {
                covered = lane >= 0 || document.laneStates.isRunning(lane, from: from, to: to, in: trace)
                    || document.laneStates.isQueued(lane, from: from, to: to, in: trace)
            } else {
                covered = document.rootsCover(lane: lane, roots: roots, from: cellStart, to: cellEnd)
            }
            guard covered else { continue }
            let cellState = laneState(Int(lane), from: from, to: to)
            grid.put(glyph(cellState), x: layout.timelineX + column, y: y, style: cellState.style)
        }
    }

    /// Many same-named siblings in one row: cells where two or more begin show how many; other
    /// covered cells show the lane's state.
    mutating func drawMembersBar(lane: Int, begins: ArraySlice<Int64>, maxEnds: ArraySlice<Int64>, y: Int) {
        let base = begins.startIndex
        var beganBefore = begins.partitioningIndex { $0 >= columnTimes[0] } - base
        for column in 0..<layout.timelineWidth {
            let cellStart = columnTimes[column]
            let cellEnd = columnTimes[column + 1]
            let beganByEnd = begins[(base + beganBefore)...].partitioningIndex { $0 >= cellEnd } - base
            let startingHere = beganByEnd - beganBefore
            let covered = startingHere > 0 || (beganByEnd > 0 && maxEnds[base + beganByEnd - 1] > cellStart)
            beganBefore = beganByEnd
            guard covered else { continue }
            let cellState = laneState(lane, from: cellStart, to: cellEnd)
            let scalar = startingHere >= 2 ? Self.countGlyph(startingHere) : glyph(cellState)
            grid.put(scalar, x: layout.timelineX + column, y: y, style: cellState.style)
        }
    }

    /// A thread: busy where it ran a job, blocking where blocking work held it, and the name of
    /// the row whose task held it written into jobs wide enough to carry it.
    mutating func drawThreadBar(_ thread: Int, y: Int) {
        let threads = document.threads
        for column in 0..<layout.timelineWidth {
            let cellStart = columnTimes[column]
            let cellEnd = columnTimes[column + 1]
            let blocked = threads.blocking.overlaps(key: thread, from: cellStart, to: cellEnd)
            let busy = blocked || threads.isBusy(thread, from: cellStart, to: cellEnd, in: trace)
            guard busy else { continue }
            let cellState: CellState = blocked ? .blocking : .running
            grid.put(glyph(cellState), x: layout.timelineX + column, y: y, style: cellState.style)
        }
        // Write the holding task's row name into jobs at least ten cells wide.
        var column = 0
        while column < layout.timelineWidth {
            guard let position = threads.job(ofThread: thread, at: columnTimes[column], in: trace) else {
                column += 1
                continue
            }
            let job = threads.job(position, in: trace)
            let lastColumn = min(layout.timelineWidth - 1, layout.column(ofTime: job.end, start: state.windowStart, duration: state.windowDuration))
            let cells = lastColumn - column
            if cells >= 9 {
                let name = safe(document.rowName(ofLane: job.task))
                let text = SafeText.cutMiddle(name, width: cells - 1, ellipsis: theme.ellipsis)
                var x = column + 1
                for scalar in text.unicodeScalars {
                    let held = threads.blocking.overlaps(key: thread, from: columnTimes[x], to: columnTimes[x + 1])
                    grid.put(scalar, x: layout.timelineX + x, y: y, style: held ? .blocking : .running)
                    x += 1
                }
            }
            column = max(column + 1, lastColumn + 1)
        }
    }
}
