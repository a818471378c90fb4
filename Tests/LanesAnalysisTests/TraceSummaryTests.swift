import LanesModel
import Testing
@testable import LanesAnalysis

@Suite("TraceSummary")
struct TraceSummaryTests {
    let ms = TraceFixture.ms

    func sample() -> Trace {
        var fixture = TraceFixture()
        for (index, (author, length)) in [("alice", Int64(300)), ("bob", Int64(500))].enumerated() {
            let executor = fixture.thread(UInt64(index + 1))
            let task = fixture.task(UInt64(index + 1), author)
            let handler = fixture.span("on_message \"\(author)\"", .handler, from: 0, to: length, task: task, thread: executor)
            fixture.span("wait_for(\(length / 100))", .sync, from: 0, to: length - 100, parent: handler, task: task, thread: executor, onExecutor: true)
            fixture.span("await_for(1)", .async, from: length - 100, to: length, parent: handler, task: task)
        }
        return fixture.build()
    }

    @Test("the slowest handler's critical path and the largest self times")
    func contents() {
        let trace = sample()
        let summary = TraceSummary(analysis: TraceAnalysis(trace: trace))
        #expect(summary.slowestHandler?.name == "on_message \"bob\"")
        #expect(summary.criticalPath.map(\.name) == ["wait_for(5)", "await_for(1)"])
        #expect(summary.topSelfTime.first?.name == "wait_for(5)")
        #expect(summary.topSelfTime.first { $0.name == "await_for(1)" }?.count == 2)
        #expect(summary.findingCounts.first { $0.rule == .blockingCall }?.count == 2)
        #expect(summary.spanCount == trace.spanCount)
    }

    @Test("the text report leads with wall time, totals and the finding counts, then advice")
    func text() {
        let lines = TraceSummary(analysis: TraceAnalysis(trace: sample())).lines(title: "t")
        #expect(lines[0].hasPrefix("t   wall 500ms   6 spans · 2 tasks"))
        #expect(lines[1].hasPrefix("blocked 600ms   queued n/a (no task states)"))
        #expect(lines[2] == "jobs: no task states")
        #expect(lines[3].contains("blocking-call ×2"))
        #expect(lines.contains { $0.hasPrefix("     → ") })
        #expect(lines.contains("critical path of the slowest handler, on_message \"bob\" (500ms)"))
        #expect(!lines.contains("rules not run"), "kinds and executor threads are known: every rule runs")
    }

    @Test("findings of one rule on spans of one name are reported as one group")
    func groups() {
        var fixture = TraceFixture()
        let task = fixture.task(1)
        for index in 0..<3 {
            let begin = Int64(index) * 1_000
            fixture.span("sleep", .sync, from: begin, to: begin + 100 + Int64(index) * 100, task: task, onExecutor: true)
        }
        fixture.span("other", .sync, from: 5_000, to: 5_150, task: task, onExecutor: true)
        let summary = TraceSummary(analysis: TraceAnalysis(trace: fixture.build()))
        let blocking = summary.findingGroups.filter { $0.rule == .blockingCall }
        #expect(blocking.map(\.spanName) == ["sleep", "other"])
        #expect(blocking.first?.count == 3)
        #expect(blocking.first?.totalCostNanoseconds == ms(100 + 200 + 300))
        #expect(blocking.first?.largest.costNanoseconds == ms(300))
        #expect(summary.lines(title: "t").contains {
            $0.contains("blocking-call  600ms  sleep held an executor thread 3× for 600ms (p50 200ms, max 300ms)")
        })
    }

    @Test("an empty trace summarises without a handler or findings")
    func empty() {
        let summary = TraceSummary(analysis: TraceAnalysis(trace: .empty))
        #expect(summary.slowestHandler == nil)
        #expect(summary.findings.isEmpty)
        #expect(summary.lines(title: "empty").contains("no findings"))
    }

    @Test("durations print in the report's units")
    func durations() {
        #expect(DisplayText.duration(2_410_000_000) == "2.41s")
        #expect(DisplayText.duration(300_000_000) == "300ms")
        #expect(DisplayText.duration(42_500_000) == "42.5ms")
        #expect(DisplayText.duration(310_400) == "310µs")
        #expect(DisplayText.duration(12) == "12ns")
        #expect(DisplayText.percentChange(from: 2_410, to: 1_240) == "−49%")
    }
}
