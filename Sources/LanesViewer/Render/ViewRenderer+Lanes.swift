import LanesModel

/// What a lane was doing during one cell's time.
enum CellState {
    case blocking, running, queued, suspended

    var style: CellStyle {
        switch self {
        case .blocking: .blocking
        case .running: .running
        case .queued: .queued
        case .suspended: .suspended
        }
    }
}

extension RenderContext {
    mutating func drawRows() {
        let separatorX = layout.labelWidth
        for line in 0..<layout.rowsHeight {
            let y = layout.rowsY + line
            grid.put(theme.separator, x: separatorX, y: y, style: .dim)
            let index = state.firstRow + line
            guard index < state.rows.count else { continue }
            let row = state.rows[index]
            drawLabel(row, y: y, selected: index == state.selectedRow)
            drawBar(row, y: y)
        }
        if state.rows.isEmpty, layout.rowsHeight > 0 {
            let text = state.mode == .threads ? "(no thread information)" : (state.findingsOnly ? "(no findings)" : "(no spans)")
            grid.write(SafeText.cut(text, width: layout.labelWidth - 1, ellipsis: theme.ellipsis), x: 1, y: layout.rowsY, style: .dim)
        }
    }

    // MARK: Labels

    /// The name, duration and finding mark of a row.
    func labelParts(_ row: ViewRow) -> (name: String, duration: String) {
        switch row.content {
        case .span(let span):
            return (safe(trace.displayName(ofSpan: Int(span))), duration(trace.duration(ofSpan: Int(span))))
        case .lane(let lane):
            let extent = document.laneExtent[Int(lane)]
            let length = extent.map { $0.upperBound == $0.lowerBound ? 0 : TimeMath.distance(from: $0.lowerBound, to: $0.upperBound) } ?? 0
            return (safe(document.name(ofLane: Int(lane))), duration(length))
        case .group(let index):
            let group = state.groups[index]
            let times = theme.isUTF8 ? " ×" : " x"
            let first = group.memberBegins.first ?? 0
            let last = group.runningMaxEnd.last ?? first
            return (safe(trace.strings[group.name]) + times + grouped(group.members.count),
                    duration(last <= first ? 0 : TimeMath.distance(from: first, to: last)))
        case .thread(let thread):
            let info = trace.threads[Int(thread)]
            var name = safe(trace.name(ofThread: Int(thread)))
            if info.isExecutor, !name.lowercased().contains("executor") { name += " (executor)" }
            return (name, duration(document.threadTotals[Int(thread)].busy))
        case .more(let count):
            return ("\(theme.ellipsis) \(grouped(count)) more", "")
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
        if compact, row.depth > 0 {
            x += min(row.depth, 2)
        } else if !row.prefix.isEmpty {
            x += grid.write(row.prefix, x: x, y: y, style: selected ? .selection : .dim, limit: width - x)
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
        let markWidth = row.hasFinding && !compact ? 2 : 0
        let room = width - x - markWidth - (durationWidth > 0 ? durationWidth + 2 : 0)
        let name: String
        if case .thread = row.content {
            name = SafeText.cutKeepingEnd(parts.name, width: max(0, room), ellipsis: theme.ellipsis)
        } else {
            name = SafeText.cut(parts.name, width: max(0, room), ellipsis: theme.ellipsis)
        }
        x += grid.write(name, x: x, y: y, style: selected ? .selection : (row.depth == 0 ? .bold : .plain), limit: max(0, width - x))
        if row.hasFinding, !compact, x + 1 < width {
            grid.put(theme.warning, x: x + 1, y: y, style: selected ? .selection : .warning)
        }
        if durationWidth > 0, width - 1 - durationWidth > x + markWidth {
            grid.write(parts.duration, x: width - 1 - durationWidth, y: y, style: selected ? .selection : .dim)
        }
    }

    // MARK: Bars

    /// The lane's state during `[from, to)`, assuming it was active then.
    @inline(__always)
    func laneState(_ lane: Int, from: Int64, to: Int64) -> CellState {
        if document.blockingByLane.overlaps(key: lane, from: from, to: to) { return .blocking }
        guard document.hasTaskStates else { return .running }
        if document.runningByLane.overlaps(key: lane, from: from, to: to) { return .running }
        if document.queuedByLane.overlaps(key: lane, from: from, to: to) { return .queued }
        return .suspended
    }

    func glyph(_ state: CellState) -> Unicode.Scalar {
        switch state {
        case .blocking: theme.blocking
        case .running: theme.running
        case .queued: theme.queued
        case .suspended: theme.suspended
        }
    }

    /// The glyph for `count` spans merged into one cell: 2…9, then `+`.
    static func countGlyph(_ count: Int) -> Unicode.Scalar {
        count > 9 ? "+" : Unicode.Scalar(UInt8(48 + count))
    }

    mutating func drawBar(_ row: ViewRow, y: Int) {
        switch row.content {
        case .span(let span): drawSpanBar(Int(span), y: y)
        case .group(let index):
            let group = state.groups[index]
            drawMembersBar(lane: Int(group.lane), begins: group.memberBegins[...], maxEnds: group.runningMaxEnd[...], y: y, slicesToo: false)
        case .lane(let lane):
            let range = Int(document.laneRootStart[Int(lane)])..<Int(document.laneRootStart[Int(lane) + 1])
            drawMembersBar(lane: Int(lane), begins: document.laneRootBegins[range], maxEnds: document.laneRootMaxEnd[range], y: y, slicesToo: true)
        case .thread(let thread): drawThreadBar(Int(thread), y: y)
        case .more: break
        }
    }

    /// One span: its extent, each cell coloured by what its task was doing, with partial-cell edges.
    mutating func drawSpanBar(_ span: Int, y: Int) {
        let begin = trace.spanBegin[span]
        let end = trace.spanEnd[span]
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

    /// Many spans in one row (a group, or the roots of a lane): cells where two or more begin
    /// show how many; other covered cells show the lane's state.
    mutating func drawMembersBar(
        lane: Int, begins: ArraySlice<Int64>, maxEnds: ArraySlice<Int64>, y: Int, slicesToo: Bool
    ) {
        let base = begins.startIndex
        var beganBefore = begins.partitioningIndex { $0 >= columnTimes[0] } - base
        for column in 0..<layout.timelineWidth {
            let cellStart = columnTimes[column]
            let cellEnd = columnTimes[column + 1]
            let beganByEnd = begins[(base + beganBefore)...].partitioningIndex { $0 >= cellEnd } - base
            let startingHere = beganByEnd - beganBefore
            var covered = startingHere > 0 || (beganByEnd > 0 && maxEnds[base + beganByEnd - 1] > cellStart)
            if !covered, slicesToo, document.hasTaskStates {
                covered = document.runningByLane.overlaps(key: lane, from: cellStart, to: cellEnd)
                    || document.queuedByLane.overlaps(key: lane, from: cellStart, to: cellEnd)
            }
            beganBefore = beganByEnd
            guard covered else { continue }
            let cellState = laneState(lane, from: cellStart, to: cellEnd)
            let scalar = startingHere >= 2 ? Self.countGlyph(startingHere) : glyph(cellState)
            grid.put(scalar, x: layout.timelineX + column, y: y, style: cellState.style)
        }
    }

    /// A thread: busy where it ran a job, blocking where blocking work held it, and the name of
    /// the task that held it written into jobs wide enough to carry it.
    mutating func drawThreadBar(_ thread: Int, y: Int) {
        for column in 0..<layout.timelineWidth {
            let cellStart = columnTimes[column]
            let cellEnd = columnTimes[column + 1]
            let blocked = document.blockingByThread.overlaps(key: thread, from: cellStart, to: cellEnd)
            let busy = blocked || document.busyByThread.overlaps(key: thread, from: cellStart, to: cellEnd)
            guard busy else { continue }
            let cellState: CellState = blocked ? .blocking : .running
            grid.put(glyph(cellState), x: layout.timelineX + column, y: y, style: cellState.style)
        }
        // Write the holding task's name into jobs at least ten cells wide.
        var column = 0
        while column < layout.timelineWidth {
            guard let job = document.threadJobs.job(key: thread, at: columnTimes[column]) else {
                column += 1
                continue
            }
            let jobEnd = document.threadJobs.ends[job]
            let lastColumn = min(layout.timelineWidth - 1, layout.column(ofTime: jobEnd, start: state.windowStart, duration: state.windowDuration))
            let cells = lastColumn - column
            if cells >= 9 {
                let name = safe(document.name(ofLane: Int(document.threadJobs.tasks[job])))
                let text = SafeText.cut(name, width: cells - 1, ellipsis: theme.ellipsis)
                var x = column + 1
                for scalar in text.unicodeScalars {
                    let held = document.blockingByThread.overlaps(key: thread, from: columnTimes[x], to: columnTimes[x + 1])
                    grid.put(scalar, x: layout.timelineX + x, y: y, style: held ? .blocking : .running)
                    x += 1
                }
            }
            column = max(column + 1, lastColumn + 1)
        }
    }
}
