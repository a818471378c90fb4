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

    @Test("the collector file exporter's JSON lines, camelCase and snake_case, typed values, events and enum names")
    func collectorFile() throws {
        let result = try TraceLoader.load(path: ChromeTestSupport.fixturePath("otlp-collector-file.json"))
        #expect(result.format == .otlp)
        #expect(result.warnings.isEmpty)
        let trace = result.trace
        #expect(trace.metadata.processName == "chat-server" && trace.metadata.processID == 3141)
        #expect(trace.spanCount == 3, "the span event is an event, not a span")
        let post = try Self.span("POST /messages", in: trace)
        let insert = try Self.span("INSERT messages", in: trace)
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
        // Typed values stay typed; `thread.id` and `thread.name` stay attributes too.
        let postAttributes = trace.typedAttributes(ofSpan: post)
        #expect(postAttributes.map(\.key) == ["http.request.method", "http.response.status_code", "thread.id", "thread.name"])
        #expect(postAttributes[1].value == .int(201))
        #expect(trace.typedAttributes(ofSpan: insert).map(\.value) == [
            .string("postgresql"), .double(1.5), .bool(false), .array([.string("a"), .int(2)]),
        ])
        #expect(trace.attribute("tags", ofSpan: insert) == #"["a", 2]"#)
        #expect(trace.spanStatus[insert] == .error && trace.errorMessage(ofSpan: insert) == "deadlock detected")
        #expect(trace.attribute("error", ofSpan: insert) == nil, "the status message is not made an attribute")
        #expect(trace.spanStatus[post] == .ok && trace.telemetry(ofSpan: post)?.statusCode == .ok)
        #expect(trace.spanStatus[health] == .error)
        #expect(trace.spanKind.allSatisfy { $0 == .unknown })
        #expect(trace.telemetry(ofSpan: post)?.kind == .server)
        #expect(trace.telemetry(ofSpan: insert)?.kind == .client)
        #expect(trace.telemetry(ofSpan: health)?.kind == .server, "enum names read as their numbers")
        #expect(trace.telemetry(ofSpan: post)?.flags == 257)
        #expect(trace.telemetry(ofSpan: post).map { OTLPIdentifiers.hex($0.traceID) } == "5b8efff798038103d269b633813fc60c")
        #expect(trace.telemetry(ofSpan: insert)?.parentSpanID == 0xeee1_9b7e_c3c1_b174)
        let events = trace.events(ofSpan: post)
        #expect(events.count == 1)
        #expect(events.first.map { trace.strings[$0.name] } == "message stored")
        #expect(events.first?.time == 1_732_000_000_200_000_000)
        #expect(trace.telemetry.resources.count == 2, "two resources: their attributes differ")
        #expect(trace.telemetry.scopes.map { trace.strings[$0.name] } == ["hummingbird", "hummingbird"])
        #expect(trace.telemetry.resources.first.map { trace.strings[$0.schemaURL] } == "https://opentelemetry.io/schemas/1.26.0")
    }

    @Test("bad OTLP gets a one-line error that names the format", arguments: [
        ("[{\"resourceSpans\": []}]", "OTLP JSON, but the request is an array, not an ExportTraceServiceRequest object"),
        ("{\"resourceSpans\": {}}", "OTLP JSON, but \"resourceSpans\" is an object, not an array"),
        ("{\"resourceSpans\": [], \"x\": tru}", "OTLP JSON damaged before any whole span: expected a JSON value at byte 27"),
        ("{\"resourceSpans\": [{\"scopeSpans\": [", "OTLP JSON cut off at byte 35 before any whole span"),
        ("{\"spans\": []}", "OTLP JSON, but the request has no \"resourceSpans\" (its keys: \"spans\")"),
        ("\n \n", "the file holds only white space"),
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
            "skipped 1 bad line of JSON Lines: line 2 (cut off at byte 339)",
            "skipped 1 span without a valid traceId (32 hex digits) and spanId (16 hex digits)",
            "1 span named a parent that is not in the file (and not remote); shown as roots",
        ])
    }

    @Test("64-bit integers written as strings of any length read exactly; bad digits read as 0", arguments: [
        ("7", Int64(7)), ("12345678", 12_345_678), ("123456789", 123_456_789), ("1234567890123456", 1_234_567_890_123_456),
        ("12345678901234567", 12_345_678_901_234_567), ("1732000000123456789", 1_732_000_000_123_456_789),
        ("9223372036854775807", .max), ("18446744073709551615", -1), ("-42", -42), ("-1234567890123456789", -1_234_567_890_123_456_789),
        ("18446744073709551616", 0), ("12345x78", 0), ("1234567x9", 0), ("", 0), ("１２", 0),
    ])
    func integerStrings(text: String, value: Int64) throws {
        let request = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789abcdef","name":"a","startTimeUnixNano":"0","endTimeUnixNano":"0","attributes":[{"key":"n","value":{"intValue":"\#(text)"}}]}]}]}]}"#
        let (trace, _) = try OTLPTraceImporter.read(bytes: Array(request.utf8), path: "n.json")
        #expect(trace.typedAttributes(ofSpan: 0).first?.value == .int(value))
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
