import LanesModel
import Testing
@testable import LanesAnalysis

@Suite("Over time: blocked, queued, concurrency")
struct TimeSeriesTests {
    let ms = TraceFixture.ms

    @Test("blocked time counts a blocking span nested in another on the same thread once")
    func blockedOutermostOnly() {
        var fixture = TraceFixture()
        let task = fixture.task(1)
        let executor = fixture.thread(1)
        let pool = fixture.thread(2, executor: false)
        let handler = fixture.span("handler", .handler, from: 0, to: 400, task: task, thread: executor)
        let outer = fixture.span("outer", .sync, from: 0, to: 100, parent: handler, task: task, thread: executor, onExecutor: true)
        fixture.span("inner", .sync, from: 10, to: 60, parent: outer, task: task, thread: executor, onExecutor: true)
        fixture.span("pooled", .sync, from: 100, to: 300, parent: handler, task: task, thread: pool)
        fixture.span("later", .sync, from: 300, to: 350, parent: handler, task: task, thread: executor, onExecutor: true)
        let trace = fixture.build()
        let analysis = TraceAnalysis(trace: trace)
        #expect(analysis.blockedNanoseconds == ms(100 + 50))
        #expect(analysis.isBlocking(span: trace.span(named: "inner")))
        #expect(!analysis.isBlocking(span: trace.span(named: "pooled")))
        #expect(!analysis.isBlocking(span: trace.span(named: "handler")))
        #expect(analysis.executorThreadsHeld.value(at: ms(50)) == 1)
        #expect(analysis.executorThreadsHeld.value(at: ms(200)) == 0)
        #expect(analysis.executorThreadsHeld.maximum(from: 0, to: ms(400)) == 1)
    }

    @Test("queued time and the queued series come from the slices")
    func queued() {
        var fixture = TraceFixture()
        let first = fixture.task(1)
        let second = fixture.task(2)
        let thread = fixture.thread(1)
        fixture.slice(task: first, thread: thread, enqueued: 0, started: 30, ended: 40)
        fixture.slice(task: second, thread: thread, enqueued: 10, started: 40, ended: 50)
        let analysis = TraceAnalysis(trace: fixture.build())
        #expect(analysis.queuedNanoseconds == ms(30 + 30))
        #expect(analysis.tasksQueued.value(at: ms(20)) == 2)
        #expect(analysis.tasksQueued.value(at: ms(35)) == 1)
        #expect(analysis.tasksQueued.value(at: ms(45)) == 0)
        #expect(analysis.executorThreadCount == 1)
    }

    @Test("concurrency counts a parent only while none of its children is active")
    func concurrency() {
        var fixture = TraceFixture()
        let one = fixture.task(1)
        let two = fixture.task(2)
        let alice = fixture.span("alice", .handler, from: 0, to: 100, task: one)
        fixture.span("step", .async, from: 10, to: 50, parent: alice, task: one)
        let bob = fixture.span("bob", .handler, from: 40, to: 120, task: two)
        let gather = fixture.span("gather", .gather, from: 60, to: 110, parent: bob, task: two)
        fixture.span("x", .async, from: 60, to: 80, parent: gather, task: two)
        fixture.span("y", .async, from: 60, to: 110, parent: gather, task: two)
        fixture.span("zero", .async, from: 70, to: 70, parent: gather, task: two)
        let analysis = TraceAnalysis(trace: fixture.build())
        #expect(analysis.concurrency.value(at: ms(5)) == 1)
        #expect(analysis.concurrency.value(at: ms(20)) == 1)  // alice waits on step: one activity
        #expect(analysis.concurrency.value(at: ms(45)) == 2)
        #expect(analysis.concurrency.value(at: ms(70)) == 3)  // alice, x, y
        #expect(analysis.concurrency.value(at: ms(130)) == 0)
        #expect(analysis.maxOverlap == 3)
        // ≥ 2 active from 40 (bob starts) to 100 (alice ends).
        #expect(analysis.overlappedNanoseconds == ms(60))
    }

    @Test("an empty trace analyses to zeros, no findings and no skipped rules")
    func emptyTrace() {
        let analysis = TraceAnalysis(trace: .empty)
        #expect(analysis.findings.isEmpty)
        #expect(analysis.skippedRules.isEmpty)
        #expect(analysis.blockedNanoseconds == 0)
        #expect(analysis.maxOverlap == 0)
        #expect(analysis.concurrency.maximum(from: -10, to: 10) == 0)
        #expect(analysis.criticalPath(ofSpan: 0).isEmpty)
        #expect(analysis.states(ofSpan: 3) == nil)
    }

    @Test("a parent cycle broken by the builder analyses without hanging")
    func brokenCycle() {
        var builder = TraceBuilder()
        let task = builder.task(id: 1)
        let a = builder.addSpan(name: builder.intern("a"), kind: .async, begin: 0, end: 100, task: task)
        let b = builder.addSpan(name: builder.intern("b"), kind: .async, begin: 10, end: 50, parent: a, task: task)
        builder.setParent(of: a, to: b)
        let trace = builder.build()
        let analysis = TraceAnalysis(trace: trace)
        #expect(SpanStructure.parentsFirstOrder(trace).count == trace.spanCount)
        #expect(analysis.maxOverlap == 1)
    }
}
