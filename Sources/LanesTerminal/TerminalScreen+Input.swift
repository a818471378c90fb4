import CNcurses
import LanesViewer

#if canImport(Glibc)
import Glibc
#endif

/// Something the terminal reported.
public enum TerminalEvent: Sendable, Equatable {
    /// A key.
    case key(KeyPress)
    /// A left click at a cell.
    case click(x: Int, y: Int)
    /// The mouse wheel.
    case wheelUp, wheelDown
    /// The terminal has a new size.
    case resize(GridSize)
}

extension TerminalScreen {
    /// Waits up to `milliseconds` (forever when negative) for one event; nil on timeout or
    /// for input that means nothing here.
    public func nextEvent(timeoutMilliseconds milliseconds: Int32) -> TerminalEvent? {
        wtimeout(lanes_stdscr(), milliseconds)
        var character: wint_t = 0
        let result = wget_wch(lanes_stdscr(), &character)
        if result == lanes_err() { return nil }
        let code = Int32(bitPattern: UInt32(character))
        if result == lanes_key_code_yes() {
            switch code {
            case lanes_key_resize():
                invalidate()
                return .resize(size)
            case lanes_key_mouse():
                var x: Int32 = 0
                var y: Int32 = 0
                var kind: Int32 = 0
                guard lanes_read_mouse(&x, &y, &kind) == OK else { return nil }
                switch kind {
                case 1: return .click(x: Int(x), y: Int(y))
                case 4: return .wheelUp
                case 5: return .wheelDown
                default: return nil
                }
            case lanes_key_up(): return .key(.up)
            case lanes_key_down(): return .key(.down)
            case lanes_key_left(): return .key(.left)
            case lanes_key_right(): return .key(.right)
            case lanes_key_page_up(): return .key(.pageUp)
            case lanes_key_page_down(): return .key(.pageDown)
            case lanes_key_home(): return .key(.home)
            case lanes_key_end(): return .key(.end)
            case lanes_key_enter(): return .key(.enter)
            case lanes_key_backspace(): return .key(.backspace)
            case lanes_key_back_tab(): return .key(.backTab)
            default: return nil
            }
        }
        guard let scalar = Unicode.Scalar(UInt32(character)) else { return nil }
        switch scalar {
        case "\r", "\n": return .key(.enter)
        case "\u{1B}": return .key(.escape)
        case "\u{7F}", "\u{8}": return .key(.backspace)
        case "\t": return .key(.tab)
        default: return .key(.character(Character(scalar)))
        }
    }
}
