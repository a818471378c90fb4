import LanesModel
import Testing
@testable import LanesAnalysis

@Suite("Finding rules")
struct FindingRuleTests {
    let ms = TraceFixture.ms

    func findings(_ analysis: TraceAnalysis, _ rule: FindingRule) -> [Finding] {
        analysis.findings.filter { $0.rule == rule }
    }

    @Test("blocking-call: a sync span on an executor thread at or above the threshold")
    func blockingCall() {
        var fixture = TraceFixture()
        let task = fixture.task(1)
        let executor = fixture.thread(1)
        let handler = fixture.span("handler", .handler, from: 0, to: 400, task: task, thread: executor)
        fixture.span("long", .sync, from: 0, to: 150, parent: handler, task: task, thread: executor, onExecutor: true, cpuMilliseconds: 2)
        fixture.span("short", .sync, from: 150, to: 165, parent: handler, task: task, thread: executor, onExecutor: true)
        fixture.span("off executor", .sync, from: 200, to: 400, parent: handler, task: task, thread: fixture.thread(9, executor: false))
        let trace = fixture.build()
        let analysis = TraceAnalysis(trace: trace)
        let found = findings(analysis, .blockingCall)
        #expect(found.count == 1)
        #expect(found.first?.span == Int32(trace.span(named: "long")))
        #expect(found.first?.costNanoseconds == ms(150))
        #expect(found.first?.state == .sleepingOrWaiting)
        #expect(found.first?.message.contains("sleeping or waiting") == true)
        #expect(found.first?.site?.name == "long")
        #expect(analysis.findings(forSpan: trace.span(named: "long")).map { analysis.findings[$0].rule }.contains(.blockingCall))
        #expect(analysis.findings(forSpan: trace.span(named: "short")).isEmpty)

        var options = AnalysisOptions()
        options.blockingCallThreshold = ms(10)
        #expect(findings(TraceAnalysis(trace: trace, options: options), .blockingCall).count == 2)
        options.blockingCallThreshold = ms(200)
        #expect(findings(TraceAnalysis(trace: trace, options: options), .blockingCall).isEmpty)
    }

    @Test("run-sync-in-async: runSync inside a task, not from plain synchronous code")
    func runSyncInAsync() {
        var fixture = TraceFixture()
        let task = fixture.task(1)
        let executor = fixture.thread(1)
        let handler = fixture.span("handler", .handler, from: 0, to: 300, task: task, thread: executor)
        fixture.span("bridge", .runSync, from: 100, to: 300, parent: handler, task: task, thread: executor, onExecutor: true)
        let main = fixture.task(2, "main")
        fixture.span("from main", .runSync, from: 0, to: 50, task: main, thread: fixture.thread(5, executor: false))
        let trace = fixture.build()
        let analysis = TraceAnalysis(trace: trace)
        let found = findings(analysis, .runSyncInAsync)
        #expect(found.map(\.span) == [Int32(trace.span(named: "bridge"))])
        #expect(found.first?.costNanoseconds == ms(200))
        #expect(analysis.isBlocking(span: trace.span(named: "bridge")))
        #expect(findings(analysis, .blockingCall).isEmpty)
    }

    @Test("sequential-awaits: back-to-back suspended siblings, saving Σ − max")
    func sequentialAwaits() {
        var fixture = TraceFixture()
        let task = fixture.task(1)
        let handler = fixture.span("handler", .handler, from: 0, to: 500, task: task)
        fixture.span("first", .async, from: 0, to: 20, parent: handler, task: task)
        fixture.span("second", .async, from: 20, to: 60, parent: handler, task: task)
        fixture.span("third", .async, from: 61, to: 91, parent: handler, task: task)
        fixture.span("sync", .sync, from: 100, to: 200, parent: handler, task: task)
        fixture.span("lonely", .async, from: 200, to: 290, parent: handler, task: task)
        fixture.span("sync2", .sync, from: 290, to: 300, parent: handler, task: task)
        fixture.span("overlapA", .async, from: 300, to: 400, parent: handler, task: task)
        fixture.span("overlapB", .async, from: 350, to: 450, parent: handler, task: task)
        let trace = fixture.build()
        let found = findings(TraceAnalysis(trace: trace), .sequentialAwaits)
        #expect(found.count == 1)
        #expect(found.first?.costNanoseconds == ms(20 + 40 + 30 - 40))
        #expect(found.first?.relatedSpans.map { trace.name(ofSpan: Int($0)) } == ["first", "second", "third"])
    }

    @Test("sequential-awaits: siblings that mostly ran (not suspended) are not awaits")
    func sequentialAwaitsNeedSuspension() {
        var fixture = TraceFixture()
        let task = fixture.task(1)
        let thread = fixture.thread(1)
        let handler = fixture.span("handler", .handler, from: 0, to: 100, task: task)
        fixture.span("busy1", .async, from: 0, to: 40, parent: handler, task: task)
        fixture.span("busy2", .async, from: 40, to: 80, parent: handler, task: task)
        fixture.slice(task: task, thread: thread, enqueued: 0, started: 0, ended: 75)
        let analysis = TraceAnalysis(trace: fixture.build())
        #expect(findings(analysis, .sequentialAwaits).isEmpty)
    }

    @Test("executor-stall: every executor thread held by blocking work past the threshold")
    func stallAllThreadsHeld() {
        var fixture = TraceFixture()
        let one = fixture.task(1)
        let two = fixture.task(2)
        let first = fixture.thread(1)
        let second = fixture.thread(2)
        fixture.span("block1", .sync, from: 0, to: 300, task: one, thread: first, onExecutor: true)
        fixture.span("block2", .sync, from: 50, to: 250, task: two, thread: second, onExecutor: true)
        fixture.slice(task: one, thread: first, enqueued: 0, started: 0, ended: 300)
        fixture.slice(task: two, thread: second, enqueued: 50, started: 50, ended: 250)
        let trace = fixture.build()
        let stalls = findings(TraceAnalysis(trace: trace), .executorStall)
        #expect(stalls.count == 1)
        #expect(stalls.first?.begin == ms(50))
        #expect(stalls.first?.costNanoseconds == ms(200))
        #expect(stalls.first?.span == Int32(trace.span(named: "block2")) || stalls.first?.span == Int32(trace.span(named: "block1")))

        var options = AnalysisOptions()
        options.stallThreshold = ms(250)
        #expect(findings(TraceAnalysis(trace: trace, options: options), .executorStall).isEmpty)
    }

    @Test("executor-stall: a ready job waiting past the threshold")
    func stallLongQueue() {
        var fixture = TraceFixture()
        let task = fixture.task(1)
        let thread = fixture.thread(1)
        fixture.slice(task: task, thread: thread, enqueued: 0, started: 150, ended: 160)
        fixture.slice(task: task, thread: thread, enqueued: 200, started: 250, ended: 260)
        let stalls = findings(TraceAnalysis(trace: fixture.build()), .executorStall)
        #expect(stalls.map(\.costNanoseconds) == [ms(150)])
        #expect(stalls.first?.span == -1)
    }

    @Test("blocking-call from jobs: a long job blocks whatever was wrapped, attributed to the innermost span covering it")
    func blockingJobs() {
        var fixture = TraceFixture()
        let task = fixture.task(1, "worker")
        let thread = fixture.thread(1)
        let request = fixture.span("GET /report", .handler, from: 0, to: 260, task: task, thread: thread)
        let render = fixture.span("render", .async, from: 10, to: 200, parent: request, task: task, thread: thread)
        fixture.span("tiny", .async, from: 12, to: 13, parent: render, task: task, thread: thread)
        fixture.slice(task: task, thread: thread, enqueued: 0, started: 0, ended: 5)
        fixture.slice(task: task, thread: thread, enqueued: 8, started: 10, ended: 200)  // computes, never suspends
        fixture.slice(task: task, thread: thread, enqueued: 250, started: 250, ended: 260)
        // A synchronous span inside a long job is its own occurrence; the job's remainder is short.
        let other = fixture.task(2, "sleeper")
        fixture.span("sleep", .sync, from: 300, to: 500, task: other, thread: thread, onExecutor: true)
        fixture.slice(task: other, thread: thread, enqueued: 300, started: 300, ended: 505)
        // A job of no task (an actor's) with no span: named after nothing it ran.
        let actor = fixture.task(0)
        fixture.slice(task: actor, thread: thread, enqueued: 600, started: 600, ended: 650)
        let trace = fixture.build()
        let analysis = TraceAnalysis(trace: trace)
        let found = findings(analysis, .blockingCall).sorted { $0.begin < $1.begin }
        #expect(found.map(\.span) == [Int32(trace.span(named: "render")), Int32(trace.span(named: "sleep")), -1], "\(found.map(\.message))")
        #expect(found.map(\.costNanoseconds) == [ms(190), ms(200), ms(50)])
        #expect(found.first?.site?.name == "render")
        #expect(found.last?.site?.name == "an actor or other job")
        #expect(analysis.isBlocking(span: trace.span(named: "render")), "a long span its task never suspended in held the thread")
        #expect(!analysis.isBlocking(span: trace.span(named: "tiny")), "a 1 ms span is ordinary running work")
        #expect(!analysis.isBlocking(span: trace.span(named: "GET /report")))
        // The sleeping task's job outlasts its span by 5 ms, too little to block on its own.
        #expect(analysis.blockedNanoseconds == ms(190) + ms(200) + ms(50))
        _ = render
    }

    @Test("blocking-call from a job that ran several requests without suspending: one occurrence per request")
    func blockingJobOverSeveralSpans() {
        var fixture = TraceFixture()
        let task = fixture.task(1, "connection")
        let thread = fixture.thread(1)
        // Three requests served back to back in one job, each with a blocking call inside.
        for (index, length) in [Int64(30), 45, 30].enumerated() {
            let begin = Int64(index) * 50
            let request = fixture.span("/block", .handler, from: begin, to: begin + length + 2, task: task, thread: thread)
            fixture.span("legacy database", .async, from: begin + 1, to: begin + 1 + length, parent: request, task: task, thread: thread)
        }
        fixture.slice(task: task, thread: thread, enqueued: 0, started: 0, ended: 140)
        // Later, four short requests in one job: no piece holds the thread 20 ms, so the job stays
        // whole, attributed to the span it spent most in.
        for (index, length) in [Int64(8), 12, 8, 8].enumerated() {
            let begin = 1_000 + Int64(index) * 14
            fixture.span("/short", .handler, from: begin, to: begin + length, task: task, thread: thread)
        }
        fixture.slice(task: task, thread: thread, enqueued: 1_000, started: 1_000, ended: 1_050)
        let trace = fixture.build()
        let analysis = TraceAnalysis(trace: trace)
        let found = findings(analysis, .blockingCall).sorted { $0.begin < $1.begin }
        #expect(found.map(\.site?.name) == ["legacy database", "legacy database", "legacy database", "/short"], "\(found.map(\.message))")
        let databases = (0..<trace.spanCount).filter { trace.name(ofSpan: $0) == "legacy database" }.map(Int32.init)
        #expect(Array(found.prefix(3).map(\.span)) == databases)
        #expect(found.prefix(3).map(\.costNanoseconds) == [ms(32), ms(65), ms(43)], "the pieces cover the job")
        let longest = (0..<trace.spanCount).first { trace.name(ofSpan: $0) == "/short" && trace.spanBegin[$0] == ms(1_014) }
        #expect(found.last?.span == longest.map(Int32.init), "the 12 ms request of the four")
        #expect(analysis.blockedNanoseconds == ms(140) + ms(50))
    }

    @Test("findings are sorted by cost, largest first")
    func sortedByCost() {
        var fixture = TraceFixture()
        let task = fixture.task(1)
        for (index, length) in [120, 400, 250].enumerated() {
            let begin = Int64(index) * 1_000
            fixture.span("call\(index)", .sync, from: begin, to: begin + Int64(length), task: task, onExecutor: true)
        }
        let costs = TraceAnalysis(trace: fixture.build()).findings.map(\.costNanoseconds)
        #expect(costs == costs.sorted(by: >))
        #expect(costs.count >= 3)
    }

    @Test("hostile span names are escaped in messages")
    func hostileNames() {
        var fixture = TraceFixture()
        let task = fixture.task(1)
        fixture.span("evil\u{1B}[2Jname\u{7}", .sync, from: 0, to: 200, task: task, onExecutor: true)
        let message = TraceAnalysis(trace: fixture.build()).findings.first?.message ?? ""
        #expect(!message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(message.contains("evil\\e[2Jname\\x07"))
    }

    @Test("imported traces without kinds or task states: metrics computed, rules skipped with reasons")
    func importedWithoutKinds() {
        var fixture = TraceFixture()
        let task = fixture.task(1)
        let root = fixture.span("root", .unknown, from: 0, to: 300, task: task)
        fixture.span("child1", .unknown, from: 0, to: 150, parent: root, task: task)
        fixture.span("child2", .unknown, from: 150, to: 300, parent: root, task: task)
        let trace = fixture.build()
        let analysis = TraceAnalysis(trace: trace)
        #expect(analysis.findings.isEmpty)
        #expect(Set(analysis.skippedRules.map(\.rule)) == Set(FindingRule.allCases))
        #expect(analysis.skippedRules.allSatisfy { !$0.reason.isEmpty })
        #expect(analysis.selfTime(ofSpan: trace.span(named: "root")) == 0)
        #expect(analysis.overlapFactor(ofSpan: trace.span(named: "root")) == 1)
        #expect(analysis.maxOverlap == 1)
    }
}
