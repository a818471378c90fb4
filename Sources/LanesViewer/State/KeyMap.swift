/// A key as the terminal reports it, before it means anything.
public enum KeyPress: Sendable, Equatable {
    /// A printable character (or a control character such as Ctrl-C as its scalar).
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end, enter, backspace, tab, backTab, escape
}

/// Terminal habits: which key does what. Pure, so the key bindings are tested without a terminal.
public enum KeyMap {
    /// The action for `key` while the keyboard is in `input` mode, or nil for an unbound key.
    public static func action(for key: KeyPress, input: InputMode) -> ViewAction? {
        if case .search = input {
            switch key {
            case .enter: return .searchSubmit
            case .escape: return .searchCancel
            case .backspace: return .searchBackspace
            case .character(let character):
                if character == "\u{3}" { return .quit }
                if character == "\u{7F}" || character == "\u{8}" { return .searchBackspace }
                if character == "\n" || character == "\r" { return .searchSubmit }
                if character == "\u{1B}" { return .searchCancel }
                guard let scalar = character.unicodeScalars.first, scalar.value >= 0x20 else { return nil }
                return .searchInput(character)
            default: return nil
            }
        }
        switch key {
        case .up: return .moveUp
        case .down: return .moveDown
        case .left: return .panLeft
        case .right: return .panRight
        case .pageUp: return .pageUp
        case .pageDown: return .pageDown
        case .home: return .moveToTop
        case .end: return .moveToBottom
        case .enter: return .activate
        case .backspace: return .collapse
        case .tab, .backTab: return .cycleMode
        case .escape: return .cancel
        case .character(let character):
            switch character {
            case "q", "Q", "\u{3}": return .quit
            case "k": return .moveUp
            case "j": return .moveDown
            case "h": return .panLeft
            case "l": return .panRight
            case "+", "=": return .zoomIn
            case "-", "_": return .zoomOut
            case "0": return .fitAll
            case "\n", "\r", " ": return .activate
            case "z": return .zoomToSelection
            case "b": return .nextBlocking
            case "B": return .previousBlocking
            case "/": return .beginSearch
            case "n": return .nextMatch
            case "N": return .previousMatch
            case "f": return .toggleFindings
            case "t": return .toggleMode
            case "\t": return .cycleMode
            case "r": return .toggleRoutes
            case ">": return .widenNames
            case "<": return .narrowNames
            case "s": return .toggleSort
            case "a": return .alignAtSelection
            case "?": return .toggleHelp
            case "g": return .moveToTop
            case "G": return .moveToBottom
            case "\u{1B}": return .cancel
            case "\u{7F}", "\u{8}": return .collapse
            default: return nil
            }
        }
    }
}
