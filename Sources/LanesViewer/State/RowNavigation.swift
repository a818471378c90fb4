/// How the timeline and the diff view move through a list of rows taller than the screen: the
/// selected row, and the first row on screen.
enum RowNavigation {
    /// Applies a row movement (up, down, a page, top, bottom, a wheel step of `wheelStep` rows).
    static func move(
        _ action: ViewAction, selected: inout Int, first: inout Int, rowCount: Int, visible: Int, wheelStep: Int
    ) {
        switch action {
        case .moveUp: selected -= 1
        case .moveDown: selected += 1
        case .pageUp: selected -= visible; first -= visible
        case .pageDown: selected += visible; first += visible
        case .moveToTop: selected = 0
        case .moveToBottom: selected = rowCount - 1
        case .scrollUp: first -= wheelStep; selected = max(first, min(selected, first + visible - 1))
        case .scrollDown: first += wheelStep; selected = max(selected, first)
        default: break
        }
    }

    /// Keeps the selection inside the rows and on screen.
    static func clamp(selected: inout Int, first: inout Int, rowCount: Int, visible: Int) {
        selected = max(0, min(selected, rowCount - 1))
        if selected < first { first = selected }
        if selected >= first + visible { first = selected - visible + 1 }
        first = max(0, min(first, max(0, rowCount - visible)))
    }
}
