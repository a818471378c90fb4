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
            if let row = selection, row.isExpandable {
                toggleFold(row, document: document)
            } else if let row = selection, case .finding(let finding) = row.content {
                jumpToFinding(Int(finding), document: document)
            } else {
                zoomToSelection(document)
            }
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
        case .toggleFindings:
            if mode == .findings {
                switchMode(to: previousMode, document: document)
            } else if document.analysis.findings.isEmpty {
                message = "no findings in this trace"
            } else {
                switchMode(to: .findings, document: document)
                message = "\(document.analysis.findings.count) findings by cost: Enter jumps to the span, f or Esc goes back"
            }
        case .toggleMode:
            switchMode(to: mode == .threads ? .tasks : .threads, document: document)
        case .toggleRoutes:
            switchMode(to: mode == .routes ? .tasks : .routes, document: document)
        case .cycleMode:
            switch mode {
            case .tasks: switchMode(to: .routes, document: document)
            case .routes: switchMode(to: .threads, document: document)
            case .threads, .findings: switchMode(to: .tasks, document: document)
            }
        case .widenNames: resizeNames(by: 4)
        case .narrowNames: resizeNames(by: -4)
        case .toggleHelp: input = .help
        case .toggleSort: message = "s sorts rows by change in the diff view (lanes view A --diff B)"
        case .alignAtSelection: message = "a aligns the two runs at a span in the diff view (lanes view A --diff B)"
        case .cancel:
            if mode == .findings { switchMode(to: previousMode, document: document) }
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

    /// Switches to view `newMode` with the first row selected (the findings list remembers the
    /// view it was opened from).
    mutating func switchMode(to newMode: ViewMode, document: ViewerDocument) {
        guard newMode != mode else { return }
        if newMode == .findings { previousMode = mode }
        mode = newMode
        selectedRow = 0
        firstRow = 0
        rebuildRows(document)
        if rows.isEmpty {
            switch newMode {
            case .threads: message = "no thread information in this trace"
            case .routes: message = "no root spans to group into routes"
            default: break
            }
        }
    }

    /// Widens (or narrows, for a negative `change`) the name column, within what the screen allows.
    mutating func resizeNames(by change: Int) {
        let current = layout.labelWidth
        let widest = ViewLayout.maximumLabelWidth(forWidth: size.width)
        let target = max(8, min(widest, current + change))
        chosenLabelWidth = target
        if target == current { message = change > 0 ? "the name column is as wide as it gets" : "the name column is as narrow as it gets" }
    }

    /// Leaves the findings list for the view it came from and shows finding `index`'s span, or
    /// its interval when it has none.
    mutating func jumpToFinding(_ index: Int, document: ViewerDocument) {
        let findings = document.analysis.findings
        guard findings.indices.contains(index) else { return }
        let finding = findings[index]
        if finding.span >= 0, Int(finding.span) < document.trace.spanCount {
            reveal(finding.span, document: document)
        } else {
            let length = TimeMath.distance(from: finding.begin, to: finding.end)
            windowDuration = max(Int64(layout.timelineWidth), min(document.fullWindow.duration, TimeMath.add(length, max(1, length / 10))))
            windowStart = TimeMath.clamp(Double(finding.begin) / 2 + Double(finding.end) / 2 - Double(windowDuration) / 2)
            clampWindow(document)
            switchMode(to: .tasks, document: document)
        }
        message = finding.rule.rawValue + ": " + finding.message
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
        case .span(let span):
            return document.barExtent(ofSpan: Int(span), isTaskRow: row.depth == 0 && mode == .tasks)
        case .lane(let lane): return document.extent(ofLane: lane)
        case .route(let route):
            let roots = document.routes.groups.roots(ofRoute: Int(route))
            guard let first = roots.first, let last = roots.last else { return nil }
            return trace.spanBegin[Int(first)]...max(trace.spanBegin[Int(first)], trace.spanEnd[Int(last)])
        case .finding(let index):
            let finding = document.analysis.findings[Int(index)]
            return finding.begin...max(finding.begin, finding.end)
        case .findingGroup(let index):
            let members = findingGroups[Int(index)].findings.map { document.analysis.findings[$0] }
            guard let begin = members.map(\.begin).min(), let end = members.map(\.end).max() else { return nil }
            return begin...max(begin, end)
        case .group(let index):
            let group = groups[Int(index)]
            guard let first = group.memberBegins.first, let last = group.runningMaxEnd.last else { return nil }
            return first...max(first, last)
        case .thread(let thread):
            return document.threads.extent(ofThread: Int(thread), in: trace)
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
        case .route(let route):
            if expandedRoutes.contains(route) { expandedRoutes.remove(route) } else { expandedRoutes.insert(route) }
        case .findingGroup(let group):
            if expandedFindingGroups.contains(group) { expandedFindingGroups.remove(group) } else { expandedFindingGroups.insert(group) }
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
        mode = .tasks
        var ancestor = trace.spanParent[Int(span)]
        var top = span
        var guardCount = 0
        while ancestor >= 0, guardCount < 10_000 {
            expandedSpans.insert(ancestor)
            top = ancestor
            ancestor = trace.spanParent[Int(ancestor)]
            guardCount += 1
        }
        // The task whose row holds the span, and the tasks above it drawn as rows.
        var lane = trace.spanTask[Int(top)]
        guardCount = 0
        while lane >= 0, guardCount < 10_000 {
            expandedLanes.insert(lane)
            guard let parent = trace.tasks.parent(ofTask: Int(lane)) else { break }
            lane = Int32(parent)
            guardCount += 1
        }
        rebuildRows(document)
        if let index = rows.firstIndex(where: { $0.content == .span(span) }) {
            selectedRow = index
        } else if let index = rows.firstIndex(where: { row in
            if case .group(let group) = row.content { return groups[Int(group)].members.contains(span) }
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
