import LanesModel
import LanesViewer
import Testing

/// Untrusted names, tiny terminals, empty and extreme traces: always something sensible,
/// never a crash, never a raw escape sequence on the screen.
@Suite("Hostile input and edge cases")
struct HostileInputTests {
    /// Every action, for driving a viewer through all of its states.
    static let everyAction: [ViewAction] = [
        .moveDown, .moveUp, .pageDown, .pageUp, .moveToBottom, .moveToTop, .panLeft, .panRight,
        .zoomIn, .zoomIn, .zoomOut, .fitAll, .activate, .activate, .zoomToSelection, .expand, .collapse,
        .nextBlocking, .previousBlocking, .beginSearch, .searchInput("a"), .searchSubmit, .nextMatch,
        .previousMatch, .toggleFindings, .moveDown, .activate, .toggleFindings, .activate, .cancel, .toggleMode,
        .moveDown, .activate, .toggleMode, .toggleRoutes, .activate, .moveDown, .activate, .cycleMode, .cycleMode,
        .widenNames, .widenNames, .narrowNames, .toggleHelp, .cancel, .click(x: 3, y: 3), .scrollDown, .scrollUp,
        .resize(GridSize(width: 20, height: 6)), .moveDown, .zoomIn, .resize(GridSize(width: 200, height: 60)),
    ]

    /// Renders after every action of `everyAction`, checking each frame's shape.
    func exercise(_ trace: Trace, width: Int = 80, height: Int = 24) {
        var viewer = ViewerHarness(trace, width: width, height: height)
        for action in Self.everyAction {
            #expect(viewer.press(action) == .none)
            let grid = viewer.grid
            #expect(grid.cells.count == grid.width * grid.height)
            for cell in grid.cells { #expect(SafeTextTests.isSingleColumn(cell.scalar)) }
        }
    }

    static func hostileTrace() -> Trace {
        var builder = TraceBuilder()
        let task = builder.task(id: 1, name: "\u{1B}]0;pwned\u{7}task")
        let thread = builder.thread(id: 1, name: "thr\u{1B}[2Jead", isExecutor: true)
        let root = builder.addSpan(
            name: builder.intern("\u{1B}[31mred\u{1B}[0m\nnext\u{202E}evil"), kind: .handler,
            begin: 0, end: 1_000_000, task: task, thread: thread)
        builder.addSpan(
            name: builder.intern(String(repeating: "very long name ", count: 40)), kind: .sync, begin: 10, end: 500_000,
            parent: root, task: task, thread: thread, flags: .onExecutor)
        builder.addSpan(name: builder.intern("宽字符😀\u{301}"), kind: .async, begin: 500_000, end: 900_000,
                        parent: root, task: task, thread: thread)
        builder.addAttribute(to: root, key: "k\u{1B}", value: "v\u{9B}31m")
        return builder.build()
    }

    @Test("escape sequences in names are shown escaped, never raw")
    func escapes() {
        var viewer = ViewerHarness(Self.hostileTrace(), width: 120, height: 30)
        let text = viewer.grid.text
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B || $0.value == 0x202E })
        #expect(text.contains("\\e[31mred\\e[0m\\nnext\\u{202E}evil"))
        #expect(text.contains("…"))
        #expect(text.contains("\\u{5BBD}"))
        viewer.press(.moveDown, .moveDown)
        #expect(!viewer.grid.text.unicodeScalars.contains { $0.value == 0x1B })
        viewer.press(.moveToTop, .toggleMode)
        #expect(viewer.grid.text.contains("thr\\e[2Jead"))
        let ansi = viewer.grid.ansiText
        // Only the renderer's own colour sequences: ESC always followed by "[" and digits then "m".
        var scalars = Array(ansi.unicodeScalars)[...]
        while let escape = scalars.firstIndex(of: "\u{1B}") {
            let rest = scalars[(escape + 1)...]
            let end = rest.firstIndex(of: "m") ?? rest.endIndex
            #expect(rest.first == "[")
            #expect(rest[rest.startIndex..<end].dropFirst().allSatisfy { $0 == ";" || ("0"..."9").contains($0) })
            scalars = rest
        }
        exercise(Self.hostileTrace())
    }

    @Test("an empty trace renders a frame that says so, and every key works")
    func empty() {
        let viewer = ViewerHarness(Trace.empty, width: 80, height: 24)
        let lines = viewer.lines
        #expect(lines[0].contains("0 findings") && lines[0].contains("jobs: no task states"))
        #expect(lines[2].contains("(no spans)"))
        exercise(Trace.empty)
        exercise(Trace.empty, width: 20, height: 6)
    }

    @Test("one span of zero length is drawn as one instant")
    func zeroLength() {
        var builder = TraceBuilder()
        let task = builder.task(id: 1, name: "only")
        builder.addSpan(name: builder.intern("blink"), kind: .async, begin: 5_000, end: 5_000, task: task)
        let trace = builder.build()
        let viewer = ViewerHarness(trace, width: 60, height: 12)
        let row = viewer.lines[2]
        #expect(row.contains("blink"))
        #expect(row.contains("▏"))
        #expect(viewer.lines[0].contains("wall 0s"))
        exercise(trace)
    }

    @Test("a trace spanning days labels the ruler in days and hours")
    func daysLong() {
        let day: Int64 = 86_400_000_000_000
        var builder = TraceBuilder()
        let task = builder.task(id: 1, name: "batch")
        let root = builder.addSpan(name: builder.intern("nightly"), kind: .handler, begin: 0, end: 3 * day, task: task)
        for index in 0..<300 {
            let begin = Int64(index) * day / 100
            builder.addSpan(name: builder.intern("step"), kind: .sync, begin: begin, end: begin + 1_000_000,
                            parent: root, task: task)
        }
        let trace = builder.build()
        var viewer = ViewerHarness(trace, width: 120, height: 30)
        #expect(viewer.lines[0].contains("wall 3.00d"))
        #expect(viewer.lines[1].contains("1d"))
        viewer.press(.activate)  // the root has children: unfold shows "step ×300"
        #expect(viewer.lines.contains { $0.contains("step ×300") })
        for _ in 0..<12 { viewer.press(.zoomIn) }
        #expect(viewer.lines[1].contains("h") || viewer.lines[1].contains("m"))
        exercise(trace)
    }

    @Test("timestamps near the ends of Int64 neither overflow nor hang")
    func extremeTimes() {
        // (TraceBuilder itself cannot hold one span from Int64.min to Int64.max: its duration overflows.)
        let edge: Int64 = 4_000_000_000_000_000_000
        var builder = TraceBuilder()
        let task = builder.task(id: 1, name: "x")
        let other = builder.task(id: 2, name: "y")
        builder.addSpan(name: builder.intern("early"), kind: .sync, begin: .min, end: .min + 10, task: task)
        builder.addSpan(name: builder.intern("late"), kind: .sync, begin: .max - 10, end: .max, task: other)
        builder.addSpan(name: builder.intern("wide"), kind: .async, begin: -edge, end: edge, task: other)
        exercise(builder.build(), width: 120, height: 30)
    }

    @Test("a 20×6 screen and absurd sizes render without trapping", arguments: [(20, 6), (1, 1), (3, 2), (10, 3), (4096, 2), (100_000, -5)])
    func tinyAndAbsurd(width: Int, height: Int) {
        let viewer = ViewerHarness(SeedLikeTrace.build(.naive), width: width, height: height)
        let grid = viewer.grid
        #expect(grid.width == min(max(width, 1), 4096))
        #expect(grid.height == min(max(height, 1), 2048))
    }

    @Test("spans narrower than a cell merge into one cell that counts them")
    func mergedCounts() {
        var builder = TraceBuilder()
        let task = builder.task(id: 1, name: "burst")
        let thread = builder.thread(id: 1, name: "main")
        let root = builder.addSpan(name: builder.intern("burst"), kind: .async, begin: 0, end: 1_000_000, task: task, thread: thread)
        // 3 spans in the first 1% and 40 in the last 1% of the trace.
        for index in 0..<3 {
            builder.addSpan(name: builder.intern("io"), kind: .async, begin: Int64(index) * 100, end: Int64(index) * 100 + 50,
                            parent: root, task: task, thread: thread)
        }
        for index in 0..<40 {
            let begin = 990_000 + Int64(index) * 200
            builder.addSpan(name: builder.intern("io"), kind: .async, begin: begin, end: begin + 100,
                            parent: root, task: task, thread: thread)
        }
        var viewer = ViewerHarness(builder.build(), width: 100, height: 12)
        viewer.press(.activate)
        let row = viewer.lines.first { $0.contains("io ×43") }
        #expect(row != nil)
        if let row {
            let bar = row.split(separator: "│", maxSplits: 1).last.map(String.init) ?? ""
            #expect(bar.first == "3")
            #expect(bar.last == "+")
        }
    }
}
