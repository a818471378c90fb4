/// The glyphs the viewer draws with, in a UTF-8 set and an ASCII fallback.
///
/// Everything the renderer draws that is not text from the trace comes from here, so the ASCII
/// fallback (a non-UTF-8 locale, `TERM=dumb`) is one switch, not a search through the code.
public struct Theme: Sendable, Equatable {
    /// Whether the glyphs are UTF-8 (false: plain ASCII only).
    public let isUTF8: Bool
    /// A task running on a thread.
    public let running: Unicode.Scalar
    /// A thread held by blocking work.
    public let blocking: Unicode.Scalar
    /// A ready task waiting for a thread.
    public let queued: Unicode.Scalar
    /// A task awaiting, holding no thread.
    public let suspended: Unicode.Scalar
    /// An open span whose task's state was not recorded (a trace without task states): it may
    /// have been running or suspended, so it is drawn as neither.
    public let unrecorded: Unicode.Scalar
    /// A span of zero length.
    public let instant: Unicode.Scalar
    /// Left-aligned partial blocks, 1/8 … 7/8 of a cell (empty in ASCII).
    public let eighths: [Unicode.Scalar]
    /// A span that begins in the right half of its first cell (nil in ASCII).
    public let rightHalf: Unicode.Scalar?
    /// Strip levels from empty to full (9 entries).
    public let levels: [Unicode.Scalar]
    /// A folded row with children.
    public let collapsed: Unicode.Scalar
    /// An unfolded row.
    public let expanded: Unicode.Scalar
    /// Tree: a child that has siblings below it.
    public let branch: Unicode.Scalar
    /// Tree: the last child.
    public let lastBranch: Unicode.Scalar
    /// Tree: an ancestor that has more siblings below.
    public let vertical: Unicode.Scalar
    /// The line between the labels and the timeline.
    public let separator: Unicode.Scalar
    /// The marker of a span with findings.
    public let warning: Unicode.Scalar
    /// Cut text.
    public let ellipsis: Unicode.Scalar
    /// The separator between facts in one line.
    public let dot: String
    /// "from A to B".
    public let arrow: String
    /// A tick mark on the ruler.
    public let tick: Unicode.Scalar
    /// Frame edges and corners of the help overlay.
    public let frame: Frame
    /// The mark of a selected row.
    public let pointer: Unicode.Scalar

    /// The glyphs of a box.
    public struct Frame: Sendable {
        /// Top and bottom edges.
        public let horizontal: Unicode.Scalar
        /// Left and right edges.
        public let vertical: Unicode.Scalar
        /// The four corners.
        public let corners: (topLeft: Unicode.Scalar, topRight: Unicode.Scalar, bottomLeft: Unicode.Scalar, bottomRight: Unicode.Scalar)
    }

    public static func == (left: Theme, right: Theme) -> Bool { left.isUTF8 == right.isUTF8 }

    /// Box-drawing and block glyphs.
    public static let utf8 = Theme(
        isUTF8: true, running: "█", blocking: "▓", queued: "▒", suspended: "░", unrecorded: "━", instant: "▏",
        eighths: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"], rightHalf: "▐",
        levels: [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        collapsed: "▸", expanded: "▾", branch: "├", lastBranch: "└", vertical: "│", separator: "│",
        warning: "⚠", ellipsis: "…", dot: " · ", arrow: " → ", tick: "╵",
        frame: Frame(horizontal: "─", vertical: "│", corners: ("┌", "┐", "└", "┘")), pointer: "›")

    /// Plain ASCII, for terminals without UTF-8.
    public static let ascii = Theme(
        isUTF8: false, running: "#", blocking: "X", queued: "+", suspended: ".", unrecorded: "=", instant: "|",
        eighths: [], rightHalf: nil,
        levels: [" ", ".", ".", ":", ":", "=", "=", "#", "#"],
        collapsed: ">", expanded: "v", branch: "|", lastBranch: "`", vertical: "|", separator: "|",
        warning: "!", ellipsis: "~", dot: " - ", arrow: " -> ", tick: "'",
        frame: Frame(horizontal: "-", vertical: "|", corners: ("+", "+", "+", "+")), pointer: ">")

    /// The theme for an environment: ASCII when `TERM` is `dumb` or the locale
    /// (`LC_ALL`, else `LC_CTYPE`, else `LANG`) does not name UTF-8.
    public static func detect(environment: [String: String]) -> Theme {
        if environment["TERM"] == "dumb" { return .ascii }
        let locale = [environment["LC_ALL"], environment["LC_CTYPE"], environment["LANG"]]
            .compactMap { $0 }.first { !$0.isEmpty } ?? ""
        let normalised = String(locale.lowercased().filter { $0 != "-" })
        return normalised.contains("utf8") ? .utf8 : .ascii
    }
}
