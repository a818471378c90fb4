import LanesModel
import LanesWriter
import Testing
@testable import LanesFormat

/// Imports of hand-written files in the shapes real tracers write.
@Suite("Chrome import")
struct ChromeImportTests {
    typealias Support = ChromeTestSupport

    static func load(_ fixture: String) throws -> (trace: Trace, warnings: [TraceReadWarning]) {
        let result = try TraceLoader.load(path: Support.fixturePath(fixture))
        #expect(result.format == .chrome)
        return (result.trace, result.warnings)
    }

    /// The only span named `name`.
    static func span(_ name: String, in trace: Trace) throws -> Int {
        let matches = (0..<trace.spanCount).filter { trace.name(ofSpan: $0) == name }
        try #require(matches.count == 1, "\(matches.count) spans named \(name)")
        return matches[0]
    }

    static func parentName(_ span: Int, in trace: Trace) -> String? {
        trace.parent(ofSpan: span).map { trace.name(ofSpan: $0) }
    }

    @Test("Rust tracing-chrome: B/E pairs per thread, thread names, instants, args merged from E")
    func tracingChrome() throws {
        let (trace, warnings) = try Self.load("tracing-chrome.json")
        #expect(warnings.isEmpty)
        #expect(trace.spanCount == 4)
        let request = try Self.span("handle_request", in: trace)
        #expect(trace.spanBegin[request] == 3_100 && trace.spanEnd[request] == 40_000)
        #expect(trace.name(ofThread: Int(trace.spanThread[request])) == "main")
        #expect(trace.name(ofTask: Int(trace.spanTask[request])) == "main")
        #expect(trace.spanKind[request] == .unknown)
        #expect(trace.attribute("path", ofSpan: request) == "/chat")
        let parse = try Self.span("parse", in: trace)
        #expect(trace.spanBegin[parse] == 10_250 && trace.spanEnd[parse] == 15_750)
        #expect(Self.parentName(parse, in: trace) == "handle_request")
        let query = try Self.span("query", in: trace)
        #expect(trace.name(ofThread: Int(trace.spanThread[query])) == "tokio-runtime-worker")
        #expect(trace.spanTask[query] != trace.spanTask[request])
        #expect(trace.attributes(ofSpan: query).map(\.key) == ["sql", "rows"])
        #expect(trace.parent(ofSpan: query) == nil)
        let mark = try Self.span("event src/main.rs:52", in: trace)
        #expect(trace.spanFlags[mark].contains(.instant))
        #expect(trace.spanBegin[mark] == 31_000 && trace.spanEnd[mark] == 31_000)
        #expect(Self.parentName(mark, in: trace) == "handle_request")
    }

    @Test("tracing-chrome after a crash: whole events kept, open spans closed and marked")
    func tracingChromeCrashed() throws {
        let (trace, warnings) = try Self.load("tracing-chrome-crashed.json")
        #expect(warnings.map(\.message) == [
            "cut off after 5 events: the last event was incomplete",
            "2 spans never ended (B/b without E/e); closed at the last timestamp",
        ])
        let request = try Self.span("handle_request", in: trace)
        let render = try Self.span("render", in: trace)
        #expect(trace.spanStatus[request] == .unfinished && trace.spanStatus[render] == .unfinished)
        #expect(trace.spanEnd[request] == 16_000)
        #expect(trace.spanStatus[try Self.span("parse", in: trace)] == .ok)
        #expect(!trace.metadata.finishedCleanly)
    }

    @Test("viztracer: object form, X events out of order, float microseconds exact to the nanosecond")
    func viztracer() throws {
        let (trace, warnings) = try Self.load("viztracer.json")
        #expect(warnings.isEmpty)
        #expect(trace.metadata.processName == "python3 fib.py" && trace.metadata.processID == 4100)
        let main = try Self.span("main (fib.py:8)", in: trace)
        let fib = try Self.span("fib (fib.py:1)", in: trace)
        let print = try Self.span("builtins.print", in: trace)
        #expect(trace.spanBegin[fib] == 1_732_000_000_000_100_123)
        #expect(trace.spanEnd[fib] == 1_732_000_000_000_152_498)
        #expect(trace.spanBegin[main] == 1_732_000_000_000_090_500)
        #expect(trace.duration(ofSpan: print) == 10_001)
        #expect(Self.parentName(fib, in: trace) == "main (fib.py:8)")
        #expect(Self.parentName(print, in: trace) == "fib (fib.py:1)")
        let worker = try Self.span("worker (fib.py:4)", in: trace)
        #expect(trace.name(ofThread: Int(trace.spanThread[worker])) == "Thread-1 (worker)")
        #expect(trace.name(ofTask: Int(trace.spanTask[main])) == "MainThread")
    }

    @Test("Chrome: async b/e/n with id2, thread time, sort indexes, counters, skipped flows")
    func chromeBrowser() throws {
        let (trace, warnings) = try Self.load("chrome-browser.json")
        #expect(warnings.map(\.message) == ["skipped 2 events of phases Lanes does not read (f, s)"])
        #expect(trace.counters == [CounterSeries(name: "UpdateCounters", key: "jsHeapSizeUsed", times: [5_500_000], values: [1_048_576])])
        #expect(trace.spanCount == 7)
        #expect(trace.metadata.processName == "Browser")
        // thread_sort_index -1 puts the pool worker's lane before the main thread's.
        #expect(trace.name(ofTask: 0) == "ThreadPoolForegroundWorker")
        let runTask = try Self.span("RunTask", in: trace)
        #expect(trace.cpuNanoseconds(ofSpan: runTask) == 900_000)
        let parseHTML = try Self.span("ParseHTML", in: trace)
        #expect(Self.parentName(parseHTML, in: trace) == "RunTask")
        #expect(trace.attribute("data", ofSpan: parseHTML) == #"{"frame":"F1","url":"https://example.test/"}"#)
        let navigation = try Self.span("NavigationRequest", in: trace)
        let willStart = try Self.span("WillStartRequest", in: trace)
        let redirect = try Self.span("Redirect", in: trace)
        #expect(trace.spanBegin[navigation] == 4_900_000 && trace.spanEnd[navigation] == 6_100_000)
        #expect(trace.spanEnd[willStart] == 5_400_000)
        #expect(trace.spanTask[navigation] == trace.spanTask[willStart])
        #expect(trace.spanTask[navigation] != trace.spanTask[runTask])
        #expect(trace.name(ofTask: Int(trace.spanTask[navigation])) == "NavigationRequest")
        #expect(Self.parentName(willStart, in: trace) == "NavigationRequest")
        #expect(trace.spanFlags[redirect].contains(.instant))
        #expect(Self.parentName(redirect, in: trace) == "WillStartRequest")
        #expect(trace.name(ofThread: Int(trace.spanThread[willStart])) == "ThreadPoolForegroundWorker")
        let paint = try Self.span("firstPaint", in: trace)
        #expect(trace.spanFlags[paint].contains(.instant))
        #expect(Self.parentName(paint, in: trace) == "RunTask")
    }

    @Test("clang -ftime-trace: children written before parents nest by time, longest first at equal begins")
    func clangTimeTrace() throws {
        let (trace, warnings) = try Self.load("clang-time-trace.json")
        #expect(warnings.isEmpty)
        #expect(trace.metadata.processName == "clang-18")
        let execute = try Self.span("ExecuteCompiler", in: trace)
        #expect(trace.parent(ofSpan: execute) == nil)
        #expect(Self.parentName(try Self.span("Frontend", in: trace), in: trace) == "ExecuteCompiler")
        #expect(Self.parentName(try Self.span("Backend", in: trace), in: trace) == "ExecuteCompiler")
        #expect(Self.parentName(try Self.span("ParseClass", in: trace), in: trace) == "Frontend")
        let sources = (0..<trace.spanCount).filter { trace.name(ofSpan: $0) == "Source" }
        #expect(sources.count == 2)
        let outer = try #require(sources.first { trace.attribute("detail", ofSpan: $0) == "src/chat.h" })
        let inner = try #require(sources.first { trace.attribute("detail", ofSpan: $0) == "/usr/include/stdio.h" })
        #expect(trace.parent(ofSpan: inner) == outer)
        #expect(Self.parentName(outer, in: trace) == "Frontend")
        // `Total …` events are totals, not spans: no lane of their own.
        #expect(!(0..<trace.spanCount).contains { trace.name(ofSpan: $0).hasPrefix("Total ") })
        #expect(!trace.tasks.contains { $0.name.hasPrefix("Total ") })
        #expect(trace.totals.first { $0.name == "Total Source" } == ProducerTotal(name: "Total Source", nanoseconds: 7_014_000, count: 2))
    }

    @Test("times, pids and tids written as numeric strings")
    func numericStrings() throws {
        let (trace, warnings) = try Self.load("numeric-strings.json")
        #expect(warnings.map(\.message) == ["skipped 1 event without a usable \"ts\" timestamp"])
        let outer = try Self.span("outer", in: trace)
        let inner = try Self.span("inner", in: trace)
        let exponent = try Self.span("exponent", in: trace)
        #expect(trace.spanBegin[outer] == 1_500 && trace.spanEnd[outer] == 11_750)
        #expect(trace.spanBegin[inner] == 2_001 && trace.spanEnd[inner] == 3_000)
        #expect(trace.spanBegin[exponent] == 12_000 && trace.spanEnd[exponent] == 12_500)
        #expect(trace.parent(ofSpan: inner) == outer)
        #expect(trace.metadata.processID == 9)
        #expect(trace.threads.map(\.id) == [3] && trace.threads.first?.name == "worker")
    }

    @Test("legacy async S/F pairs by id; unknown phases and unmatched ends are counted")
    func legacyAsync() throws {
        let (trace, warnings) = try Self.load("legacy-async.json")
        #expect(warnings.map(\.message) == [
            "skipped 2 events of phases Lanes does not read (P, T)",
            "ignored 1 end event (E/e/F) with no matching begin",
        ])
        #expect(trace.spanCount == 2)
        let spans = (0..<trace.spanCount).sorted { trace.spanBegin[$0] < trace.spanBegin[$1] }
        #expect(spans.map { trace.spanBegin[$0] } == [100_000, 120_000])
        #expect(spans.map { trace.spanEnd[$0] } == [400_000, 260_000])
        #expect(trace.spanTask[spans[0]] != trace.spanTask[spans[1]])
        #expect(trace.parent(ofSpan: spans[1]) == nil)
    }

    @Test("instant events of every scope are zero-length spans nested by time")
    func instants() throws {
        let (trace, warnings) = try Self.load("instants.json")
        #expect(warnings.isEmpty)
        for name in ["thread mark", "process mark", "global mark"] {
            let mark = try Self.span(name, in: trace)
            #expect(trace.spanFlags[mark].contains(.instant))
            #expect(trace.duration(ofSpan: mark) == 0)
        }
        #expect(Self.parentName(try Self.span("thread mark", in: trace), in: trace) == "frame")
        #expect(Self.parentName(try Self.span("process mark", in: trace), in: trace) == "frame")
        #expect(trace.parent(ofSpan: try Self.span("global mark", in: trace)) == nil)
    }

    @Test("names with control characters, escapes, surrogates and bad UTF-8 are kept, and exported escaped")
    func hostileNames() throws {
        let (trace, warnings) = try Self.load("hostile-names.json")
        #expect(warnings.isEmpty)
        let names = Set((0..<trace.spanCount).map { trace.name(ofSpan: $0) })
        #expect(names == [
            "evil\u{1B}[31mred\u{07}\r\nline",
            "snow ☃ and 😀 and lone \u{FFFD} end",
            "raw \u{01} control and bad utf8 \u{FFFD}\u{FFFD}",
        ])
        #expect(trace.threads.first?.name == "\u{1B}]0;pwned\u{07}")
        let exported = ChromeTraceExporter.export(trace)
        #expect(!exported.contains { $0 < 0x20 && $0 != 0x0A })
        let again = try ChromeTraceImporter.read(bytes: exported, path: "again.json").trace
        #expect(Set((0..<again.spanCount).map { again.name(ofSpan: $0) }) == names)
    }

    @Test("JSON that is not a trace gets a one-line error saying what is wrong", arguments: [
        ("[1, 2, 3]", "not a trace: element 1 of the array (byte 1) is a number, not an event object", TraceFileError.Kind.notATrace),
        ("{\"hello\": \"world\"}", "a JSON object with neither a \"traceEvents\" array (Chrome JSON) nor \"resourceSpans\" (OTLP JSON)", .notATrace),
        ("{\"traceEvents\": 5}", "not a trace: \"traceEvents\" is not an array", .notATrace),
        ("[{\"name\": \"x\"}, {\"name\": \"y\"}]", "no event has a \"ph\" phase field", .notATrace),
        ("\"just a string\"", "not a trace: JSON traces start with '[' or '{'", .notATrace),
        ("[{\"ph\": \"X\" \"ts\": 1}]", "not valid JSON: expected '}' or ',' in an object at byte 12", .damaged),
        ("{\"traceEvents\" [", "not valid JSON: expected ':' after an object key at byte 15", .notATrace),
    ])
    func notATrace(text: String, reason: String, kind: TraceFileError.Kind) throws {
        let error = try #require(throws: TraceFileError.self) { try Support.importChrome(text) }
        #expect(error.reason == reason)
        #expect(error.kind == kind)
        #expect(error.format == .chrome)
        #expect(error.description == "lanes: test.json: \(reason) (read as Chrome JSON)")
        #expect(!error.description.contains("\n"))
    }

    @Test("a file of white space is empty, in any format's words")
    func whiteSpace() throws {
        let error = try #require(throws: TraceFileError.self) { try Support.importChrome("  \n ") }
        #expect(error.kind == .empty)
        #expect(error.description == "lanes: test.json: the file holds only white space")
    }

    @Test("both forms of the same events give the same spans")
    func bothForms() throws {
        let events = """
            {"ph":"B","name":"a","ts":1,"pid":1,"tid":1},{"ph":"X","name":"b","ts":2,"dur":3,"pid":1,"tid":1},
            {"ph":"E","ts":9,"pid":1,"tid":1},{"ph":"b","name":"c","cat":"k","id":"0x1","ts":4,"pid":1},
            {"ph":"e","name":"c","cat":"k","id":"0x1","ts":8,"pid":1}
            """
        let array = try Support.importChrome("[\(events)]")
        let object = try Support.importChrome("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\(events)],\"otherData\":{\"v\":1}}")
        #expect(array.warnings.isEmpty && object.warnings.isEmpty)
        #expect(array.trace.spanCount == 3)
        #expect(Support.canonicalSpans(array.trace) == Support.canonicalSpans(object.trace))
    }

    @Test("pids and tids written as names become named processes and threads")
    func namedIdentifiers() throws {
        let (trace, warnings) = try Support.importChrome("""
            [{"ph":"X","name":"paint","ts":1,"dur":2,"pid":"Renderer","tid":"Compositor"},
             {"ph":"X","name":"io","ts":1,"dur":2,"pid":"Renderer","tid":"IO"}]
            """)
        #expect(warnings.isEmpty)
        #expect(trace.metadata.processName == "Renderer")
        #expect(Set(trace.threads.map(\.name)) == ["Compositor", "IO"])
        #expect(Set(trace.tasks.map(\.name)) == ["Compositor", "IO"])
    }

    @Test("threads of several processes whose combined ids collide still get valid thread indexes")
    func collidingThreadIDs() throws {
        let (trace, _) = try Support.importChrome("""
            [{"ph":"X","name":"a","ts":1,"dur":2,"pid":1,"tid":5},
             {"ph":"X","name":"b","ts":1,"dur":2,"pid":1,"tid":4294967301},
             {"ph":"X","name":"c","ts":1,"dur":2,"pid":2,"tid":5}]
            """)
        #expect(trace.spanCount == 3)
        for span in 0..<trace.spanCount {
            #expect(trace.spanThread[span] >= 0 && Int(trace.spanThread[span]) < trace.threads.count)
        }
    }
}
