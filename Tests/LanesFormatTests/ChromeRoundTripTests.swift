import LanesModel
import Testing
@testable import LanesFormat

@Suite("Chrome export → import")
struct ChromeRoundTripTests {
    @Test("random traces keep spans, names, kinds, parents, times, threads, attributes and task states", arguments: 1...40)
    func roundTrip(seed: Int) throws {
        let original = ChromeTestSupport.randomTrace(seed: UInt64(seed), withSlices: true)
        let bytes = ChromeTraceExporter.export(original)
        let (imported, warnings) = try ChromeTraceImporter.read(bytes: bytes, path: "round-trip.json")
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(imported.spanCount == original.spanCount)
        let expected = ChromeTestSupport.canonicalSpans(original)
        let actual = ChromeTestSupport.canonicalSpans(imported)
        for (left, right) in zip(expected, actual) where left != right {
            Issue.record("span differs:\n  exported \(left)\n  imported \(right)")
            break
        }
        #expect(ChromeTestSupport.canonicalSlices(imported) == ChromeTestSupport.canonicalSlices(original))
        #expect(imported.metadata.hasTaskStates == original.metadata.hasTaskStates)
        #expect(imported.metadata.processName == original.metadata.processName)
        #expect(imported.metadata.processID == original.metadata.processID)
        #expect(imported.metadata.clockAtStart == original.metadata.clockAtStart)
        #expect(imported.metadata.unixNanosecondsAtClock == original.metadata.unixNanosecondsAtClock)
        #expect(imported.startTime == original.startTime)
        #expect(Set(imported.tasks.map(\.name)) == Set(original.tasks.map(\.name)))
    }

    @Test("the export is a bare array with one event per line and relative microseconds")
    func exportShape() throws {
        var builder = TraceBuilder(metadata: TraceMetadata(processName: "app", processID: 7))
        let thread = builder.thread(id: 3, name: "main")
        let task = builder.task(id: 9, name: "worker")
        let root = builder.addSpan(name: builder.intern("root"), kind: .handler, begin: 2_000_000, end: 2_010_500, task: task, thread: thread)
        builder.addSpan(name: builder.intern("block"), kind: .sync, begin: 2_001_000, end: 2_003_250, parent: root, task: task, thread: thread)
        let text = String(decoding: ChromeTraceExporter.export(builder.build()), as: UTF8.self)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "[")
        #expect(lines.last == "]")
        let events = lines.dropFirst().dropLast()
        #expect(events.count == 5)  // process_name, thread_name, b, X, e
        for line in events.dropLast() { #expect(line.hasPrefix("{") && line.hasSuffix("},")) }
        #expect(events.last?.hasSuffix("}") == true)
        let complete = try #require(events.first { $0.contains("\"ph\":\"X\"") })
        #expect(complete.contains("\"ts\":1,") && complete.contains("\"dur\":2.25,"))
        #expect(complete.contains("\"tid\":3"))
        let begin = try #require(events.first { $0.contains("\"ph\":\"b\"") })
        let end = try #require(events.first { $0.contains("\"ph\":\"e\"") })
        #expect(begin.contains("\"ts\":0,") && end.contains("\"ts\":10.5,"))
        #expect(begin.contains("\"id\":\"0x9\"") && end.contains("\"id\":\"0x9\""))
    }
}

extension ChromeRoundTripTests {
    @Test("slices that start together are written enclosing one first, as viewers nest them by order")
    func equalStartsWriteParentFirst() throws {
        var builder = TraceBuilder(metadata: TraceMetadata(processName: "app", processID: 7))
        let thread = builder.thread(id: 1, name: "main")
        let task = builder.task(id: 1, name: "main")
        // Added child first: the trace keeps insertion order for equal begins.
        let child = builder.addSpan(name: builder.intern("child"), kind: .sync, begin: 1_000, end: 2_000, task: task, thread: thread)
        let parent = builder.addSpan(name: builder.intern("parent"), kind: .sync, begin: 1_000, end: 5_000, task: task, thread: thread)
        builder.setParent(of: child, to: parent)
        let text = String(decoding: ChromeTraceExporter.export(builder.build()), as: UTF8.self)
        let parentLine = try #require(text.range(of: "\"name\":\"parent\""))
        let childLine = try #require(text.range(of: "\"name\":\"child\""))
        #expect(parentLine.lowerBound < childLine.lowerBound)
    }
}

extension ChromeRoundTripTests {
    /// The X events of each thread, as (begin, end) in microseconds, in file order.
    static func threadSlices(_ text: String) throws -> [String: [(Double, Double)]] {
        var slices: [String: [(Double, Double)]] = [:]
        for line in text.split(separator: "\n") where line.contains("\"ph\":\"X\"") {
            let event = try JSONTestSupport.parse(String(line.hasSuffix(",") ? line.dropLast() : line))
            let thread = event["tid"]?.numberValue?.description ?? "?"
            let begin = try #require(event["ts"]?.numberValue?.doubleValue)
            let duration = try #require(event["dur"]?.numberValue?.doubleValue)
            slices[thread, default: []].append((begin, begin + duration))
        }
        return slices
    }

    @Test("each thread's X events nest, so viewers stack them; spans that would not become async tracks",
          arguments: ["chrome-browser.json", "tracing-chrome.json", "clang-time-trace.json"])
    func threadSlicesNest(fixture: String) throws {
        let trace = try TraceLoader.load(path: ChromeTestSupport.fixturePath(fixture)).trace
        let text = String(decoding: ChromeTraceExporter.export(trace), as: UTF8.self)
        for (thread, slices) in try Self.threadSlices(text) {
            var open: [Double] = []
            for (begin, end) in slices.sorted(by: { ($0.0, -$0.1) < ($1.0, -$1.1) }) {
                while let top = open.last, top <= begin { open.removeLast() }
                if let top = open.last { #expect(end <= top, "thread \(thread): [\(begin), \(end)] crosses the end of a slice at \(top)") }
                open.append(end)
            }
        }
        let again = try ChromeTraceImporter.read(bytes: Array(text.utf8), path: "again.json").trace
        #expect(ChromeTestSupport.canonicalSpans(again) == ChromeTestSupport.canonicalSpans(trace))
    }
}

extension ChromeRoundTripTests {
    @Test("jobs and sync spans of a thread are written nested; a span crossing a job's end becomes async")
    func jobsNestWithSpans() throws {
        var builder = TraceBuilder(metadata: TraceMetadata(processName: "app", processID: 7))
        let thread = builder.thread(id: 1, name: "executor", isExecutor: true)
        let task = builder.task(id: 1, name: "alice")
        builder.addSlice(task: task, thread: thread, enqueued: 0, started: 1_000, ended: 9_000)
        builder.addSpan(name: builder.intern("inside"), kind: .sync, begin: 2_000, end: 3_000, task: task, thread: thread)
        builder.addSpan(name: builder.intern("crossing"), kind: .sync, begin: 8_000, end: 12_000, task: task, thread: thread)
        let trace = builder.build()
        let text = String(decoding: ChromeTraceExporter.export(trace), as: UTF8.self)
        let inside = try #require(text.split(separator: "\n").first { $0.contains("\"inside\"") })
        let crossing = try #require(text.split(separator: "\n").first { $0.contains("\"crossing\"") })
        #expect(inside.contains("\"ph\":\"X\""))
        #expect(crossing.contains("\"ph\":\"b\""))
        let again = try ChromeTraceImporter.read(bytes: Array(text.utf8), path: "again.json").trace
        #expect(ChromeTestSupport.canonicalSpans(again) == ChromeTestSupport.canonicalSpans(trace))
        #expect(ChromeTestSupport.canonicalSlices(again) == ChromeTestSupport.canonicalSlices(trace))
    }
}
