import LanesModel
import LanesViewer
import Testing

/// Whole screens compared with plain-text files in `Golden/` (regenerate with
/// `LANES_UPDATE_GOLDEN=1 swift test --filter LanesViewerTests`).
@Suite("Golden screens")
struct ViewerGoldenTests {
    static let sizes = [(120, 40), (80, 24)]

    @Test("seed-like naive trace, by task", arguments: sizes)
    func naiveByTask(width: Int, height: Int) throws {
        let harness = ViewerHarness(SeedLikeTrace.build(.naive), width: width, height: height)
        try GoldenScreen.expect(harness.grid, matches: "seed-like-naive-tasks-\(width)x\(height)")
    }

    @Test("seed-like naive trace, by thread", arguments: sizes)
    func naiveByThread(width: Int, height: Int) throws {
        var harness = ViewerHarness(SeedLikeTrace.build(.naive), width: width, height: height)
        harness.press(.toggleMode)
        try GoldenScreen.expect(harness.grid, matches: "seed-like-naive-threads-\(width)x\(height)")
    }

    @Test("seed-like improved trace, by task and by thread", arguments: sizes)
    func improved(width: Int, height: Int) throws {
        var harness = ViewerHarness(SeedLikeTrace.build(.improved), title: "seed-improved.lanes", width: width, height: height)
        try GoldenScreen.expect(harness.grid, matches: "seed-like-improved-tasks-\(width)x\(height)")
        harness.press(.toggleMode)
        try GoldenScreen.expect(harness.grid, matches: "seed-like-improved-threads-\(width)x\(height)")
    }

    @Test("ASCII glyphs for a terminal without UTF-8")
    func ascii() throws {
        let harness = ViewerHarness(SeedLikeTrace.build(.naive), width: 80, height: 24, theme: .ascii)
        let grid = harness.grid
        for cell in grid.cells { #expect(cell.scalar.isASCII) }
        try GoldenScreen.expect(grid, matches: "seed-like-naive-ascii-80x24")
    }

    @Test("a 20×6 terminal still shows the header, the tree and a bar")
    func tiny() throws {
        let harness = ViewerHarness(SeedLikeTrace.build(.naive), width: 20, height: 6)
        let lines = harness.lines
        #expect(lines.count == 6)
        #expect(lines[0].hasPrefix(" seed-naive"))
        #expect(lines[2].contains("▾"))
        try GoldenScreen.expect(harness.grid, matches: "seed-like-naive-20x6")
    }

    @Test("help overlay lists the keys")
    func help() throws {
        var harness = ViewerHarness(SeedLikeTrace.build(.naive), width: 80, height: 24)
        harness.press(.toggleHelp)
        try GoldenScreen.expect(harness.grid, matches: "seed-like-naive-help-80x24")
    }

    @Test("the heartbeat's ticks unfold into one row with merged counts")
    func groupedTicks() throws {
        var harness = ViewerHarness(SeedLikeTrace.build(.naive), width: 120, height: 40)
        harness.state.expandedSpans = []
        harness.press(.fitAll, .moveToBottom, .activate)
        try GoldenScreen.expect(harness.grid, matches: "seed-like-naive-ticks-120x40")
    }
}
