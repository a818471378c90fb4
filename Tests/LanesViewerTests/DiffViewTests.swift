import LanesAnalysis
import LanesModel
import LanesViewer
import Testing

/// `lanes view A --diff B`: golden screens and keys.
@Suite("Diff view")
struct DiffViewTests {
    static func state(
        _ a: Trace = SeedLikeTrace.build(.naive), _ b: Trace = SeedLikeTrace.build(.improved),
        width: Int = 120, height: Int = 40, theme: Theme = .utf8
    ) -> DiffViewState {
        let documentA = ViewerDocument(trace: a, analysis: TraceAnalysis(trace: a), title: "seed-naive.lanes")
        let documentB = ViewerDocument(trace: b, analysis: TraceAnalysis(trace: b), title: "seed-improved.lanes")
        return DiffViewState(a: documentA, b: documentB, size: GridSize(width: width, height: height), theme: theme)
    }

    static func lines(_ state: DiffViewState) -> [String] { DiffRenderer.render(state, size: state.size).lines }

    @Test("naive over improved, golden", arguments: [(120, 40), (80, 24)])
    func golden(width: Int, height: Int) throws {
        let state = Self.state(width: width, height: height)
        try GoldenScreen.expect(DiffRenderer.render(state, size: state.size), matches: "diff-seed-like-\(width)x\(height)")
    }

    @Test("ASCII diff, golden")
    func ascii() throws {
        let state = Self.state(width: 80, height: 24, theme: .ascii)
        let grid = DiffRenderer.render(state, size: state.size)
        for cell in grid.cells { #expect(cell.scalar.isASCII) }
        try GoldenScreen.expect(grid, matches: "diff-seed-like-ascii-80x24")
    }

    @Test("each matched row shows A over B with the change; the header has the verdict")
    func aOverB() {
        let lines = Self.lines(Self.state())
        #expect(lines[0].contains("wall 2.70s → 1.50s (−44%)"))
        let alice = lines.firstIndex { $0.contains("on_message \"alice\"") && $0.contains("A 1.80s") }
        #expect(alice != nil)
        if let alice {
            #expect(lines[alice + 1].contains("−600ms −33%"))
            #expect(lines[alice + 1].contains("B 1.20s"))
        }
        #expect(lines.contains { $0.contains("only in B") })
        #expect(lines.last?.contains("B is faster: wall 2.70s → 1.50s") == true)
    }

    @Test("a trace against itself changes nothing")
    func selfDiff() {
        let trace = SeedLikeTrace.build(.naive)
        var state = Self.state(trace, trace)
        #expect(state.diff.isUnchanged)
        for _ in 0..<4 { _ = state.update(.moveDown) }
        _ = state.update(.expand)
        let lines = Self.lines(state)
        #expect(!lines.contains { $0.contains("only in") })
        #expect(!lines.contains { $0.contains("−") && $0.contains("%") })
        #expect(lines.last?.contains("no change") == true)
    }

    @Test("s sorts by change, largest first, and back by time")
    func sort() {
        var state = Self.state()
        _ = state.update(.activate)  // fold alice: only the roots are listed
        let byTime = state.rows.map(\.row)
        _ = state.update(.toggleSort)
        #expect(state.sortByDelta)
        let changes = state.rows.map { row -> Int64 in
            let entry = state.diff.rows[Int(row.row)]
            return entry.isMatched ? abs(entry.delta) : max(entry.durationA, entry.durationB)
        }
        #expect(changes == changes.sorted(by: >))
        #expect(state.rows.map(\.row) != byTime)
        #expect(Self.lines(state).last?.contains("sorted by change") == true)
        _ = state.update(.toggleSort)
        #expect(state.rows.map(\.row) == byTime)
    }

    @Test("a aligns the runs at the selected span; a span in one run only is refused with a message")
    func alignAtSelection() throws {
        var state = Self.state()
        let initial = state.alignmentOffset
        #expect(initial == state.diff.alignmentOffset)
        // Shift B away, select a matched span, press a: B's begin of that span is drawn under A's.
        state.alignmentOffset = initial + 123_456_789
        var aligned = false
        for _ in 0..<state.rows.count {
            _ = state.update(.moveDown)
            guard let row = state.selection else { break }
            let entry = state.diff.rows[Int(row.row)]
            guard entry.spanA >= 0, entry.spanB >= 0, state.a.trace.parent(ofSpan: Int(entry.spanA)) != nil else { continue }
            _ = state.update(.alignAtSelection)
            #expect(state.alignmentOffset == state.b.trace.spanBegin[Int(entry.spanB)] - state.a.trace.spanBegin[Int(entry.spanA)])
            #expect(state.message?.hasPrefix("aligned at") == true)
            aligned = true
            break
        }
        #expect(aligned, "the seed-like runs have a matched child span")

        var onlyInOne = Self.state()
        let diffRows = onlyInOne.diff.rows
        let lonelyIndex = onlyInOne.rows.firstIndex { diffRows[Int($0.row)].spanA < 0 || diffRows[Int($0.row)].spanB < 0 }
        let lonely = try #require(lonelyIndex, "a row found in one run only is on screen")
        onlyInOne.selectedRow = lonely
        _ = onlyInOne.update(.alignAtSelection)
        #expect(onlyInOne.alignmentOffset == onlyInOne.diff.alignmentOffset)
        #expect(onlyInOne.message?.contains("found in both runs") == true)
    }

    @Test("align(atSpanNamed:) finds a span by name or path in both runs")
    func alignByName() {
        var state = Self.state()
        let found = state.align(atSpanNamed: "wait_for(3)")
        #expect(found)
        #expect(state.message?.contains("wait_for(3)") == true)
        let offset = state.alignmentOffset
        let missing = state.align(atSpanNamed: "no such span")
        #expect(!missing)
        #expect(state.alignmentOffset == offset)
    }

    @Test("zoom, pan, fit, fold and help work as in the normal view")
    func keys() {
        var state = Self.state()
        let full = state.windowDuration
        _ = state.update(.zoomIn)
        #expect(state.windowDuration == full / 2)
        _ = state.update(.panRight)
        _ = state.update(.fitAll)
        #expect(state.windowDuration == full)
        let before = state.rows.count
        _ = state.update(.activate)
        #expect(state.rows.count < before)
        _ = state.update(.toggleHelp)
        #expect(Self.lines(state).contains { $0.contains("Lanes keys") })
        _ = state.update(.cancel)
        #expect(!Self.lines(state).contains { $0.contains("Lanes keys") })
        #expect(state.update(.quit) == .quit)
    }

    @Test("/ finds spans of either run and unfolds to them; b walks blocking spans")
    func searchAndBlocking() {
        var state = Self.state()
        _ = state.update(.activate)  // fold everything
        _ = state.update(.beginSearch)
        for character in "run_sync" { _ = state.update(.searchInput(character)) }
        _ = state.update(.searchSubmit)
        #expect(state.searchMatches.count == 3)
        let selected = state.selection.map { state.diff.rows[Int($0.row)] }
        #expect(selected?.spanA == -1)
        #expect(Self.lines(state).first { $0.hasPrefix("›") }?.contains("run_sync") == true)
        _ = state.update(.nextBlocking)
        let row = state.selection.map { state.diff.rows[Int($0.row)] }
        #expect(row.map { $0.spanA >= 0 ? state.a.analysis.isBlocking(span: Int($0.spanA)) : state.b.analysis.isBlocking(span: Int($0.spanB)) } == true)
    }

    @Test("an empty run against a real one, and tiny screens, render without trapping")
    func edges() {
        for (width, height) in [(20, 6), (1, 1), (60, 10)] {
            var state = Self.state(Trace.empty, SeedLikeTrace.build(.improved), width: width, height: height)
            for action in HostileInputTests.everyAction { _ = state.update(action) }
            let grid = DiffRenderer.render(state, size: state.size)
            #expect(grid.cells.count == grid.width * grid.height)
        }
    }
}
