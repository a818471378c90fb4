import LanesModel
import LanesWriter
import Testing
@testable import LanesFormat

@Suite("OTLP export → import")
struct OTLPRoundTripTests {
    @Test("random traces keep spans, names, kinds, parents, times, threads and attributes", arguments: 1...40)
    func roundTrip(seed: Int) throws {
        let original = ChromeTestSupport.randomTrace(seed: UInt64(seed))
        let bytes = OTLPTraceExporter.export(original)
        #expect(TraceFileFormat.detect(bytes) == .otlp)
        let (imported, warnings) = try OTLPTraceImporter.read(bytes: bytes, path: "round-trip.otlp.json")
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(imported.spanCount == original.spanCount)
        let expected = ChromeTestSupport.canonicalSpans(original)
        let actual = ChromeTestSupport.canonicalSpans(imported)
        for (left, right) in zip(expected, actual) where left != right {
            Issue.record("span differs:\n  exported \(left)\n  imported \(right)")
            break
        }
        #expect(imported.metadata.processName == original.metadata.processName)
        #expect(imported.metadata.processID == original.metadata.processID)
        #expect(imported.metadata.clockAtStart == original.metadata.clockAtStart)
        #expect(imported.metadata.unixNanosecondsAtClock == original.metadata.unixNanosecondsAtClock)
    }

    @Test("ids are hex of the right length, times are Unix nanosecond strings, enums are integers")
    func exportShape() throws {
        var builder = TraceBuilder(metadata: TraceMetadata(
            processName: "chat", processID: 9, clockAtStart: 1_000, unixNanosecondsAtClock: 1_700_000_000_000_000_000))
        let task = builder.task(id: 5, name: "alice")
        let root = builder.addSpan(name: builder.intern("on_message"), kind: .handler, begin: 1_000, end: 9_000, task: task)
        let child = builder.addSpan(name: builder.intern("wait_for(3)"), kind: .sync, begin: 2_000, end: 3_500,
                                    parent: root, task: task, status: .error)
        builder.addAttribute(to: child, key: "error", value: "timed out")
        let text = String(decoding: OTLPTraceExporter.export(builder.build()), as: UTF8.self)
        #expect(text.hasSuffix("}\n") && text.filter { $0 == "\n" }.count == 1)
        let request = try JSONTestSupport.parse(text)
        let resource = try #require(request["resourceSpans"]?.elements?.first)
        let serviceName = resource["resource"]?["attributes"]?.elements?.first { $0["key"] == .string("service.name") }
        #expect(serviceName?["value"]?["stringValue"] == .string("chat"))
        let scope = try #require(resource["scopeSpans"]?.elements?.first)
        #expect(scope["scope"]?["name"] == .string("lanes"))
        let spans = try #require(scope["spans"]?.elements)
        #expect(spans.count == 2)
        let rootSpan = try #require(spans.first { $0["name"] == .string("on_message") })
        let childSpan = try #require(spans.first { $0["name"] == .string("wait_for(3)") })
        let traceID = try #require(rootSpan["traceId"]?.stringValue)
        #expect(traceID.count == 32 && traceID.allSatisfy(\.isHexDigit))
        #expect(childSpan["traceId"]?.stringValue == traceID)
        #expect(rootSpan["spanId"]?.stringValue?.count == 16)
        #expect(childSpan["parentSpanId"] == rootSpan["spanId"])
        #expect(rootSpan["parentSpanId"] == nil)
        #expect(childSpan["startTimeUnixNano"] == .string("1700000000000001000"))
        #expect(childSpan["endTimeUnixNano"] == .string("1700000000000002500"))
        #expect(childSpan["kind"] == .number(JSONNumber(1)))
        #expect(childSpan["status"]?["code"] == .number(JSONNumber(2)))
        #expect(childSpan["status"]?["message"] == .string("timed out"))
    }

    @Test("ids and kinds come from spans' OpenTelemetry facts; user attributes named like them stay attributes")
    func recordedTraceContext() throws {
        var builder = TraceBuilder()
        let task = builder.task(id: 1)
        let request = builder.addSpan(name: builder.intern("GET /inbox"), kind: .handler, begin: 0, end: 9_000, task: task)
        builder.setTelemetry(of: request, SpanTelemetry(
            traceID: TraceID(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736), spanID: 0x1111_2222_3333_4444,
            parentSpanID: 0x00f0_67aa_0ba9_02b7, flags: 0x301, kind: .server))
        let call = builder.addSpan(name: builder.intern("GET /users"), kind: .async, begin: 1_000, end: 5_000,
                                   parent: request, task: task)
        builder.setTelemetry(of: call, SpanTelemetry(
            traceID: TraceID(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736), spanID: 0xb7ad_6b71_6920_3331,
            parentSpanID: 0x1111_2222_3333_4444, kind: .client))
        // A user's attributes that happen to share names with ids and kinds are only attributes.
        builder.addAttribute(to: call, key: "trace_id", value: "ffffffffffffffffffffffffffffffff")
        builder.addAttribute(to: call, key: "span_id", value: "eeeeeeeeeeeeeeee")
        builder.addAttribute(to: call, key: "span.kind", value: "producer")
        let inner = builder.addSpan(name: builder.intern("decode"), kind: .sync, begin: 2_000, end: 3_000, parent: call, task: task)
        builder.addAttribute(to: inner, key: "lanes.task", value: "not a task")
        let text = String(decoding: OTLPTraceExporter.export(builder.build()), as: UTF8.self)
        let spans = try #require(JSONTestSupport.parse(text)["resourceSpans"]?.elements?.first?["scopeSpans"]?.elements?.first?["spans"]?.elements)
        let requestSpan = try #require(spans.first { $0["name"] == .string("GET /inbox") })
        let callSpan = try #require(spans.first { $0["name"] == .string("GET /users") })
        let innerSpan = try #require(spans.first { $0["name"] == .string("decode") })
        for span in [requestSpan, callSpan, innerSpan] {
            #expect(span["traceId"] == .string("4bf92f3577b34da6a3ce929d0e0e4736"), "the whole tree joins the caller's trace")
        }
        #expect(requestSpan["parentSpanId"] == .string("00f067aa0ba902b7"), "the remote parent")
        #expect(requestSpan["flags"] == .number(JSONNumber(0x301)))
        #expect(callSpan["spanId"] == .string("b7ad6b7169203331"), "the id sent downstream in traceparent")
        #expect(innerSpan["parentSpanId"] == .string("b7ad6b7169203331"))
        #expect(requestSpan["kind"] == .number(JSONNumber(2)))
        #expect(callSpan["kind"] == .number(JSONNumber(3)))
        #expect(innerSpan["kind"] == .number(JSONNumber(1)))
        let callAttributes = callSpan["attributes"]?.elements ?? []
        #expect(callAttributes.compactMap { $0["key"]?.stringValue } == ["lanes", "trace_id", "span_id", "span.kind"])

        // And back: the user's attributes are attributes again, never ids, kinds or tasks.
        let (imported, warnings) = try OTLPTraceImporter.read(bytes: Array(text.utf8), path: "ids.otlp.json")
        #expect(warnings.isEmpty, "\(warnings)")
        let importedCall = try OTLPImportTests.span("GET /users", in: imported)
        #expect(imported.telemetry(ofSpan: importedCall)?.spanID == 0xb7ad_6b71_6920_3331)
        #expect(imported.telemetry(ofSpan: importedCall)?.kind == .client)
        #expect(imported.attribute("span_id", ofSpan: importedCall) == "eeeeeeeeeeeeeeee")
        let importedInner = try OTLPImportTests.span("decode", in: imported)
        #expect(imported.attribute("lanes.task", ofSpan: importedInner) == "not a task")
        #expect(imported.tasks[Int(imported.spanTask[importedInner])].id == 1)
    }

    @Test("export → import → export gives the same bytes, for Lanes' own spans and imported ones", arguments: 1...10)
    func exportIsStable(seed: Int) throws {
        let first = OTLPTraceExporter.export(ChromeTestSupport.randomTrace(seed: UInt64(seed)))
        let (imported, _) = try OTLPTraceImporter.read(bytes: first, path: "first.json")
        let second = OTLPTraceExporter.export(imported)
        #expect(String(decoding: second, as: UTF8.self) == String(decoding: first, as: UTF8.self))
        let (reimported, _) = try OTLPTraceImporter.read(bytes: second, path: "second.json")
        #expect(reimported == imported)
    }
}
