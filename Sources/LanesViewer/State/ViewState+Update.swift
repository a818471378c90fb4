import LanesModel

extension ViewState {
    /// Applies `action` and says whether the caller must quit. Pure apart from `self`: the
    /// document is only read.
    public mutating func update(_ action: ViewAction, document: ViewerDocument) -> ViewEffect {
        if case .search(let query) = input {
            return updateSearchInput(action, query: query, document: document)
        }
        if input == .help {
            switch action {
            case .quit: return .quit
            case .resize(let newSize): size = newSize; clampSelection(); return .none
            default: input = .normal; return .none
            }
        }
        message = nil
        let visibleRows = max(1, layout.rowsHeight)
        switch action {
        case .quit: return .quit
        case .moveUp, .moveDown, .pageUp, .pageDown, .moveToTop, .moveToBottom, .scrollUp, .scrollDown:
            RowNavigation.move(
                action, selected: &selectedRow, first: &firstRow, rowCount: rows.count, visible: visibleRows, wheelStep: 3)
        case .panLeft: pan(by: -max(1, windowDuration / 8), document: document)
        case .panRight: pan(by: max(1, windowDuration / 8), document: document)
        case .zoomIn: zoom(by: 0.5, document: document)
        case .zoomOut: zoom(by: 2, document: document)
        case .fitAll:
            let window = document.fullWindow
            windowStart = window.start
            windowDuration = window.duration
        case .activate:
            if let row = selection, row.isExpandable { toggleFold(row, document: document) } else { zoomToSelection(document) }
        case .zoomToSelection: zoomToSelection(document)
        case .expand:
            if let row = selection, row.isExpandable, !row.isExpanded { toggleFold(row, document: document) }
        case .collapse:
            if let row = selection, row.isExpandable, row.isExpanded { toggleFold(row, document: document) }
            else { selectParent() }
        case .nextBlocking: jumpToBlocking(forward: true, document: document)
        case .previousBlocking: jumpToBlocking(forward: false, document: document)
        case .beginSearch: input = .search("")
        case .nextMatch: jumpToMatch(forward: true, document: document)
        case .previousMatch: jumpToMatch(forward: false, document: document)
        case .toggleFindingsOnly:
            findingsOnly.toggle()
            if findingsOnly, document.analysis.findings.isEmpty { message = "no findings in this trace" }
            rebuildRows(document)
        case .toggleMode:
            mode = mode == .tasks ? .threads : .tasks
            selectedRow = 0
            firstRow = 0
            rebuildRows(document)
            if mode == .threads, rows.isEmpty { message = "no thread information in this trace" }
        case .toggleHelp: input = .help
        case .toggleSort: message = "s sorts rows by change in the diff view (lanes view A --diff B)"
        case .alignAtSelection: message = "a aligns the two runs at a span in the diff view (lanes view A --diff B)"
        case .cancel:
            if findingsOnly { findingsOnly = false; rebuildRows(document) }
        case .click(let x, let y): click(x: x, y: y)
        case .resize(let newSize): size = newSize
        case .searchInput, .searchBackspace, .searchSubmit, .searchCancel: break
        }
        clampSelection()
        return .none
    }

    mutating func updateSearchInput(_ action: ViewAction, query: String, document: ViewerDocument) -> ViewEffect {
        switch action {
        case .resize(let newSize): size = newSize; clampSelection()
        case .quit: return .quit
        default:
            if let submitted = input.editSearch(query, with: action) { runSearch(submitted, document: document) }
        }
        return .none
    }

    // MARK: Time window

    mutating func pan(by offset: Int64, document: ViewerDocument) {
        windowStart = TimeMath.add(windowStart, offset)
        clampWindow(document)
    }

    /// Scales the window by `factor` around the selected span's middle when it is in view,
    /// else around the window's middle, keeping that instant on the same column.
    mutating func zoom(by factor: Double, document: ViewerDocument) {
        let minimum = Int64(layout.timelineWidth)
        let full = document.fullWindow.duration
        let newDuration = max(minimum, min(max(full, minimum), TimeMath.clamp(Double(windowDuration) * factor)))
        guard newDuration != windowDuration else {
            message = factor < 1 ? "deepest zoom: one nanosecond per column" : nil
            return
        }
        var anchor = Double(windowStart) + Double(windowDuration) / 2
        if let extent = selectionExtent(document) {
            let middle = Double(extent.lowerBound) / 2 + Double(extent.upperBound) / 2
            if middle >= Double(windowStart), middle <= Double(windowStart) + Double(windowDuration) { anchor = middle }
        }
        let fraction = (anchor - Double(windowStart)) / Double(windowDuration)
        windowStart = TimeMath.clamp(anchor - fraction * Double(newDuration))
        windowDuration = newDuration
        clampWindow(document)
    }

    /// Keeps the window inside the trace (a window wider than the trace starts at its start).
    mutating func clampWindow(_ document: ViewerDocument) {
        let full = document.fullWindow
        let traceEnd = TimeMath.add(full.start, full.duration)
        let latestStart = TimeMath.add(traceEnd, -windowDuration)
        windowStart = max(full.start, min(windowStart, max(full.start, latestStart)))
    }

    mutating func zoomToSelection(_ document: ViewerDocument) {
        guard let extent = selectionExtent(document) else { return }
        let length = TimeMath.distance(from: extent.lowerBound, to: extent.upperBound)
        let padding = max(1, length / 20)
        let minimum = Int64(layout.timelineWidth)
        windowDuration = max(minimum, min(document.fullWindow.duration, TimeMath.add(length, 2 * padding)))
        let middle = Double(extent.lowerBound) / 2 + Double(extent.upperBound) / 2
        windowStart = TimeMath.clamp(middle - Double(windowDuration) / 2)
        clampWindow(document)
    }

    /// The time extent of the selected row.
    func selectionExtent(_ document: ViewerDocument) -> ClosedRange<Int64>? {
        guard let row = selection else { return nil }
        let trace = document.trace
        switch row.content {
        case .span(let span): return trace.spanBegin[Int(span)]...trace.spanEnd[Int(span)]
        case .lane(let lane): return document.laneExtent[Int(lane)]
        case .group(let index):
            let group = groups[index]
            guard let first = group.memberBegins.first, let last = group.runningMaxEnd.last else { return nil }
            return first...max(first, last)
        case .thread(let thread):
            let jobs = document.threadJobs
            let lower = Int(jobs.start[Int(thread)])
            let upper = Int(jobs.start[Int(thread) + 1])
            guard lower < upper else { return nil }
            return jobs.begins[lower]...max(jobs.begins[lower], jobs.ends[lower..<upper].max() ?? jobs.begins[lower])
        case .more: return nil
        }
    }

    // MARK: Tree

    mutating func toggleFold(_ row: ViewRow, document: ViewerDocument) {
        switch row.content {
        case .lane(let lane):
            if expandedLanes.contains(lane) { expandedLanes.remove(lane) } else { expandedLanes.insert(lane) }
        case .span(let span):
            if expandedSpans.contains(span) { expandedSpans.remove(span) } else { expandedSpans.insert(span) }
        default: return
        }
        rebuildRows(document)
    }

    /// Selects the nearest row above with a smaller depth.
    mutating func selectParent() {
        guard let row = selection, row.depth > 0 else { return }
        var index = selectedRow - 1
        while index >= 0, rows[index].depth >= row.depth { index -= 1 }
        if index >= 0 { selectedRow = index }
    }

    /// Unfolds everything above `span`, selects its row (or its group's), and brings it into
    /// the time window.
    mutating func reveal(_ span: Int32, document: ViewerDocument) {
        let trace = document.trace
        if mode != .tasks || findingsOnly {
            mode = .tasks
            findingsOnly = false
        }
        let lane = trace.spanTask[Int(span)]
        expandedLanes.insert(lane)
        var ancestor = trace.spanParent[Int(span)]
        var guardCount = 0
        while ancestor >= 0, guardCount < 10_000 {
            expandedSpans.insert(ancestor)
            ancestor = trace.spanParent[Int(ancestor)]
            guardCount += 1
        }
        rebuildRows(document)
        if let index = rows.firstIndex(where: { $0.content == .span(span) }) {
            selectedRow = index
        } else if let index = rows.firstIndex(where: { row in
            if case .group(let group) = row.content { return groups[group].members.contains(span) }
            return false
        }) {
            selectedRow = index
        }
        let begin = trace.spanBegin[Int(span)]
        let end = trace.spanEnd[Int(span)]
        if begin < windowStart || end > windowEnd {
            if TimeMath.distance(from: begin, to: end) > windowDuration {
                windowDuration = min(document.fullWindow.duration, TimeMath.distance(from: begin, to: end))
            }
            windowStart = TimeMath.clamp(Double(begin) / 2 + Double(end) / 2 - Double(windowDuration) / 2)
            clampWindow(document)
        }
        clampSelection()
        let visible = max(1, layout.rowsHeight)
        firstRow = max(0, min(selectedRow - visible / 3, max(0, rows.count - visible)))
        clampSelection()
    }

    // MARK: Jumps

    mutating func jumpToBlocking(forward: Bool, document: ViewerDocument) {
        let spans = document.blockingSpans
        guard !spans.isEmpty else {
            message = "no blocking spans in this trace"
            return
        }
        if blockingPosition < 0 || blockingPosition >= spans.count {
            blockingPosition = forward ? 0 : spans.count - 1
        } else {
            blockingPosition = (blockingPosition + (forward ? 1 : spans.count - 1)) % spans.count
        }
        reveal(spans[blockingPosition], document: document)
        message = "blocking span \(blockingPosition + 1) of \(spans.count)"
    }

    mutating func runSearch(_ query: String, document: ViewerDocument) {
        searchQuery = query
        searchMatches = []
        searchPosition = -1
        guard !query.isEmpty else { return }
        let trace = document.trace
        let needle = query.lowercased()
        var matchingNames = [Bool](repeating: false, count: trace.strings.count)
        var any = false
        for (index, string) in trace.strings.strings.enumerated() where !string.isEmpty && string.lowercased().contains(needle) {
            matchingNames[index] = true
            any = true
        }
        if any {
            trace.spanName.withUnsafeBufferPointer { names in
                for span in 0..<names.count where Int(names[span]) < matchingNames.count && matchingNames[Int(names[span])] {
                    searchMatches.append(Int32(span))
                }
            }
        }
        let shown = SafeText.fit(query, width: 40, asciiOnly: !theme.isUTF8)
        if searchMatches.isEmpty {
            message = "no span matches \"\(shown)\""
        } else {
            jumpToMatch(forward: true, document: document)
            message = "\(searchMatches.count) spans match \"\(shown)\"" + (searchMatches.count > 1 ? " (n / N: next / previous)" : "")
        }
    }

    mutating func jumpToMatch(forward: Bool, document: ViewerDocument) {
        guard !searchMatches.isEmpty else {
            message = searchQuery.isEmpty ? "no search yet: press / to search" : "no matches"
            return
        }
        if searchPosition < 0 {
            searchPosition = forward ? 0 : searchMatches.count - 1
        } else {
            searchPosition = (searchPosition + (forward ? 1 : searchMatches.count - 1)) % searchMatches.count
        }
        reveal(searchMatches[searchPosition], document: document)
        message = "match \(searchPosition + 1) of \(searchMatches.count)"
    }

    // MARK: Mouse

    mutating func click(x: Int, y: Int) {
        let layout = self.layout
        guard y >= layout.rowsY, y < layout.rowsY + layout.rowsHeight else { return }
        let index = firstRow + (y - layout.rowsY)
        if index < rows.count { selectedRow = index }
    }
}
