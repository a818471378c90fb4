/// How a cell is drawn: a role, not a colour. The backend (or the ANSI printer) maps roles to
/// colours, so the renderer stays free of terminal details and tests compare plain text.
public enum CellStyle: UInt8, Sendable, CaseIterable {
    /// Ordinary text.
    case plain
    /// Secondary text: rulers, tree lines, hints.
    case dim
    /// Emphasised text: the title, selected names.
    case bold
    /// The header bar.
    case header
    /// The selected row's label.
    case selection
    /// A task running on a thread.
    case running
    /// A thread held by blocking work (red).
    case blocking
    /// A ready task waiting for a thread (yellow).
    case queued
    /// A task awaiting something, holding no thread (dim).
    case suspended
    /// A finding marker or message.
    case warning
    /// The strips under the lanes (threads held, concurrency).
    case strip
    /// A diff row that got faster (B shorter than A).
    case faster
    /// A diff row that got slower (B longer than A).
    case slower
    /// A latency heat cell in the lower part of the scale (green).
    case heatLow
    /// A latency heat cell in the middle of the scale (yellow).
    case heatMedium
    /// A latency heat cell at the top of the scale (red).
    case heatHigh
}

/// One character cell of the screen: a single-width Unicode scalar and its style.
///
/// The renderer only ever puts single-width scalars into cells (see `SafeText`), so one cell is
/// one terminal column and a grid of width W fills exactly W columns.
public struct Cell: Sendable, Equatable {
    /// The character shown.
    public var scalar: Unicode.Scalar
    /// How it is drawn.
    public var style: CellStyle

    public init(_ scalar: Unicode.Scalar, _ style: CellStyle = .plain) {
        self.scalar = scalar
        self.style = style
    }

    /// A blank cell.
    public static let blank = Cell(" ", .plain)
}
