extension RenderContext {
    /// Every key, in a framed box over the middle of the screen.
    var helpLines: [String] {
        let arrows = theme.isUTF8 ? ("↑ ↓ k j", "← → h l") : ("Up Dn k j", "Lt Rt h l")
        let keys: [(String, String)] = [
            (arrows.0, "select row"),
            ("PgUp PgDn g G", "page; first / last row"),
            (arrows.1, "pan the time window"),
            ("+ -", "zoom in / out at the selection"),
            ("0", "fit the whole trace"),
            ("Enter", "fold / unfold; zoom to a leaf span"),
            ("z", "zoom to the selected span"),
            ("/ n N", "search names; next / previous match"),
            ("b B", "next / previous blocking span"),
            ("f", "findings by cost; Enter shows one"),
            ("t", "by task / by thread"),
            ("r", "by route: latency over time"),
            ("Tab", "next view"),
            ("< >", "narrow / widen the names"),
            ("s", "diff view: sort by change / by time"),
            ("a", "diff view: align the runs at this span"),
            ("? q", "help; quit"),
            ("mouse", "click selects, wheel scrolls"),
        ]
        let keyWidth = 15
        let keyLines = keys.map { key, meaning in
            key + String(repeating: " ", count: max(1, keyWidth - SafeText.width(key))) + meaning
        }
        return ["Lanes keys (any key closes this)", ""] + keyLines + [
            "",
            "\(String(theme.running)) running  \(String(theme.blocking)) blocking  \(String(theme.queued)) queued  \(String(theme.suspended)) suspended  \(String(theme.unrecorded)) no task states",
            "2-9 + spans merged in one cell   \(String(theme.warning)) has findings",
            "route heat: p90 latency of the requests begun in a cell",
        ]
    }

    mutating func drawHelp() {
        let lines = helpLines
        let contentWidth = lines.map(SafeText.width).max() ?? 0
        let boxWidth = min(grid.width, contentWidth + 4)
        let boxHeight = min(grid.height, lines.count + 2)
        let left = max(0, (grid.width - boxWidth) / 2)
        let top = max(0, (grid.height - boxHeight) / 2)
        grid.fill(x: left, y: top, width: boxWidth, height: boxHeight, style: .plain)
        for x in left..<(left + boxWidth) {
            grid.put(theme.frame.horizontal, x: x, y: top, style: .bold)
            grid.put(theme.frame.horizontal, x: x, y: top + boxHeight - 1, style: .bold)
        }
        for y in top..<(top + boxHeight) {
            grid.put(theme.frame.vertical, x: left, y: y, style: .bold)
            grid.put(theme.frame.vertical, x: left + boxWidth - 1, y: y, style: .bold)
        }
        let corners = theme.frame.corners
        for (x, y, corner) in [(left, top, corners.topLeft), (left + boxWidth - 1, top, corners.topRight),
                               (left, top + boxHeight - 1, corners.bottomLeft), (left + boxWidth - 1, top + boxHeight - 1, corners.bottomRight)] {
            grid.put(corner, x: x, y: y, style: .bold)
        }
        for (index, line) in lines.prefix(max(0, boxHeight - 2)).enumerated() {
            grid.write(SafeText.cut(line, width: max(0, boxWidth - 4), ellipsis: theme.ellipsis),
                       x: left + 2, y: top + 1 + index, style: index == 0 ? .bold : .plain)
        }
    }
}
