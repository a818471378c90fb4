import LanesModel
import Testing
@testable import LanesAnalysis

@Suite("Per-span metrics")
struct SpanMetricsTests {
    let ms = TraceFixture.ms

    @Test("self time is wall time minus the union of the children, clipped to the parent")
    func selfTime() {
        var fixture = TraceFixture()
        let task = fixture.task(1, "t")
        let parent = fixture.span("parent", .async, from: 0, to: 100, task: task)
        fixture.span("a", .async, from: 10, to: 30, parent: parent, task: task)
        fixture.span("b", .async, from: 20, to: 50, parent: parent, task: task)
        fixture.span("c", .async, from: 90, to: 130, parent: parent, task: task)
        fixture.span("instant", .async, from: 60, to: 60, parent: parent, task: task)
        let trace = fixture.build()
        let analysis = TraceAnalysis(trace: trace)
        // Covered: 10–50 and 90–100 inside 0–100.
        #expect(analysis.selfTime(ofSpan: trace.span(named: "parent")) == ms(100 - 40 - 10))
        #expect(analysis.selfTime(ofSpan: trace.span(named: "c")) == ms(40))
        #expect(analysis.selfTime(ofSpan: trace.span(named: "instant")) == 0)
        #expect(analysis.selfTime(ofSpan: -1) == 0)
    }

    @Test("task-state slices divide a span into running, queued and suspended time")
    func statesFromSlices() {
        var fixture = TraceFixture()
        let task = fixture.task(1, "t")
        let thread = fixture.thread(1)
        fixture.span("s", .async, from: 5, to: 65, task: task)
        fixture.slice(task: task, thread: thread, enqueued: 0, started: 10, ended: 30)
        fixture.slice(task: task, thread: thread, enqueued: 50, started: 60, ended: 70)
        let trace = fixture.build()
        let states = TraceAnalysis(trace: trace).states(ofSpan: trace.span(named: "s"))
        // Running 10–30 and 60–65; queued 5–10 and 50–60; the rest suspended.
        #expect(states == SpanStateTimes(running: ms(25), queued: ms(15), suspended: ms(20)))
    }

    @Test("span states agree with a millisecond-by-millisecond walk on random jobs")
    func statesMatchSampling() {
        var random = SplitMix64(seed: 7)
        var fixture = TraceFixture()
        let task = fixture.task(1, "t")
        let thread = fixture.thread(1)
        var jobs: [(enqueued: Int64, started: Int64, ended: Int64)] = []
        var time: Int64 = 0
        for _ in 0..<40 {
            let enqueued = time + Int64.random(in: 0...5, using: &random)
            let started = enqueued + Int64.random(in: 0...4, using: &random)
            let ended = started + Int64.random(in: 1...6, using: &random)
            jobs.append((enqueued, started, ended))
            fixture.slice(task: task, thread: thread, enqueued: enqueued, started: started, ended: ended)
            time = ended
        }
        var windows: [(Int64, Int64)] = []
        for index in 0..<60 {
            let begin = Int64.random(in: 0...time, using: &random)
            let end = begin + Int64.random(in: 0...(time / 3), using: &random)
            fixture.span("w\(index)", .async, from: begin, to: end, task: task)
            windows.append((begin, end))
        }
        let trace = fixture.build()
        let analysis = TraceAnalysis(trace: trace)
        for (index, window) in windows.enumerated() {
            var running: Int64 = 0
            var queued: Int64 = 0
            for millisecond in window.0..<max(window.0, window.1) {
                if jobs.contains(where: { $0.started <= millisecond && millisecond < $0.ended }) { running += 1 }
                if jobs.contains(where: { $0.enqueued <= millisecond && millisecond < $0.started }) { queued += 1 }
            }
            let wall = window.1 - window.0
            let expected = SpanStateTimes(running: ms(running), queued: ms(queued), suspended: ms(wall - running - queued))
            #expect(analysis.states(ofSpan: trace.span(named: "w\(index)")) == expected, "window \(window)")
        }
    }

    @Test("states are nil without task states for the span's task")
    func statesWithoutSlices() {
        var fixture = TraceFixture()
        let task = fixture.task(1)
        fixture.span("s", .async, from: 0, to: 10, task: task)
        let trace = fixture.build()
        #expect(TraceAnalysis(trace: trace).states(ofSpan: 0) == nil)
    }

    @Test("overlap factor is Σ children wall over the parent's wall")
    func overlapFactor() {
        var fixture = TraceFixture()
        let task = fixture.task(1)
        let gather = fixture.span("gather", .gather, from: 0, to: 70, task: task)
        fixture.span("two", .async, from: 0, to: 20, parent: gather, task: task)
        fixture.span("four", .async, from: 0, to: 40, parent: gather, task: task)
        fixture.span("seven", .makeAsync, from: 0, to: 70, parent: gather, task: task)
        let point = fixture.span("point", .async, from: 80, to: 80, task: task)
        fixture.span("inside", .async, from: 80, to: 80, parent: point, task: task)
        let trace = fixture.build()
        let analysis = TraceAnalysis(trace: trace)
        #expect(abs(analysis.overlapFactor(ofSpan: trace.span(named: "gather")) - 130.0 / 70.0) < 1e-9)
        #expect(analysis.overlapFactor(ofSpan: trace.span(named: "two")) == 0)
        #expect(analysis.overlapFactor(ofSpan: trace.span(named: "point")) == 0)
    }

    @Test("the critical path follows the child that ended last, backwards")
    func criticalPath() {
        var fixture = TraceFixture()
        let task = fixture.task(1)
        let parent = fixture.span("parent", .handler, from: 0, to: 60, task: task)
        fixture.span("a", .async, from: 0, to: 30, parent: parent, task: task)
        fixture.span("b", .async, from: 10, to: 40, parent: parent, task: task)
        fixture.span("c", .async, from: 40, to: 60, parent: parent, task: task)
        fixture.span("d", .async, from: 45, to: 50, parent: parent, task: task)
        let trace = fixture.build()
        let path = TraceAnalysis(trace: trace).criticalPath(ofSpan: trace.span(named: "parent"))
        #expect(path.map { trace.name(ofSpan: Int($0)) } == ["b", "c"])
        #expect(TraceAnalysis(trace: trace).criticalPath(ofSpan: trace.span(named: "a")).isEmpty)
    }

    @Test("off-CPU share tells a sleeping sync span from a computing one")
    func offCPUShare() {
        var fixture = TraceFixture()
        let task = fixture.task(1)
        fixture.span("sleep", .sync, from: 0, to: 100, task: task, cpuMilliseconds: 1)
        fixture.span("spin", .sync, from: 100, to: 200, task: task, cpuMilliseconds: 95)
        fixture.span("unknown", .sync, from: 200, to: 300, task: task)
        let trace = fixture.build()
        let analysis = TraceAnalysis(trace: trace)
        #expect(abs((analysis.offCPUShare(ofSpan: trace.span(named: "sleep")) ?? -1) - 0.99) < 1e-9)
        #expect(abs((analysis.offCPUShare(ofSpan: trace.span(named: "spin")) ?? -1) - 0.05) < 1e-9)
        #expect(analysis.offCPUShare(ofSpan: trace.span(named: "unknown")) == nil)
    }
}
