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

    /// The layout for `size`, with rows for up to `counterStrips` counter strips where the lanes
    /// keep room (see `counterStripRows`).
    public init(size: GridSize, counterStrips: Int = 0) {
        self.size = size
        let width = size.width
        let height = size.height
        labelWidth = width >= 60 ? min(40, max(24, width / 4)) : max(1, width / 2)
        timelineX = min(width - 1, labelWidth + 1)
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
