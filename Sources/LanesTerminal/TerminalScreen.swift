import CNcurses
import LanesViewer

#if canImport(Glibc)
import Glibc
#endif

/// The ncurses screen: the only place Lanes calls ncurses. It starts and restores the terminal,
/// copies changed cells of a `CellGrid` to the screen, and reads keys, mouse and resize.
///
/// Not thread-safe (ncurses is not); use it from one thread.
public final class TerminalScreen {
    private var previous: CellGrid?
    private var running = false
    private var colourPairs = false

    /// Why the screen could not start.
    public struct StartError: Error, CustomStringConvertible {
        /// One line for stderr.
        public var description: String
    }

    /// Takes over the terminal: UTF-8 locale, raw keys (Ctrl-C arrives as a key), no echo,
    /// hidden cursor, colours and the mouse where the terminal has them. Installs signal
    /// handlers that restore the terminal on SIGINT, SIGTERM and SIGHUP.
    public init() throws {
        setlocale(LC_ALL, "")
        guard lanes_new_terminal() != nil else {
            let term = getenv("TERM").map { String(cString: $0) } ?? "unset"
            throw StartError(description: "cannot start the terminal screen (TERM=\(term))")
        }
        running = true
        lanes_install_signal_restore()
        raw()
        noecho()
        nonl()
        keypad(lanes_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        if has_colors() {
            start_color()
            use_default_colors()
            let pairs: [(Int16, Int16)] = [
                (COLOR_GREEN, -1), (COLOR_RED, -1), (COLOR_YELLOW, -1), (COLOR_CYAN, -1),
                (COLOR_YELLOW, -1), (COLOR_BLUE, -1), (COLOR_GREEN, -1), (COLOR_RED, -1),
            ].map { (Int16($0.0), Int16($0.1)) }
            for (index, pair) in pairs.enumerated() { init_pair(Int16(index + 1), pair.0, pair.1) }
            colourPairs = true
        }
        _ = lanes_enable_mouse()
    }

    deinit { restore() }

    /// Gives the terminal back (idempotent): leaves curses mode and removes the signal handlers.
    public func restore() {
        guard running else { return }
        running = false
        endwin()
        lanes_remove_signal_restore()
    }

    /// The terminal's size now.
    public var size: GridSize { GridSize(width: Int(lanes_cols()), height: Int(lanes_lines())) }

    /// Copies `grid` to the screen, writing only cells that changed since the last draw.
    public func draw(_ grid: CellGrid) {
        let full = previous?.size != grid.size
        if full { erase() }
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let cell = grid[x, y]
                if !full, let previous, previous[x, y] == cell { continue }
                let (pair, attributes) = attributes(for: cell.style)
                // The bottom-right cell reports an error (the cursor cannot move past it) but is drawn.
                _ = lanes_put_cell(Int32(y), Int32(x), wchar_t(bitPattern: cell.scalar.value), pair, attributes)
            }
        }
        previous = grid
        refresh()
    }

    /// Forgets what is on screen so the next draw repaints everything (after a resize).
    public func invalidate() { previous = nil }

    func attributes(for style: CellStyle) -> (pair: Int32, attributes: Int32) {
        let bold = lanes_a_bold()
        let dim = lanes_a_dim()
        let reverse = lanes_a_reverse()
        func colour(_ pair: Int32, _ extra: Int32 = 0) -> (Int32, Int32) { colourPairs ? (pair, extra) : (0, extra) }
        switch style {
        case .plain: return (0, 0)
        case .dim: return (0, dim)
        case .bold: return (0, bold)
        case .header: return (0, reverse | bold)
        case .selection: return (0, reverse)
        case .running: return colour(1)
        case .blocking: return colour(2, bold)
        case .queued: return colour(3)
        case .suspended: return colour(4, dim)
        case .warning: return colour(5, bold)
        case .strip: return colour(6)
        case .faster: return colour(7, bold)
        case .slower: return colour(8, bold)
        case .heatLow: return colour(1)
        case .heatMedium: return colour(3)
        case .heatHigh: return colour(2, bold)
        }
    }
}
