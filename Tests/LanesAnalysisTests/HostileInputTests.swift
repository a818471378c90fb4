import LanesModel
import Testing
@testable import LanesAnalysis

/// Damaged or hostile traces analyse without crashing and with values in range.
@Suite("Hostile input")
struct HostileInputTests {
    let ms = TraceFixture.ms

    @Test("overlapping jobs of one task, jobs on unknown threads, slices without spans")
    func inconsistentSlices() {
        var fixture = TraceFixture()
        let task = fixture.task(1)
        let lonely = fixture.task(2)
        fixture.span("s", .async, from: 0, to: 100, task: task)
        fixture.slice(task: task, thread: 0, enqueued: 0, started: 10, ended: 80)
        fixture.slice(task: task, thread: 0, enqueued: 5, started: 20, ended: 90)  // overlaps the first
        fixture.slice(task: task, thread: -1, enqueued: 95, started: 90, ended: 85)  // out of order
        fixture.slice(task: lonely, thread: 7, enqueued: 0, started: 500, ended: 900)
        let trace = fixture.build()
        let analysis = TraceAnalysis(trace: trace)
        let states = analysis.states(ofSpan: trace.span(named: "s"))
        #expect(states.map { $0.running >= 0 && $0.queued >= 0 && $0.suspended >= 0 } == true)
        #expect(states.map { $0.running + $0.queued + $0.suspended } == ms(100))
        #expect(analysis.findings.contains { $0.rule == .blockingCall && $0.span == -1 })
    }

    @Test("a step series built from unsorted or mismatched columns answers without trapping")
    func unsortedSeries() {
        let series = StepSeries(times: [30, 10, 20, 5], values: [1, 7])
        #expect(series.times.count == 2)
        _ = series.maximum(from: 0, to: 40)
        _ = series.value(at: 15)
        #expect(series.overallMaximum == 7)
    }

    @Test("a parent with many children and deep nesting stays linear enough to finish")
    func wideAndDeep() {
        var fixture = TraceFixture()
        let task = fixture.task(1)
        let root = fixture.span("root", .handler, from: 0, to: 200_000, task: task)
        for index in 0..<20_000 {
            fixture.span("c\(index % 7)", .async, from: Int64(index) * 10, to: Int64(index) * 10 + 10, parent: root, task: task)
        }
        var parent = root
        for depth in 0..<5_000 {
            parent = fixture.span("d", .sync, from: Int64(depth), to: 200_000 - Int64(depth), parent: parent, task: task, onExecutor: true)
        }
        let trace = fixture.build()
        let analysis = TraceAnalysis(trace: trace)
        #expect(analysis.criticalPath(ofSpan: trace.span(named: "root")).count > 1)
        // Nested blocking spans on one thread count once.
        #expect(analysis.blockedNanoseconds == ms(200_000))
        let diff = TraceDiff(a: trace, b: trace)
        #expect(diff.isUnchanged)
        #expect(!diff.path(diff.rows[diff.rows.count - 1].path).isEmpty)
    }
}
