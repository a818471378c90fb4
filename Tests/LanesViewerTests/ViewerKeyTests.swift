import LanesModel
import LanesViewer
import Testing

/// Key sequences checked on the rendered screen, the way a user sees them.
@Suite("Key sequences")
struct ViewerKeyTests {
    func harness(width: Int = 120, height: Int = 40) -> ViewerHarness {
        ViewerHarness(SeedLikeTrace.build(.naive), width: width, height: height)
    }

    /// The line holding the selection pointer.
    func selectedLine(_ lines: [String]) -> String? { lines.first { $0.hasPrefix("›") } }

    @Test("+ zooms in around the selection and the ruler shows finer ticks; 0 fits again")
    func zoom() {
        var viewer = harness()
        let before = viewer.lines[1]
        let full = viewer.state.windowDuration
        viewer.press(.zoomIn)
        #expect(viewer.state.windowDuration == full / 2)
        viewer.press(.zoomIn, .zoomIn)
        #expect(viewer.state.windowDuration == full / 8)
        let zoomed = viewer.lines[1]
        #expect(zoomed != before)
        #expect(zoomed.contains("0.85s"))  // ticks every 50 ms instead of 200 ms
        viewer.press(.zoomOut)
        #expect(viewer.state.windowDuration == full / 4)
        viewer.press(.fitAll)
        #expect(viewer.lines[1] == before)
    }

    @Test("zooming in as far as it goes stops at one nanosecond per column and says so")
    func deepestZoom() {
        var viewer = harness()
        for _ in 0..<80 { viewer.press(.zoomIn) }
        #expect(viewer.state.windowDuration == Int64(viewer.state.layout.timelineWidth))
        #expect(viewer.state.message?.contains("deepest zoom") == true)
        #expect(viewer.lines[1].contains("s"))
    }

    @Test("panning right then left moves the ruler and comes back")
    func pan() {
        var viewer = harness()
        viewer.press(.zoomIn, .zoomIn)
        let start = viewer.state.windowStart
        let ruler = viewer.lines[1]
        viewer.press(.panRight)
        #expect(viewer.state.windowStart > start)
        #expect(viewer.lines[1] != ruler)
        viewer.press(.panLeft)
        #expect(viewer.state.windowStart == start)
        #expect(viewer.lines[1] == ruler)
        for _ in 0..<100 { viewer.press(.panLeft) }
        #expect(viewer.state.windowStart == viewer.document.trace.startTime)
    }

    @Test("Enter folds the first handler and unfolds it again")
    func fold() {
        var viewer = harness()
        #expect(viewer.lines[3].contains("wait_for(3)"))
        viewer.press(.activate)
        let folded = viewer.lines
        #expect(folded[2].contains("▸ on_message \"alice\""))
        #expect(folded[3].contains("on_message \"bob\""))
        viewer.press(.activate)
        #expect(viewer.lines[2].contains("▾ on_message \"alice\""))
        #expect(viewer.lines[3].contains("wait_for(3)"))
    }

    @Test("moving down then Enter on a leaf zooms to that span")
    func zoomToLeaf() {
        var viewer = harness()
        viewer.press(.moveDown, .moveDown, .moveDown, .moveDown)
        #expect(selectedLine(viewer.lines)?.contains("wait_for(7)") == true)
        viewer.press(.activate)
        let span = viewer.state.selection?.span.map(Int.init)
        let trace = viewer.document.trace
        #expect(span.map { trace.name(ofSpan: $0) } == "wait_for(7)")
        if let span {
            #expect(viewer.state.windowStart <= trace.spanBegin[span])
            #expect(viewer.state.windowEnd >= trace.spanEnd[span])
            #expect(viewer.state.windowDuration < trace.duration(ofSpan: span) * 2)
        }
    }

    @Test("/ carol Enter selects carol's handler; n cycles; no match says so")
    func search() {
        var viewer = harness()
        viewer.press(.beginSearch)
        viewer.type("carol")
        #expect(viewer.lines.last?.hasPrefix("/carol") == true)
        viewer.press(.searchSubmit)
        #expect(selectedLine(viewer.lines)?.contains("on_message \"carol\"") == true)
        #expect(viewer.lines.last?.contains("1 spans match") == true)
        viewer.press(.beginSearch)
        viewer.type("wait_for(7")
        viewer.press(.searchSubmit)
        #expect(viewer.state.searchMatches.count == 3)
        let first = viewer.state.selectedRow
        viewer.press(.nextMatch)
        #expect(viewer.state.selectedRow != first)
        #expect(selectedLine(viewer.lines)?.contains("wait_for(7)") == true)
        viewer.press(.previousMatch)
        #expect(viewer.state.selectedRow == first)
        viewer.press(.beginSearch)
        viewer.type("zebra")
        viewer.press(.searchSubmit)
        #expect(viewer.lines.last?.contains("no span matches \"zebra\"") == true)
    }

    @Test("Escape cancels a search without moving")
    func searchCancel() {
        var viewer = harness()
        viewer.press(.moveDown)
        viewer.press(.beginSearch)
        viewer.type("bob")
        viewer.press(.searchBackspace, .searchCancel)
        #expect(viewer.state.input == .normal)
        #expect(viewer.state.selectedRow == 1)
    }

    @Test("b jumps from blocking span to blocking span, unfolding the lane; B goes back")
    func jumpToBlocking() {
        var viewer = harness()
        viewer.press(.nextBlocking)
        #expect(selectedLine(viewer.lines)?.contains("wait_for(3)") == true)
        let firstRow = viewer.state.selectedRow
        viewer.press(.nextBlocking)
        // bob's wait_for(3) begins at the same time: bob is unfolded to show it.
        #expect(selectedLine(viewer.lines)?.contains("wait_for(3)") == true)
        #expect(viewer.state.selectedRow > firstRow)
        #expect(viewer.lines.contains { $0.contains("▾ on_message \"bob\"") })
        viewer.press(.previousBlocking)
        #expect(viewer.state.selectedRow == firstRow)
        #expect(viewer.lines.last?.contains("blocking span 1 of") == true)
    }

    @Test("? opens the help overlay and any key closes it")
    func help() {
        var viewer = harness()
        viewer.press(.toggleHelp)
        #expect(viewer.lines.contains { $0.contains("Lanes keys") })
        #expect(viewer.lines.contains { $0.contains("next / previous blocking span") })
        viewer.press(.moveDown)
        #expect(!viewer.lines.contains { $0.contains("Lanes keys") })
        #expect(viewer.state.selectedRow == 0)
    }

    @Test("t shows threads with the tasks that held them, and back")
    func threads() {
        var viewer = harness()
        viewer.press(.toggleMode)
        let lines = viewer.lines
        #expect(lines[1].hasPrefix(" thread"))
        #expect(lines[2].contains("executor 1"))
        #expect(lines[2].contains("on_message \"alice\""))
        viewer.press(.toggleMode)
        #expect(viewer.lines[1].hasPrefix(" task / span"))
    }

    @Test("f lists the findings by rule and site, most costly first; Enter jumps to the span; Esc goes back")
    func findingsList() {
        var viewer = harness()
        viewer.press(.toggleFindings)
        #expect(viewer.state.mode == .findings)
        #expect(viewer.lines[0].contains("findings by cost"))
        let groups = viewer.state.findingGroups
        #expect(!groups.isEmpty)
        #expect(groups.map(\.totalCostNanoseconds) == groups.map(\.totalCostNanoseconds).sorted(by: >))
        // Each group is one rule at one site; the rows are the groups.
        #expect(Set(groups.map { $0.rule.rawValue + " " + $0.site }).count == groups.count)
        #expect(viewer.state.rows.count == groups.count)
        // Unfold the first group of several and jump to its largest finding.
        guard let index = viewer.state.rows.firstIndex(where: { if case .findingGroup = $0.content { return true } else { return false } }) else {
            Issue.record("no group of several findings")
            return
        }
        viewer.state.selectedRow = index
        viewer.press(.activate)
        #expect(viewer.state.rows.count > groups.count)
        viewer.press(.moveDown)
        guard case .finding(let finding) = viewer.state.selection?.content else {
            Issue.record("the row under an unfolded group is not a finding")
            return
        }
        let span = viewer.document.analysis.findings[Int(finding)].span
        viewer.press(.activate)
        #expect(viewer.state.mode == .tasks)
        #expect(viewer.state.selection?.span == span)
        // Back into the list, and out with Esc.
        viewer.press(.toggleFindings)
        #expect(viewer.state.mode == .findings)
        viewer.press(.cancel)
        #expect(viewer.state.mode == .tasks)
        #expect(!viewer.lines[0].contains("findings by cost"))
    }

    @Test("the bottom line belongs to the selected row")
    func bottomLine() {
        var viewer = harness()
        // A handler row has no finding of its own: its bottom line says so instead of showing another span's.
        viewer.press(.moveToTop)
        let handler = viewer.state.selection?.span
        #expect(handler.map { viewer.document.analysis.findings(forSpan: Int($0)).isEmpty } == true)
        #expect(viewer.lines.last?.contains("no finding on this row") == true)
        // wait_for(3) has a blocking-call finding: its own line shows it.
        viewer.press(.moveDown)
        #expect(viewer.lines.last?.contains("blocking-call") == true)
        #expect(viewer.lines.last?.contains("wait_for(3)") == true)
    }

    @Test("< and > resize the name column; the default follows the terminal's width")
    func nameColumn() {
        var viewer = harness(width: 80, height: 24)
        let initial = viewer.state.layout.labelWidth
        // The default fits the names the viewer opens on (`on_message "carol"` and its duration).
        #expect(viewer.lines.contains { $0.contains("on_message \"carol\"") })
        #expect(initial <= 80 * 2 / 5)
        viewer.press(.widenNames)
        #expect(viewer.state.layout.labelWidth == initial + 4)
        viewer.press(.narrowNames, .narrowNames)
        #expect(viewer.state.layout.labelWidth == initial - 4)
        for _ in 0..<40 { viewer.press(.narrowNames) }
        #expect(viewer.state.layout.labelWidth == 8)
        for _ in 0..<40 { viewer.press(.widenNames) }
        #expect(viewer.state.layout.labelWidth == ViewLayout.maximumLabelWidth(forWidth: 80))
        #expect(viewer.state.layout.timelineWidth >= 10)
        #expect(ViewLayout.defaultLabelWidth(forWidth: 200) > ViewLayout.defaultLabelWidth(forWidth: 80))
    }

    @Test("a click selects the row under the mouse; the wheel scrolls")
    func mouse() {
        var viewer = harness(width: 80, height: 12)
        viewer.press(.click(x: 5, y: 4))
        #expect(viewer.state.selectedRow == 2)
        #expect(selectedLine(viewer.lines)?.contains("await_for") == true)
        viewer.press(.click(x: 5, y: 0))
        #expect(viewer.state.selectedRow == 2)
        viewer.press(.scrollDown)
        #expect(viewer.state.firstRow > 0)
        viewer.press(.scrollUp)
        #expect(viewer.state.firstRow == 0)
    }

    @Test("the selection stays on screen when moving past the bottom")
    func scrollWithSelection() {
        var viewer = harness(width: 80, height: 10)
        for _ in 0..<8 { viewer.press(.moveDown) }
        #expect(viewer.state.selectedRow == 8)
        #expect(selectedLine(viewer.lines)?.contains("heartbeat") == true)
        viewer.press(.moveToTop)
        #expect(viewer.state.firstRow == 0)
    }

    @Test("a resize re-lays the screen out")
    func resize() {
        var viewer = harness()
        viewer.press(.resize(GridSize(width: 60, height: 15)))
        #expect(viewer.lines.count == 15)
        #expect(viewer.grid.width == 60)
    }

    @Test("q quits, also from the help overlay and the search prompt")
    func quit() {
        var viewer = harness()
        #expect(viewer.press(.quit) == .quit)
        viewer.press(.toggleHelp)
        #expect(viewer.press(.quit) == .quit)
        viewer.press(.beginSearch)
        #expect(viewer.press(.quit) == .quit)
    }

    @Test("keys map to actions the way terminal users expect", arguments: [
        (KeyPress.character("j"), ViewAction.moveDown), (.down, .moveDown), (.character("k"), .moveUp),
        (.character("h"), .panLeft), (.right, .panRight), (.character("+"), .zoomIn),
        (.character("-"), .zoomOut), (.character("0"), .fitAll), (.enter, .activate),
        (.character("/"), .beginSearch), (.character("n"), .nextMatch), (.character("N"), .previousMatch),
        (.character("b"), .nextBlocking), (.character("B"), .previousBlocking), (.character("?"), .toggleHelp),
        (.character("q"), .quit), (.character("\u{3}"), .quit), (.tab, .cycleMode), (.character("f"), .toggleFindings),
        (.character("t"), .toggleMode), (.character("r"), .toggleRoutes), (.character("<"), .narrowNames), (.character(">"), .widenNames),
    ])
    func keyMap(key: KeyPress, action: ViewAction) {
        #expect(KeyMap.action(for: key, input: .normal) == action)
    }

    @Test("while searching, letters are typed, not commands")
    func keyMapSearch() {
        #expect(KeyMap.action(for: .character("q"), input: .search("")) == .searchInput("q"))
        #expect(KeyMap.action(for: .enter, input: .search("x")) == .searchSubmit)
        #expect(KeyMap.action(for: .escape, input: .search("x")) == .searchCancel)
        #expect(KeyMap.action(for: .backspace, input: .search("x")) == .searchBackspace)
        #expect(KeyMap.action(for: .character("\u{1}"), input: .search("x")) == nil)
    }
}
