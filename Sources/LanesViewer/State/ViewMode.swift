/// Which picture the viewer draws.
public enum ViewMode: Sendable, Equatable {
    /// Tasks and their spans (the default for most traces).
    case tasks
    /// Threads, showing which task held which thread and where the executor ran out.
    case threads
    /// One row per route (kind of root span) with its latency over time (the default for traces
    /// with many similar roots: requests, messages).
    case routes
    /// The findings, grouped by rule and site, most costly first.
    case findings

    /// The heading of the name column.
    var columnTitle: String {
        switch self {
        case .threads: "thread"
        case .routes: "route"
        case .findings: "finding (by cost)"
        case .tasks: "task / span"
        }
    }

    /// What the view shows when it has no rows.
    var emptyText: String {
        switch self {
        case .threads: "(no thread information)"
        case .findings: "(no findings)"
        case .routes: "(no root spans)"
        case .tasks: "(no spans)"
        }
    }
}

/// What the keyboard is currently typed into.
public enum InputMode: Sendable, Equatable {
    /// Keys are commands.
    case normal
    /// Keys edit a search query (`/`); Enter searches, Escape cancels.
    case search(String)
    /// The help overlay is open; any key closes it.
    case help
}

extension InputMode {
    /// Edits `query`, the search being typed, with `action` (a character, backspace, cancel or
    /// Enter); returns the query to run when `action` submits it. Other actions change nothing.
    /// Shared by the timeline and the diff view, which search the same way.
    mutating func editSearch(_ query: String, with action: ViewAction) -> String? {
        switch action {
        case .searchInput(let character):
            if query.unicodeScalars.count < 200 { self = .search(query + String(character)) }
        case .searchBackspace: self = .search(String(query.dropLast()))
        case .searchCancel, .cancel: self = .normal
        case .searchSubmit:
            self = .normal
            return query
        default: break
        }
        return nil
    }
}
