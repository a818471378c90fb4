import Foundation
import LanesAnalysis
import LanesModel
import LanesViewer
import Testing

/// What the viewer says about where its data came from and what it cannot know: the job source
/// in the header, no "running" without task states, and blocking findings with the function,
/// `file:line` and state the watchdog's samples give (as `lanes summary` names them).
@Suite("Job source, unrecorded states and blocking sites")
struct JobSourceTests {
    /// An asyncio trace: task steps on the event loop.
    static func asyncioTrace() -> Trace {
        var metadata = TraceMetadata(sourceFormat: "chrome")
        metadata.runtime = .asyncio
        var builder = TraceBuilder(metadata: metadata)
        let loop = builder.thread(id: 1, name: "MainThread", isExecutor: true)
        let task = builder.task(id: 1, name: "fetch")
        builder.addSpan(name: builder.intern("fetch"), kind: .async, begin: 0, end: 4_000_000, task: task, thread: loop)
        builder.addSlice(task: task, thread: loop, enqueued: 0, started: 0, ended: 1_000_000)
        return builder.build()
    }

    @Test("the header says where the jobs came from", arguments: [
        ("global executor", 0), ("withTaskStates", 1), ("no task states", 2), ("asyncio event loop", 3),
    ])
    func header(expected: String, variant: Int) {
        let trace = [SampledBlockingTrace.build(), SeedLikeTrace.build(.naive), SeedLikeTrace.build(.naive, taskStates: false),
                     Self.asyncioTrace()][variant]
        #expect(JobSource(trace: trace).name == expected)
        let header = ViewerHarness(trace, width: 120, height: 30).lines[0]
        #expect(header.contains("jobs: " + expected), "\(header)")
        // Queued time is only claimed where jobs say it.
        #expect(header.contains("queued ") == (variant != 2), "\(header)")
    }

    /// The timeline part of the row whose name column starts with `name` (after tree lines).
    static func bar(of name: String, in harness: ViewerHarness) -> String? {
        let separator = harness.state.layout.labelWidth
        guard let line = harness.lines.dropFirst(2).first(where: { line in
            let label = String(line.prefix(separator)).trimmingCharacters(in: CharacterSet(charactersIn: " ›├└│▾▸"))
            return label.hasPrefix(name)
        }) else { return nil }
        return String(line.unicodeScalars.dropFirst(separator + 1).map(Character.init))
    }

    @Test("without task states an await is never drawn as running; with them it is suspended")
    func awaitsWithoutStates() throws {
        // The viewer opens with the first handler unfolded: its awaits and waits are rows.
        var without = ViewerHarness(SeedLikeTrace.build(.naive, taskStates: false), width: 120, height: 40)
        let awaitBar = try #require(Self.bar(of: "await_for(2)", in: without), "\(without.lines.joined(separator: "\n"))")
        #expect(awaitBar.contains("━"))
        #expect(!awaitBar.contains("█") && !awaitBar.contains("░"), "\(awaitBar)")
        // Synchronous work on an executor thread still shows: it held the thread.
        let waitBar = try #require(Self.bar(of: "wait_for(3)", in: without))
        #expect(waitBar.contains("▓") && !waitBar.contains("━"))
        try GoldenScreen.expect(without.grid, matches: "seed-like-naive-no-states-120x40")
        // The details say so.
        without.press(.moveDown, .moveDown)
        #expect(without.lines.contains { $0.contains("running or suspended: not recorded (no task states)") },
                "\(without.lines.joined(separator: "\n"))")

        let with = ViewerHarness(SeedLikeTrace.build(.naive), width: 120, height: 40)
        let suspended = try #require(Self.bar(of: "await_for(2)", in: with))
        #expect(suspended.contains("░") && !suspended.contains("━"))
    }

    @Test("ASCII: without task states an await is '='")
    func asciiWithoutStates() throws {
        let harness = ViewerHarness(SeedLikeTrace.build(.naive, taskStates: false), width: 80, height: 24, theme: .ascii)
        #expect(harness.lines.contains { $0.contains("===") })
        try GoldenScreen.expect(harness.grid, matches: "seed-like-naive-no-states-ascii-80x24")
    }

    @Test("a blocking span's details name the function, file:line and state from the samples")
    func blockingSpanDetails() throws {
        var harness = ViewerHarness(SampledBlockingTrace.build(), title: "server.lanes", width: 120, height: 30)
        harness.press(.beginSearch)
        harness.type("render")
        harness.press(.searchSubmit)
        #expect(harness.state.selection?.span.map { harness.document.trace.name(ofSpan: Int($0)) } == "render")
        harness.press(.moveUp, .moveDown)  // the search's message gives the bottom line back
        let screen = harness.lines.joined(separator: "\n")
        #expect(screen.contains("held the thread in Report.render() at Report.swift:42, computing"), "\(screen)")
        // The bottom line is the span's own finding, as the summary words it.
        #expect(harness.lines.last?.contains("render (Report.render() at Report.swift:42) held executor thread") == true, "\(screen)")
        try GoldenScreen.expect(harness.grid, matches: "sampled-blocking-render-120x30")
    }

    @Test("the findings list names each site's function, file:line, count, state and the wait it caused", arguments: [(120, 30), (80, 24)])
    func findingsList(width: Int, height: Int) throws {
        let trace = SampledBlockingTrace.build()
        var harness = ViewerHarness(trace, title: "server.lanes", width: width, height: height)
        harness.press(.toggleFindings)
        // Largest total first: the three 50 ms sleeps (150 ms) before the 100 ms computation.
        let groups = harness.state.findingGroups
        try #require(groups.count == 2)
        #expect(groups[0].site == "db.query (LegacyDB.query(_:) at LegacyDB.swift:17)" && groups[0].findings.count == 3)
        #expect(groups[0].state == .sleepingOrWaiting)
        #expect(groups[1].site == "render (Report.render() at Report.swift:42)" && groups[1].state == .computing)
        // The viewer and the summary group alike and say the same state.
        let summary = TraceSummary(analysis: TraceAnalysis(trace: trace))
        #expect(summary.findingGroups.map(\.count) == groups.map(\.findings.count))
        #expect(summary.findingGroups.map(\.state) == groups.map(\.state))
        let screen = harness.lines.joined(separator: "\n")
        #expect(screen.contains("blocking-call at db.query (LegacyDB.query(_:) at LegacyDB.swift:17)  ×3"), "\(screen)")
        #expect(screen.contains("sleeping or waiting  ready jobs waited 37.0ms meanwhile"), "\(screen)")
        if width >= 120 {
            harness.press(.moveDown)
            let next = harness.lines.joined(separator: "\n")
            #expect(next.contains("blocking-call at render (Report.render() at Report.swift:42)"), "\(next)")
            #expect(next.contains("for 100ms (computing)"), "\(next)")
        }
        try GoldenScreen.expect(harness.grid, matches: "sampled-blocking-findings-\(width)x\(height)")
    }
}
