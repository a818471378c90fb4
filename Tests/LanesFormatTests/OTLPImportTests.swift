import LanesModel
import LanesWriter
import Testing
@testable import LanesFormat

@Suite("OTLP import")
struct OTLPImportTests {
    static func span(_ name: String, in trace: Trace) throws -> Int {
        let matches = (0..<trace.spanCount).filter { trace.name(ofSpan: $0) == name }
        try #require(matches.count == 1, "\(matches.count) spans named \(name)")
        return matches[0]
    }

    @Test("the collector file exporter's JSON lines, camelCase and snake_case, events and enum names")
    func collectorFile() throws {
        let result = try TraceLoader.load(path: ChromeTestSupport.fixturePath("otlp-collector-file.json"))
        #expect(result.format == .otlp)
        #expect(result.warnings.isEmpty)
        let trace = result.trace
        #expect(trace.metadata.processName == "chat-server" && trace.metadata.processID == 3141)
        #expect(trace.spanCount == 4)
        let post = try Self.span("POST /messages", in: trace)
        let insert = try Self.span("INSERT messages", in: trace)
        let stored = try Self.span("message stored", in: trace)
        let health = try Self.span("GET /health", in: trace)
        // Without Lanes' clock pair, times stay Unix nanoseconds.
        #expect(trace.spanBegin[post] == 1_732_000_000_100_000_000)
        #expect(trace.duration(ofSpan: post) == 250_000_000)
        #expect(trace.parent(ofSpan: insert) == post)
        #expect(trace.spanTask[insert] == trace.spanTask[post])
        #expect(trace.spanTask[health] != trace.spanTask[post])
        #expect(trace.name(ofTask: Int(trace.spanTask[post])) == "POST /messages")
        #expect(trace.name(ofThread: Int(trace.spanThread[post])) == "NIO-ELT-0-#0")
        #expect(trace.threads.first?.id == 17)
        #expect(trace.attribute("http.response.status_code", ofSpan: post) == "201")
        #expect(trace.attribute("db.rows", ofSpan: insert) == "1.5")
        #expect(trace.attribute("retry", ofSpan: insert) == "false")
        #expect(trace.attribute("tags", ofSpan: insert) == #"["a",2]"#)
        #expect(trace.spanStatus[insert] == .error && trace.attribute("error", ofSpan: insert) == "deadlock detected")
        #expect(trace.spanStatus[post] == .ok)
        #expect(trace.spanStatus[health] == .error)
        #expect(trace.parent(ofSpan: stored) == post)
        #expect(trace.spanFlags[stored].contains(.instant))
        #expect(trace.spanBegin[stored] == 1_732_000_000_200_000_000)
        #expect(trace.attribute("size", ofSpan: stored) == "512")
        #expect(trace.spanKind.allSatisfy { $0 == .unknown })
    }

    @Test("bad OTLP gets a one-line error saying what is wrong", arguments: [
        ("[{\"resourceSpans\": []}]", "not OTLP JSON: expected an ExportTraceServiceRequest object, found an array"),
        ("{\"resourceSpans\": {}}", "not OTLP JSON: \"resourceSpans\" is an object, not an array"),
        ("{\"resourceSpans\": [], \"x\": tru}", "not valid JSON: expected a JSON value at byte 27"),
        ("{\"resourceSpans\": [{\"scopeSpans\": [", "not valid JSON: the JSON stops in the middle of a value at byte 35"),
        ("{\"resourceSpans\": []}\n{\"hello\": 1}", "request 2 (byte 22): not OTLP JSON: the object has no \"resourceSpans\""),
        ("{\"spans\": []}", "not OTLP JSON: the object has no \"resourceSpans\""),
    ])
    func badOTLP(text: String, reason: String) throws {
        let error = try #require(throws: TraceFileError.self) {
            try OTLPTraceImporter.read(bytes: Array(text.utf8), path: "bad.json")
        }
        #expect(error.reason == reason)
        #expect(error.description == "lanes: bad.json: \(reason) (read as OTLP JSON)")
        #expect(!error.description.contains("\n"))
    }

    @Test("malformed ids, missing parents and a cut-off last line are warnings, not failures")
    func recoverableDamage() throws {
        let good = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789abcdef","parentSpanId":"1111111111111111","name":"orphan","startTimeUnixNano":"10","endTimeUnixNano":"20"},{"traceId":"12","spanId":"0123456789abcdef","name":"short id"}]}]}]}"#
        let text = good + "\n" + #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"#
        let (trace, warnings) = try OTLPTraceImporter.read(bytes: Array(text.utf8), path: "damaged.json")
        #expect(trace.spanCount == 1)
        #expect(trace.parent(ofSpan: 0) == nil)
        #expect(warnings.map(\.message) == [
            "read 1 request; the one at byte 285 was cut off and was skipped",
            "skipped 1 span without a valid traceId (32 hex digits) and spanId (16 hex digits)",
            "1 span named a parent that is not in the file; shown as roots",
        ])
    }

    @Test("a pretty-printed request spread over many lines reads like a one-line one")
    func prettyPrinted() throws {
        var builder = TraceBuilder(metadata: TraceMetadata(processName: "svc", processID: 3, unixNanosecondsAtClock: 1_000_000))
        let task = builder.task(id: 1, name: "t")
        builder.addSpan(name: builder.intern("a"), kind: .async, begin: 10, end: 20, task: task)
        let oneLine = String(decoding: OTLPTraceExporter.export(builder.build()), as: UTF8.self)
        let pretty = oneLine.replacingOccurrences(of: ",", with: ",\n  ").replacingOccurrences(of: "{", with: "{\n ")
        let compact = try OTLPTraceImporter.read(bytes: Array(oneLine.utf8), path: "one.json")
        let spread = try OTLPTraceImporter.read(bytes: Array(pretty.utf8), path: "pretty.json")
        #expect(spread.warnings.isEmpty)
        #expect(ChromeTestSupport.canonicalSpans(spread.trace) == ChromeTestSupport.canonicalSpans(compact.trace))
        #expect(spread.trace.spanCount == 1)
    }

    @Test("random byte damage to an export never crashes the importer")
    func randomDamage() throws {
        let bytes = OTLPTraceExporter.export(ChromeTestSupport.randomTrace(seed: 5))
        var random = SplitMix64(seed: 17)
        let interesting: [UInt8] = Array("{}[]\",:\\0123456789abcdef.-".utf8) + [0xFF]
        for _ in 0..<300 {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                damaged[Int.random(in: 0..<damaged.count, using: &random)] = interesting.randomElement(using: &random)!
            }
            if let result = try? OTLPTraceImporter.read(bytes: damaged, path: "damaged.json") {
                #expect(ChromeTruncationTests.isConsistent(result.trace))
            }
        }
    }
}
