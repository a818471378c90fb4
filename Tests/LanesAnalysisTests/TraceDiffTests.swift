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
        #expect(diff.remainingFindings.count == TraceAnalysis(trace: trace).findings.count)
        #expect(diff.verdict.hasPrefix("no change"))
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
        let step = diff.statistics.first { diff.path($0.path) == "on_message \"alice\" › step" }
        #expect(step?.a == TraceDiff.DurationStatistics(count: 2, total: ms(150), median: ms(50), maximum: ms(100)))
        #expect(step?.b == TraceDiff.DurationStatistics(count: 2, total: ms(120), median: ms(40), maximum: ms(80)))
        #expect(diff.statistics.first.map { diff.path($0.path) } == "on_message \"alice\"")  // largest |Δ total|
        #expect(diff.rows.count == a.spanCount + 1)
    }

    @Test("findings moved off the executor are resolved; a new bridge is new")
    func findingChanges() {
        let a = run(["alice"], children: [("wait_for(3)", .sync, 300, true), ("wait_for(7)", .sync, 700, true)])
        let b = run(["alice"], children: [("wait_for(3)", .sync, 300, true), ("makeAsync", .makeAsync, 700, false), ("run_sync", .runSync, 200, true)])
        let diff = TraceDiff(a: a, b: b)
        let resolved = diff.resolvedFindings.filter { $0.rule == .blockingCall }.map { diff.lastName(ofPath: $0.path) }
        #expect(resolved == ["wait_for(7)"])
        #expect(diff.newFindings.contains { $0.rule == .runSyncInAsync && diff.lastName(ofPath: $0.path) == "run_sync" })
        #expect(diff.remainingFindings.contains { $0.rule == .blockingCall && diff.lastName(ofPath: $0.path) == "wait_for(3)" })
        #expect(!diff.isUnchanged)
    }

    @Test("overlap gains list parents whose children overlap in B")
    func overlapGains() {
        let a = run(["alice"], children: [("await_for(2)", .async, 200, false), ("await_for(4)", .async, 400, false)])
        var fixture = TraceFixture()
        let task = fixture.task(1, "alice")
        let handler = fixture.span("on_message \"alice\"", .handler, from: 0, to: 400, task: task)
        let gather = fixture.span("gather", .gather, from: 0, to: 400, parent: handler, task: task)
        fixture.span("await_for(2)", .async, from: 0, to: 200, parent: gather, task: task)
        fixture.span("await_for(4)", .async, from: 0, to: 400, parent: gather, task: task)
        let diff = TraceDiff(a: a, b: fixture.build())
        let gain = diff.overlapGains.first { diff.lastName(ofPath: $0.path) == "gather" }
        #expect(gain?.factorA == 0)
        #expect(abs((gain?.factorB ?? 0) - 1.5) < 1e-9)
        #expect(diff.wall.delta == -ms(200))
        #expect(diff.lines(titleA: "a", titleB: "b")[2].hasPrefix("B is faster"))
    }

    @Test("names are normalised: addresses, UUIDs and long ids do not break a match")
    func normalisation() {
        #expect(SpanPathNormalizer.normalize("fetch 0x7ffee3b4a2c0") == SpanPathNormalizer.normalize("fetch 0x600001234000"))
        #expect(SpanPathNormalizer.normalize("job 5E1D2A3B-1111-2222-3333-444455556666") == "job <uuid>")
        #expect(SpanPathNormalizer.normalize("request  1234567 ") == "request #")
        #expect(SpanPathNormalizer.normalize("wait_for(3)") != SpanPathNormalizer.normalize("wait_for(7)"))
    }

    @Test("the first three lines carry the verdict: wall, blocked and findings")
    func verdictLines() {
        let a = run(["alice"], children: [("wait_for(3)", .sync, 300, true), ("wait_for(7)", .sync, 700, true)])
        let b = run(["alice"], children: [("wait_for(3)", .sync, 300, true), ("makeAsync", .makeAsync, 700, false)])
        let lines = TraceDiff(a: a, b: b).lines(titleA: "a", titleB: "b")
        #expect(lines[0].hasPrefix("wall 1.00s → 1.00s"))
        #expect(lines[0].contains("blocked 1.00s → 0.30s"))
        #expect(lines[0].contains("resolved"))
        #expect(lines[2] == "same wall time; see the spans below for what moved")
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
        #expect(diff.totalDuration(ofSpansNamed: "step") == TraceDiff.Change(a: ms(100), b: ms(100)))
        #expect(diff.totalDuration(ofSpansNamed: "missing") == nil)
        #expect(Set(diff.incomparableRules) == Set(FindingRule.allCases))
        #expect(diff.newFindings.isEmpty && diff.resolvedFindings.isEmpty)
    }

    @Test("spans that all last zero time (events) diff without trapping")
    func zeroDurationSpans() {
        let trace = run(["alice"], children: [("tick", .async, 0, false), ("tick", .async, 0, false), ("tick", .async, 0, false)])
        let diff = TraceDiff(a: trace, b: trace)
        #expect(diff.newFindings.isEmpty && diff.resolvedFindings.isEmpty)
    }
}
