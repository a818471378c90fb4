extension ViewState {
    /// The state for `newer`, a re-read of the file `older` came from (`--follow`): same view,
    /// mode and filter; the window follows the growing end when it showed the whole trace.
    /// Span indexes can shift between reads, so folds of spans start over from the default.
    public func carriedOver(to newer: ViewerDocument, from older: ViewerDocument) -> ViewState {
        var state = ViewState(document: newer, size: size, theme: theme)
        state.mode = mode
        state.previousMode = previousMode
        state.chosenLabelWidth = chosenLabelWidth
        state.expandedLanes.formUnion(expandedLanes)
        state.expandedRoutes = expandedRoutes
        let oldFull = older.fullWindow
        if !(windowStart == oldFull.start && windowDuration == oldFull.duration) {
            state.windowStart = windowStart
            state.windowDuration = windowDuration
            state.clampWindow(newer)
        }
        state.input = input
        state.selectedRow = selectedRow
        state.firstRow = firstRow
        state.rebuildRows(newer)
        return state
    }
}
