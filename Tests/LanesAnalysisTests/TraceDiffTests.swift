import LanesModel
import Testing
@testable import LanesAnalysis

@Suite("TraceDiff")
struct TraceDiffTests {
    let ms = TraceFixture.ms

    /// A run of `handlers` handlers named after `authors`, each with the given children
    /// (name, kind, duration in ms, blocking) one after another.
    func run(_ authors: [String], children: [(String, SpanKind, Int64, Bool)], offset: Int64 = 0) -> Trace {
        var fixture = TraceFixture()
        let executor = fixture.thread(1)
        for (index, author) in authors.enumerated() {
            let task = fixture.task(UInt64(index + 1), author)
            let begin = offset + Int64(index) * 10
            let total = children.reduce(0) { $0 + $1.2 }
            let handler = fixture.span("on_message \"\(author)\"", .handler, from: begin, to: begin + total, task: task, thread: executor)
            var time = begin
            for (name, kind, length, blocking) in children {
                fixture.span(name, kind, from: time, to: time + length, parent: handler, task: task, thread: executor, onExecutor: blocking)
                time += length
            }
        }
        return fixture.build()
    }

    @Test("diffing a trace with itself reports no change")
    func selfDiff() {
        let trace = run(["alice", "bob"], children: [("wait_for(3)", .sync, 300, true), ("await_for(2)", .async, 200, false)])
        let diff = TraceDiff(a: trace, b: trace)
        #expect(diff.isUnchanged)
        #expect(diff.rows.allSatisfy { $0.isMatched && $0.delta == 0 && $0.spanA == $0.spanB })
        #expect(diff.resolvedFindings.isEmpty && diff.newFindings.isEmpty)
        #expect(diff.remainingFindings.reduce(0) { $0 + $1.countA } == TraceAnalysis(trace: trace).findings.count)
        #expect(diff.verdict.outcome == .identical)
        #expect(diff.verdict.headline.hasPrefix("no change"))
    }

    @Test("spans match by path, n-th occurrence to n-th; renamed spans are only in A / only in B")
    func matchingByPath() {
        let a = run(["alice"], children: [("step", .async, 100, false), ("step", .async, 50, false), ("old", .async, 10, false)])
        let b = run(["alice"], children: [("step", .async, 80, false), ("step", .async, 40, false), ("new", .async, 10, false)])
        let diff = TraceDiff(a: a, b: b)
        let firstStepA = (0..<a.spanCount).first { a.name(ofSpan: $0) == "step" }!
        let matchB = Int(diff.matchInB(spanA: firstStepA))
        #expect(b.name(ofSpan: matchB) == "step")
        #expect(b.duration(ofSpan: matchB) == ms(80))
        #expect(diff.matchInA(spanB: matchB) == Int32(firstStepA))
        #expect(diff.onlyInA.map { diff.path($0.path) } == ["on_message \"alice\" › old"])
        #expect(diff.onlyInB.map { diff.path($0.path) } == ["on_message \"alice\" › new"])
        let step = diff.paths.first { diff.path($0.path) == "on_message \"alice\" › step" }
        #expect(step?.comparison.a.count == 2)
        #expect(step?.comparison.a.total == ms(150))
        #expect(step?.comparison.b.p50 == ms(40) || step?.comparison.b.p50 == ms(80))
        #expect(step?.comparison.b.maximum == ms(80))
        #expect(step?.comparison.test == nil)  // two occurrences: too few to test
        #expect(diff.rows.count == a.spanCount + 1)
    }

    @Test("findings are compared by rule and site: moved off the executor is resolved, a new bridge is new")
    func findingChanges() {
        let a = run(["alice", "bob"], children: [("wait_for(3)", .sync, 300, true), ("wait_for(7)", .sync, 700, true)])
        let b = run(["alice", "bob"], children: [("wait_for(3)", .sync, 300, true), ("makeAsync", .makeAsync, 700, false), ("run_sync", .runSync, 200, true)])
        let diff = TraceDiff(a: a, b: b)
        let resolved = diff.resolvedFindings.filter { $0.rule == .blockingCall }
        #expect(resolved.map(\.site) == ["wait_for(7)"])
        #expect(resolved.first?.countA == 2)
        #expect(resolved.first?.costA == ms(1_400))
        #expect(diff.newFindings.contains { $0.rule == .runSyncInAsync && $0.site == "run_sync" && $0.countB == 2 })
        #expect(diff.remainingFindings.contains { $0.rule == .blockingCall && $0.site == "wait_for(3)" && $0.countA == 2 && $0.countB == 2 })
        let lines = DiffReport(diff).lines()
        #expect(lines.contains("  resolved: blocking-call at wait_for(7) ×2, 1.40s"))
        #expect(!diff.isUnchanged)
    }

    @Test("a span that moved under a wrapper pairs with its old self; the report says what overlaps now")
    func wrappers() {
        let a = run(["alice"], children: [("await_for(2)", .async, 200, false), ("await_for(4)", .async, 400, false)])
        var fixture = TraceFixture()
        let task = fixture.task(1, "alice")
        let handler = fixture.span("on_message \"alice\"", .handler, from: 0, to: 400, task: task)
        let gather = fixture.span("gather", .gather, from: 0, to: 400, parent: handler, task: task)
        fixture.span("await_for(2)", .async, from: 0, to: 200, parent: gather, task: task)
        fixture.span("await_for(4)", .async, from: 0, to: 400, parent: gather, task: task)
        let b = fixture.build()
        let diff = TraceDiff(a: a, b: b)
        let awaitA = (0..<a.spanCount).first { a.name(ofSpan: $0) == "await_for(4)" }!
        let partner = Int(diff.matchInB(spanA: awaitA))
        #expect(partner >= 0 && b.name(ofSpan: partner) == "await_for(4)")
        #expect(b.name(ofSpan: Int(b.spanParent[partner])) == "gather")
        #expect(diff.movedPaths.count == 2)
        #expect(diff.onlyInA.isEmpty)
        #expect(diff.onlyInB.map { diff.path($0.path) } == ["on_message \"alice\" › gather"])
        let overlap = diff.overlapChanges.first
        #expect(overlap?.names == ["await_for(2)", "await_for(4)"])
        #expect(overlap?.overlappedInB == true)
        #expect(overlap?.extentA == ms(600))
        #expect(overlap?.extentB == ms(400))
        let lines = DiffReport(diff).lines()
        #expect(lines.contains("  await_for(2), await_for(4): one after another 600ms → overlapped 400ms"))
        #expect(diff.wall.delta == -ms(200))
        #expect(lines[0].hasPrefix("B is faster"))
    }

    @Test("names are normalised: addresses, UUIDs and long ids do not break a match")
    func normalisation() {
        #expect(SpanPathNormalizer.normalize("fetch 0x7ffee3b4a2c0") == SpanPathNormalizer.normalize("fetch 0x600001234000"))
        #expect(SpanPathNormalizer.normalize("job 5E1D2A3B-1111-2222-3333-444455556666") == "job <uuid>")
        #expect(SpanPathNormalizer.normalize("request  1234567 ") == "request #")
        #expect(SpanPathNormalizer.normalize("wait_for(3)") != SpanPathNormalizer.normalize("wait_for(7)"))
    }

    @Test("one run each: the verdict rests on wall time, and a change under 5% is no change")
    func singleRunVerdict() {
        let a = run(["alice"], children: [("wait_for(3)", .sync, 300, true), ("wait_for(7)", .sync, 700, true)])
        let slower = run(["alice"], children: [("wait_for(3)", .sync, 300, true), ("wait_for(7)", .sync, 1_400, true)])
        let noise = run(["alice"], children: [("wait_for(3)", .sync, 301, true), ("wait_for(7)", .sync, 702, true)])
        #expect(TraceDiff(a: a, b: slower).verdict.outcome == .slower)
        #expect(TraceDiff(a: a, b: slower).verdict.basis == .wall)
        let quiet = TraceDiff(a: a, b: noise).verdict
        #expect(quiet.outcome == .unchanged)
        #expect(quiet.headline.hasPrefix("no significant change"))
        let lines = DiffReport(TraceDiff(a: a, b: slower)).lines()
        #expect(lines[1].hasPrefix("wall 1.00s → 1.70s (+70%)"))
        #expect(lines[1].contains("blocked 1.00s → 1.70s"))
    }

    @Test("a side without task states reads n/a, never 0")
    func missingTaskStates() {
        var withStates = TraceFixture()
        let task = withStates.task(1, "alice")
        let thread = withStates.thread(1)
        let handler = withStates.span("on_message \"alice\"", .handler, from: 0, to: 100, task: task, thread: thread)
        withStates.span("step", .async, from: 0, to: 100, parent: handler, task: task, thread: thread)
        withStates.slice(task: task, thread: thread, enqueued: 0, started: 30, ended: 40)
        let a = withStates.build()
        let b = run(["alice"], children: [("step", .async, 100, false)])
        let diff = TraceDiff(a: a, b: b)
        #expect(diff.queued.a == ms(30))
        #expect(diff.queued.b == nil)
        let lines = DiffReport(diff).lines()
        #expect(lines[1].contains("queued 30.0ms → n/a"))
        #expect(!lines[1].contains("queued 30.0ms → 0s"))
    }

    @Test("an imported trace without kinds diffs against a native one")
    func importedAgainstNative() {
        let native = run(["alice"], children: [("step", .async, 100, false)])
        var fixture = TraceFixture()
        let task = fixture.task(7)
        let root = fixture.span("on_message \"alice\"", .unknown, from: 5, to: 105, task: task)
        fixture.span("step", .unknown, from: 5, to: 105, parent: root, task: task)
        let diff = TraceDiff(a: native, b: fixture.build())
        #expect(diff.rows.allSatisfy { $0.isMatched })
        #expect(diff.alignmentOffset == ms(5))
        #expect(diff.blocked.b == nil)
        #expect(Set(diff.incomparableRules) == Set(FindingRule.allCases))
        #expect(diff.newFindings.isEmpty && diff.resolvedFindings.isEmpty)
        #expect(DiffReport(diff).lines()[1].contains("blocked 0s → n/a"))
    }

    @Test("spans that all last zero time (events) diff without trapping")
    func zeroDurationSpans() {
        let trace = run(["alice"], children: [("tick", .async, 0, false), ("tick", .async, 0, false), ("tick", .async, 0, false)])
        let diff = TraceDiff(a: trace, b: trace)
        #expect(diff.newFindings.isEmpty && diff.resolvedFindings.isEmpty)
        #expect(diff.verdict.outcome == .identical)
    }
}
