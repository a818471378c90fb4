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
        while true {
            screen.draw(ViewRenderer.render(state, document, size: state.size))
            guard let event = screen.nextEvent(timeoutMilliseconds: reload == nil ? -1 : 250) else {
                if let reload, let newer = reload() {
                    state = state.carriedOver(to: newer, from: document)
                    document = newer
                }
                continue
            }
            let action: ViewAction?
            switch event {
            case .key(let key): action = KeyMap.action(for: key, input: state.input)
            case .click(let x, let y): action = .click(x: x, y: y)
            case .wheelUp: action = .scrollUp
            case .wheelDown: action = .scrollDown
            case .resize(let size): action = .resize(size)
            }
            guard let action else { continue }
            if state.update(action, document: document) == .quit { return }
        }
    }
}
