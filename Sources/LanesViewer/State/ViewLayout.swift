/// Where each part of the screen goes for a given size: header, ruler, lanes, strips, details,
/// status line. Both the renderer and `update` (paging, mouse clicks) use it, so they agree.
public struct ViewLayout: Sendable, Equatable {
    /// The screen size.
    public var size: GridSize
    /// Width of the label column (the tree), before the separator.
    public var labelWidth: Int
    /// First column of the timeline.
    public var timelineX: Int
    /// Columns of the timeline (≥ 1).
    public var timelineWidth: Int
    /// Row of the header, or nil when there is no room.
    public var headerY: Int?
    /// Row of the time ruler, or nil.
    public var rulerY: Int?
    /// First row of the lane tree.
    public var rowsY: Int
    /// Number of lane rows visible.
    public var rowsHeight: Int
    /// Rows of the strips (executor threads held, concurrency), possibly empty.
    public var stripYs: [Int]
    /// Rows of the counter strips (one per counter series, under the other strips), possibly empty.
    public var counterStripYs: [Int] = []
    /// Rows of the details of the selection, possibly empty.
    public var detailYs: [Int]
    /// Row of the status line (findings, search prompt, messages), or nil.
    public var statusY: Int?

    /// Columns between the label column and the timeline for per-row figures (the route view's
    /// count, rate and percentiles); 0 in the other views.
    public var statsWidth: Int

    /// The name column's width when the user has not chosen one: a third of the terminal,
    /// between 24 and 48 columns (half of a terminal narrower than 60).
    public static func defaultLabelWidth(forWidth width: Int) -> Int {
        width >= 60 ? min(48, max(24, width / 3)) : max(1, width / 2)
    }

    /// The name column's width when the user has not chosen one and the rows need `natural`
    /// columns: that, between 16 columns and two fifths of the terminal (at least the plain
    /// default when that is smaller).
    public static func defaultLabelWidth(forWidth width: Int, natural: Int) -> Int {
        let plain = defaultLabelWidth(forWidth: width)
        guard width >= 60 else { return plain }
        return max(min(plain, 16), min(max(natural, 16), max(plain, width * 2 / 5)))
    }

    /// The widest the name column may be made: the timeline keeps at least a quarter of the
    /// screen (and 10 columns).
    public static func maximumLabelWidth(forWidth width: Int) -> Int {
        max(1, min(width - 10, width * 3 / 4))
    }

    /// The route view's figures for a terminal `width` wide: count, rate, p50 and p99 when there
    /// is room, p50 and p99 on narrower screens, none below 60 columns.
    public static func routeStatsWidth(_ width: Int) -> Int {
        width >= 110 ? 34 : (width >= 60 ? 16 : 0)
    }

    /// The layout for `size`, with the name column `labelWidth` wide (nil: the default for the
    /// width), `statsWidth` columns of figures before the timeline, and rows for up to
    /// `counterStrips` counter strips where the lanes keep room (see `counterStripRows`).
    public init(size: GridSize, labelWidth chosen: Int? = nil, statsWidth: Int = 0, counterStrips: Int = 0) {
        self.size = size
        let width = size.width
        let height = size.height
        let requested = chosen ?? Self.defaultLabelWidth(forWidth: width)
        labelWidth = max(1, min(requested, Self.maximumLabelWidth(forWidth: width)))
        self.statsWidth = max(0, min(statsWidth, width - labelWidth - 11))
        timelineX = min(width - 1, labelWidth + 1 + self.statsWidth)
        timelineWidth = max(1, width - timelineX)

        var top = 0
        headerY = height >= 3 ? 0 : nil
        if headerY != nil { top += 1 }
        rulerY = height >= 4 ? top : nil
        if rulerY != nil { top += 1 }
        var bottom = height
        statusY = height >= 5 ? height - 1 : nil
        if statusY != nil { bottom -= 1 }
        let detailCount = height >= 18 ? 2 : (height >= 9 ? 1 : 0)
        detailYs = (0..<detailCount).map { bottom - detailCount + $0 }
        bottom -= detailCount
        let stripCount = height >= 14 ? 2 : (height >= 11 ? 1 : 0)
        stripYs = (0..<stripCount).map { bottom - stripCount + $0 }
        bottom -= stripCount
        let counterCount = Self.counterStripRows(wanted: counterStrips, available: bottom - top)
        counterStripYs = (0..<counterCount).map { bottom - counterCount + $0 }
        bottom -= counterCount
        rowsY = top
        rowsHeight = max(0, bottom - top)
    }

    /// The time at the left edge of timeline column `column`, for a window.
    @inline(__always)
    public func time(atColumn column: Int, start: Int64, duration: Int64) -> Int64 {
        if column <= 0 { return start }
        let (product, overflow) = duration.multipliedReportingOverflow(by: Int64(column))
        if !overflow { return TimeMath.add(start, product / Int64(timelineWidth)) }
        return TimeMath.add(start, TimeMath.clamp(Double(duration) * Double(column) / Double(timelineWidth)))
    }

    /// The timeline column of `time` (may be outside `0 ..< timelineWidth`).
    public func column(ofTime time: Int64, start: Int64, duration: Int64) -> Int {
        let offset = Double(time) - Double(start)
        let column = (offset * Double(timelineWidth) / Double(max(1, duration))).rounded(.down)
        return Int(max(-1e9, min(1e9, column)))
    }
}
