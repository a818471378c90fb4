/// Everything a user can ask the viewer to do; keys, mouse and resize become these.
public enum ViewAction: Sendable, Equatable {
    /// Select the row above / below.
    case moveUp, moveDown
    /// Move the selection by a screenful.
    case pageUp, pageDown
    /// Select the first / last row.
    case moveToTop, moveToBottom
    /// Pan the time window left / right by an eighth.
    case panLeft, panRight
    /// Zoom in / out around the selected span (or the window's centre).
    case zoomIn, zoomOut
    /// Show the whole trace.
    case fitAll
    /// Fold or unfold the selected row; on a row without children, zoom to it.
    case activate
    /// Zoom the time window to the selected row's extent.
    case zoomToSelection
    /// Fold / unfold the selected row.
    case collapse, expand
    /// Jump to the next / previous blocking span.
    case nextBlocking, previousBlocking
    /// Start typing a search query.
    case beginSearch
    /// Type a character into the query, delete the last one, run the search, cancel it.
    case searchInput(Character), searchBackspace, searchSubmit, searchCancel
    /// Jump to the next / previous search match.
    case nextMatch, previousMatch
    /// Open or close the findings list.
    case toggleFindings
    /// Switch between the by-task and by-thread views.
    case toggleMode
    /// Open or close the route view.
    case toggleRoutes
    /// Go to the next view (tasks, routes, threads).
    case cycleMode
    /// Make the name column wider / narrower.
    case widenNames, narrowNames
    /// Diff view: sort rows by how much they changed (toggle).
    case toggleSort
    /// Diff view: align the two runs at the selected span.
    case alignAtSelection
    /// Open or close the help overlay.
    case toggleHelp
    /// Close an overlay or cancel what is being typed.
    case cancel
    /// A mouse click on screen cell (x, y).
    case click(x: Int, y: Int)
    /// The mouse wheel: scroll rows up / down.
    case scrollUp, scrollDown
    /// The terminal changed size.
    case resize(GridSize)
    /// Leave the viewer.
    case quit
}

/// What the caller must do after an action: the only side effect update asks for.
public enum ViewEffect: Sendable, Equatable {
    /// Nothing; redraw.
    case none
    /// Restore the terminal and exit.
    case quit
}
