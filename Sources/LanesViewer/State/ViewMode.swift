/// Which picture the viewer draws.
public enum ViewMode: Sendable, Equatable {
    /// Tasks and their spans (the default).
    case tasks
    /// Threads, showing which task held which thread and where the executor ran out.
    case threads
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
