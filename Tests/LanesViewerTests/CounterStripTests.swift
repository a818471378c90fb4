import LanesFormat
import LanesModel
import LanesViewer
import Testing

/// Counter series (Chrome `C` events) drawn as strips under the timeline.
@Suite("Counter strips")
struct CounterStripTests {
    static let fixture = GoldenScreen.folder + "/../../LanesFormatTests/Fixtures/third-party/viztracer-counters.json"

    /// One lane 0–800 ms and a counter stepping 0 → 4 → 8 → 2 every 200 ms.
    static func steppedTrace() -> Trace {
        var builder = TraceBuilder()
        let thread = builder.thread(id: 1, name: "main")
        let task = builder.task(id: 1, name: "main")
        builder.addSpan(name: builder.intern("serve"), kind: .unknown, begin: 0, end: 800_000_000, task: task, thread: thread)
        for (step, value) in [0.0, 4, 8, 2].enumerated() {
            builder.addCounterSample(name: "queue", key: "length", time: Int64(step) * 200_000_000, value: value)
        }
        return builder.build()
    }

    @Test("each column shows the largest value under it, as a bar from the floor")
    func levels() throws {
        let harness = ViewerHarness(Self.steppedTrace(), title: "counters.json", width: 60, height: 24)
        let row = try #require(harness.lines.first { $0.hasPrefix(" queue length 8 ") })
        let separator = try #require(row.firstIndex(of: "│"))
        let cells = String(row[row.index(after: separator)...])
        // 0 for the first quarter (blank), then half, full, a quarter: a column on a step
        // shows the larger side.
        var runs: [Character] = []
        for cell in cells where runs.last != cell { runs.append(cell) }
        #expect(runs == [" ", "▄", "█", "▂"], "\(cells)")
    }

    @Test("a small screen keeps its rows for the lanes")
    func smallScreen() {
        let harness = ViewerHarness(Self.steppedTrace(), title: "counters.json", width: 60, height: 10)
        #expect(harness.state.layout.counterStripYs.isEmpty)
        #expect(!harness.lines.contains { $0.contains("queue length") })
    }

    @Test("viztracer counters under the timeline (golden screens)", arguments: [(100, 30, true), (80, 24, false)])
    func golden(width: Int, height: Int, utf8: Bool) throws {
        let trace = try TraceLoader.load(path: Self.fixture).trace
        let harness = ViewerHarness(trace, title: "viztracer-counters.json", width: width, height: height, theme: utf8 ? .utf8 : .ascii)
        #expect(harness.state.layout.counterStripYs.count == 2)
        try GoldenScreen.expect(harness.grid, matches: "viztracer-counters-\(utf8 ? "" : "ascii-")\(width)x\(height)")
    }
}
