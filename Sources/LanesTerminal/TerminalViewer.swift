import LanesViewer

/// The interactive viewer: draw, wait for input, update, until the user quits.
public enum TerminalViewer {
    /// Runs the viewer on the terminal over `document`. With `reload`, the viewer also polls
    /// about four times a second for a newer document (`lanes view --follow`); `reload` returns
    /// nil when nothing changed.
    ///
    /// The terminal is restored when this returns or throws, and on SIGINT / SIGTERM / SIGHUP.
    public static func run(
        document initial: ViewerDocument, theme: Theme, reload: (() -> ViewerDocument?)? = nil
    ) throws {
        let screen = try TerminalScreen()
        defer { screen.restore() }
        var document = initial
        var state = ViewState(document: document, size: screen.size, theme: theme)
        try loop(
            screen: screen, pollMilliseconds: reload == nil ? -1 : 250,
            frame: { ViewRenderer.render(state, document, size: state.size) },
            input: { state.input },
            apply: { state.update($0, document: document) },
            idle: {
                if let reload, let newer = reload() {
                    state = state.carriedOver(to: newer, from: document)
                    document = newer
                }
            })
    }

    /// Runs the diff view (`lanes view A --diff B`) on the terminal.
    public static func runDiff(a: ViewerDocument, b: ViewerDocument, theme: Theme, alignAt spanName: String? = nil) throws {
        let screen = try TerminalScreen()
        defer { screen.restore() }
        var state = DiffViewState(a: a, b: b, size: screen.size, theme: theme)
        if let spanName { state.align(atSpanNamed: spanName) }
        try loop(
            screen: screen, pollMilliseconds: -1,
            frame: { DiffRenderer.render(state, size: state.size) },
            input: { state.input },
            apply: { state.update($0) },
            idle: {})
    }

    /// Draw, wait, translate, apply, until an action asks to quit.
    static func loop(
        screen: TerminalScreen, pollMilliseconds: Int32, frame: () -> CellGrid, input: () -> InputMode,
        apply: (ViewAction) -> ViewEffect, idle: () -> Void
    ) throws {
        while true {
            screen.draw(frame())
            guard let event = screen.nextEvent(timeoutMilliseconds: pollMilliseconds) else {
                idle()
                continue
            }
            let action: ViewAction?
            switch event {
            case .key(let key): action = KeyMap.action(for: key, input: input())
            case .click(let x, let y): action = .click(x: x, y: y)
            case .wheelUp: action = .scrollUp
            case .wheelDown: action = .scrollDown
            case .resize(let size): action = .resize(size)
            }
            guard let action else { continue }
            if apply(action) == .quit { return }
        }
    }
}
