import LanesAnalysis
import LanesModel
@testable import LanesViewer
import Testing

/// Rows follow the program: child tasks inside the span that started them, tasks named by their
/// name or first span, spanless tasks folded into their parent, "main", and one "other tasks".
@Suite("Rows that follow the program")
struct TaskRowsTests {
    /// main (id 1) starts a request task with a root span; the request starts a gather child
    /// with spans, an unnamed `async let` child without spans and a named worker without spans;
    /// two tasks nobody claims ran jobs too.
    static func programTrace() -> Trace {
        var builder = TraceBuilder(metadata: TraceMetadata(sourceFormat: "lanes"))
        let thread = builder.thread(id: 1, name: "executor-1", isExecutor: true)
        let main = builder.task(id: 1)
        let request = builder.task(id: 2)
        let gatherChild = builder.task(id: 3)
        let asyncLet = builder.task(id: 4)
        let worker = builder.task(id: 5, name: "cache warmer")
        let strayA = builder.task(id: 6)
        let strayB = builder.task(id: 7)
        builder.setParent(ofTask: request, to: main)
        builder.setParent(ofTask: asyncLet, to: request)
        builder.setParent(ofTask: worker, to: request)
        let name = { (text: String) in builder.intern(text) }
        let handler = builder.addSpan(name: name("GET /a"), kind: .handler, begin: 1_000, end: 9_000, task: request, thread: thread)
        let gather = builder.addSpan(name: name("gather"), kind: .gather, begin: 2_000, end: 6_000, parent: handler, task: request, thread: thread)
        builder.addSpan(name: name("fetch"), kind: .async, begin: 2_500, end: 5_000, parent: gather, task: gatherChild, thread: thread)
        builder.addSlice(task: main, thread: thread, enqueued: 0, started: 0, ended: 100)
        builder.addSlice(task: request, thread: thread, enqueued: 200, started: 900, ended: 2_000)
        builder.addSlice(task: gatherChild, thread: thread, enqueued: 2_000, started: 2_300, ended: 2_600)
        builder.addSlice(task: asyncLet, thread: thread, enqueued: 6_500, started: 6_600, ended: 7_000)
        builder.addSlice(task: worker, thread: thread, enqueued: 3_000, started: 3_100, ended: 3_200)
        builder.addSlice(task: strayA, thread: thread, enqueued: 7_100, started: 7_200, ended: 7_300)
        builder.addSlice(task: strayB, thread: thread, enqueued: 7_400, started: 7_500, ended: 7_600)
        return builder.build()
    }

    @Test("no anonymous rows: the request, main and other tasks at the top; children inside")
    func topLevel() throws {
        var harness = ViewerHarness(Self.programTrace(), title: "program.lanes", width: 120, height: 24)
        let names = harness.state.rows.filter { $0.depth == 0 }.map { row -> String in
            switch row.content {
            case .span(let span): return harness.document.trace.name(ofSpan: Int(span))
            case .lane(let lane): return harness.document.name(ofLane: lane)
            default: return "?"
            }
        }
        #expect(names == ["GET /a", "main", "other tasks"])
        for line in harness.lines { #expect(!line.contains("task 3") && !line.contains("task 4") && !line.contains("task 6")) }
        #expect(harness.lines.contains { $0.contains("other tasks ×2") })
        // The gather child's span and the named worker are inside the request's tree.
        harness.state.expandedSpans = Set(0..<Int32(harness.document.trace.spanCount))
        harness.state.rebuildRows(harness.document)
        let text = harness.lines.joined(separator: "\n")
        #expect(text.contains("fetch"))
        #expect(text.contains("cache warmer"))
        try GoldenScreen.expect(harness.grid, matches: "program-rows-120x24")
    }

    @Test("a task's row starts at its first enqueue; an unnamed child's jobs show in its parent's row")
    func firstEnqueueAndFolding() throws {
        let harness = ViewerHarness(Self.programTrace(), title: "program.lanes", width: 120, height: 24)
        let document = harness.document
        let trace = document.trace
        let handler = try #require(trace.roots.first { trace.name(ofSpan: Int($0)) == "GET /a" })
        // The request was enqueued at 200 ns, its span began at 1,000.
        let extent = document.barExtent(ofSpan: Int(handler), isTaskRow: true)
        #expect(extent.lowerBound == 200)
        // The async let child (unnamed, no spans) ran 6,600–7,000: its parent's row shows running then.
        #expect(document.laneStates.isRunning(trace.spanTask[Int(handler)], from: 6_700, to: 6_800, in: trace))
        // The request itself was queued 200–900.
        #expect(document.laneStates.isQueued(trace.spanTask[Int(handler)], from: 300, to: 400, in: trace))
    }

    @Test("a row of the tree is 12 bytes and keeps what it was given")
    func rowIsTwelveBytes() {
        #expect(MemoryLayout<ViewRow>.stride == 12)
        let row = ViewRow(content: .span(123_456), depth: 3, ancestorsLast: [true, false], isLast: false,
                          isExpandable: true, isExpanded: false, hasFinding: true)
        #expect(row.content == .span(123_456))
        #expect(row.depth == 3)
        #expect(row.ancestorsLast == [true, false])
        #expect(!row.isLast && row.isExpandable && !row.isExpanded && row.hasFinding)
    }
}
