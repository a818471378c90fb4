extension CellGrid {
    /// The grid as text with ANSI SGR colour sequences, for `lanes view --print --color=always`.
    ///
    /// Only the grid's own fixed sequences are emitted; cell contents are sanitised scalars, so
    /// nothing from a trace can inject an escape sequence.
    public var ansiText: String {
        var output = ""
        for y in 0..<height {
            var current: CellStyle = .plain
            var lastNonBlank = -1
            for x in 0..<width where self[x, y].scalar != " " || self[x, y].style != .plain { lastNonBlank = x }
            for x in 0...max(0, lastNonBlank) where lastNonBlank >= 0 {
                let cell = self[x, y]
                if cell.style != current {
                    output += "\u{1B}[0m" + Self.sequence(for: cell.style)
                    current = cell.style
                }
                output.unicodeScalars.append(cell.scalar)
            }
            if current != .plain { output += "\u{1B}[0m" }
            output += "\n"
        }
        return output
    }

    /// The SGR sequence for a style (empty for plain).
    static func sequence(for style: CellStyle) -> String {
        switch style {
        case .plain: ""
        case .dim: "\u{1B}[2m"
        case .bold: "\u{1B}[1m"
        case .header: "\u{1B}[1;7m"
        case .selection: "\u{1B}[7m"
        case .running: "\u{1B}[32m"
        case .blocking: "\u{1B}[31m"
        case .queued: "\u{1B}[33m"
        case .suspended: "\u{1B}[2;36m"
        case .warning: "\u{1B}[1;33m"
        case .strip: "\u{1B}[34m"
        case .faster: "\u{1B}[32m"
        case .slower: "\u{1B}[31m"
        case .heatLow: "\u{1B}[32m"
        case .heatMedium: "\u{1B}[33m"
        case .heatHigh: "\u{1B}[1;31m"
        }
    }
}
