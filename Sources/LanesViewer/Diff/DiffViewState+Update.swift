import LanesModel

extension DiffViewState {
    /// Applies `action` with the same keys as the normal view; `s` sorts by change. Returns
    /// whether the caller must quit.
    public mutating func update(_ action: ViewAction) -> ViewEffect {
        if case .search(let query) = input {
            switch action {
            case .resize(let newSize): size = newSize; clampSelection()
            case .quit: return .quit
            default:
                if let submitted = input.editSearch(query, with: action) { search(submitted) }
            }
            return .none
        }
        if input == .help {
            switch action {
            case .quit: return .quit
            case .resize(let newSize): size = newSize
            default: input = .normal
            }
            clampSelection()
            return .none
        }
        message = nil
        let visible = visibleEntries
        switch action {
        case .quit: return .quit
        case .moveUp, .moveDown, .pageUp, .pageDown, .moveToTop, .moveToBottom, .scrollUp, .scrollDown:
            RowNavigation.move(
                action, selected: &selectedRow, first: &firstRow, rowCount: rows.count, visible: visible, wheelStep: 2)
        case .panLeft: windowStart = TimeMath.add(windowStart, -max(1, windowDuration / 8)); clampWindow()
        case .panRight: windowStart = TimeMath.add(windowStart, max(1, windowDuration / 8)); clampWindow()
        case .zoomIn: zoom(by: 0.5)
        case .zoomOut: zoom(by: 2)
        case .fitAll:
            let window = fullWindow
            windowStart = window.start
            windowDuration = window.duration
        case .activate:
            if let row = selection, row.isExpandable { toggle(row.row) } else { zoomToSelection() }
        case .zoomToSelection: zoomToSelection()
        case .expand:
            if let row = selection, row.isExpandable, !row.isExpanded { toggle(row.row) }
        case .collapse:
            if let row = selection, row.isExpanded { toggle(row.row) }
        case .toggleSort:
            sortByDelta.toggle()
            rebuildRows()
            message = sortByDelta ? "sorted by change, largest first (s: by time)" : "sorted by time (s: by change)"
        case .alignAtSelection:
            alignAtSelection()
        case .nextBlocking, .previousBlocking: jumpToBlocking(forward: action == .nextBlocking)
        case .beginSearch: input = .search("")
        case .nextMatch, .previousMatch: jumpToMatch(forward: action == .nextMatch)
        case .toggleHelp: input = .help
        case .toggleMode, .toggleFindings, .toggleRoutes, .cycleMode:
            message = "the diff view shows tasks; open one run alone for threads, routes and findings"
        case .widenNames, .narrowNames:
            let widest = ViewLayout.maximumLabelWidth(forWidth: size.width)
            chosenLabelWidth = max(8, min(widest, layout.labelWidth + (action == .widenNames ? 4 : -4)))
        case .click(let x, let y):
            _ = x
            let layout = self.layout
            if y >= layout.rowsY, y < layout.rowsY + layout.rowsHeight {
                let index = firstRow + (y - layout.rowsY) / 2
                if index < rows.count { selectedRow = index }
            }
        case .resize(let newSize): size = newSize
        case .cancel, .searchInput, .searchBackspace, .searchSubmit, .searchCancel: break
        }
        clampSelection()
        return .none
    }

    mutating func toggle(_ row: Int32) {
        if expanded.contains(row) { expanded.remove(row) } else { expanded.insert(row) }
        rebuildRows()
    }

    mutating func zoom(by factor: Double) {
        let minimum = Int64(layout.timelineWidth)
        let newDuration = max(minimum, min(max(fullWindow.duration, minimum), TimeMath.clamp(Double(windowDuration) * factor)))
        var anchor = Double(windowStart) + Double(windowDuration) / 2
        if let extent = selectionExtent() {
            let middle = Double(extent.lowerBound) / 2 + Double(extent.upperBound) / 2
            if middle >= Double(windowStart), middle <= Double(windowEnd) { anchor = middle }
        }
        let fraction = (anchor - Double(windowStart)) / Double(windowDuration)
        windowStart = TimeMath.clamp(anchor - fraction * Double(newDuration))
        windowDuration = newDuration
        clampWindow()
    }

    mutating func clampWindow() {
        let full = fullWindow
        let latest = TimeMath.add(TimeMath.add(full.start, full.duration), -windowDuration)
        windowStart = max(full.start, min(windowStart, max(full.start, latest)))
    }

    /// The selected entry's extent on A's clock, covering both runs.
    func selectionExtent() -> ClosedRange<Int64>? {
        guard let row = selection else { return nil }
        let entry = diff.rows[Int(row.row)]
        var low = Int64.max
        var high = Int64.min
        if entry.spanA >= 0 {
            low = min(low, a.trace.spanBegin[Int(entry.spanA)])
            high = max(high, a.trace.spanEnd[Int(entry.spanA)])
        }
        if entry.spanB >= 0 {
            low = min(low, TimeMath.add(b.trace.spanBegin[Int(entry.spanB)], -alignmentOffset))
            high = max(high, TimeMath.add(b.trace.spanEnd[Int(entry.spanB)], -alignmentOffset))
        }
        return low <= high ? low...high : nil
    }

    mutating func zoomToSelection() {
        guard let extent = selectionExtent() else { return }
        let length = TimeMath.distance(from: extent.lowerBound, to: extent.upperBound)
        windowDuration = max(Int64(layout.timelineWidth), min(fullWindow.duration, TimeMath.add(length, 2 * max(1, length / 20))))
        windowStart = TimeMath.clamp(Double(extent.lowerBound) / 2 + Double(extent.upperBound) / 2 - Double(windowDuration) / 2)
        clampWindow()
    }

    /// Unfolds the ancestors of diff row `row` and selects it.
    mutating func reveal(_ row: Int32) {
        let entry = diff.rows[Int(row)]
        var ancestors: [Int32] = []
        if entry.spanA >= 0 {
            var parent = a.trace.spanParent[Int(entry.spanA)]
            while parent >= 0, ancestors.count < 10_000 {
                ancestors.append(diff.rowOfSpanA[Int(parent)])
                parent = a.trace.spanParent[Int(parent)]
            }
        } else {
            var parent = b.trace.spanParent[Int(entry.spanB)]
            while parent >= 0, ancestors.count < 10_000 {
                ancestors.append(diff.rowOfSpanB[Int(parent)])
                parent = b.trace.spanParent[Int(parent)]
            }
        }
        expanded.formUnion(ancestors)
        rebuildRows()
        if let index = rows.firstIndex(where: { $0.row == row }) { selectedRow = index }
        clampSelection()
        if let extent = selectionExtent(), extent.lowerBound < windowStart || extent.upperBound > windowEnd {
            windowStart = TimeMath.clamp(Double(extent.lowerBound) / 2 + Double(extent.upperBound) / 2 - Double(windowDuration) / 2)
            clampWindow()
        }
    }

    mutating func search(_ query: String) {
        searchMatches = []
        searchPosition = -1
        guard !query.isEmpty else { return }
        let needle = query.lowercased()
        func matches(_ trace: Trace) -> [Bool] {
            trace.strings.strings.map { !$0.isEmpty && $0.lowercased().contains(needle) }
        }
        let inA = matches(a.trace)
        let inB = matches(b.trace)
        for (index, row) in diff.rows.enumerated() {
            let hit = (row.spanA >= 0 && inA[Int(a.trace.spanName[Int(row.spanA)])])
                || (row.spanB >= 0 && inB[Int(b.trace.spanName[Int(row.spanB)])])
            if hit { searchMatches.append(Int32(index)) }
        }
        let shown = SafeText.fit(query, width: 40, asciiOnly: !theme.isUTF8)
        if searchMatches.isEmpty {
            message = "no span matches \"\(shown)\""
        } else {
            jumpToMatch(forward: true)
            message = "\(searchMatches.count) spans match \"\(shown)\""
        }
    }

    mutating func jumpToMatch(forward: Bool) {
        guard !searchMatches.isEmpty else {
            message = "no search yet: press / to search"
            return
        }
        searchPosition = searchPosition < 0 ? (forward ? 0 : searchMatches.count - 1)
            : (searchPosition + (forward ? 1 : searchMatches.count - 1)) % searchMatches.count
        reveal(searchMatches[searchPosition])
        message = "match \(searchPosition + 1) of \(searchMatches.count)"
    }

    /// Walks the blocking spans of A, then of B.
    mutating func jumpToBlocking(forward: Bool) {
        let targets = a.blockingSpans.map { diff.rowOfSpanA[Int($0)] } + b.blockingSpans.map { diff.rowOfSpanB[Int($0)] }
        guard !targets.isEmpty else {
            message = "no blocking spans in either run"
            return
        }
        let current = selection.flatMap { selected in targets.firstIndex(of: selected.row) } ?? (forward ? -1 : targets.count)
        let next = (current + (forward ? 1 : -1) + targets.count) % targets.count
        reveal(targets[next])
        message = "blocking span \(next + 1) of \(targets.count) (A's, then B's)"
    }

    /// Aligns the runs at the selected span: its begin in B is drawn under its begin in A.
    mutating func alignAtSelection() {
        guard let row = selection else { return }
        let entry = diff.rows[Int(row.row)]
        guard entry.spanA >= 0, entry.spanB >= 0 else {
            message = "a aligns at a span found in both runs; this one is only in \(entry.spanA >= 0 ? "A" : "B")"
            return
        }
        align(spanA: Int(entry.spanA), spanB: Int(entry.spanB))
    }

    /// Aligns the runs at the first span named (or with the path) `name` found in both runs.
    /// Returns false, changing nothing, when no matched span has that name.
    @discardableResult
    public mutating func align(atSpanNamed name: String) -> Bool {
        for entry in diff.rows where entry.spanA >= 0 && entry.spanB >= 0 {
            let path = diff.path(entry.path)
            if a.trace.name(ofSpan: Int(entry.spanA)) == name || path == name {
                align(spanA: Int(entry.spanA), spanB: Int(entry.spanB))
                return true
            }
        }
        return false
    }

    private mutating func align(spanA: Int, spanB: Int) {
        alignmentOffset = saturatingDifference(b.trace.spanBegin[spanB], a.trace.spanBegin[spanA])
        message = "aligned at \(SafeText.sanitize(a.trace.name(ofSpan: spanA))): B's begin drawn under A's"
        clampWindow()
    }
}
