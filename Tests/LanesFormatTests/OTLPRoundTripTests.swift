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

    @Test("recorded W3C trace context and span kinds are exported, so services' spans join one trace")
    func recordedTraceContext() throws {
        var builder = TraceBuilder()
        let task = builder.task(id: 1)
        let request = builder.addSpan(name: builder.intern("GET /inbox"), kind: .handler, begin: 0, end: 9_000, task: task)
        builder.addAttribute(to: request, key: "span.kind", value: "server")
        builder.addAttribute(to: request, key: "trace_id", value: "4bf92f3577b34da6a3ce929d0e0e4736")
        builder.addAttribute(to: request, key: "parent_span_id", value: "00f067aa0ba902b7")
        let call = builder.addSpan(name: builder.intern("GET /users"), kind: .async, begin: 1_000, end: 5_000,
                                   parent: request, task: task)
        builder.addAttribute(to: call, key: "span.kind", value: "client")
        builder.addAttribute(to: call, key: "span_id", value: "b7ad6b7169203331")
        let inner = builder.addSpan(name: builder.intern("decode"), kind: .sync, begin: 2_000, end: 3_000, parent: call, task: task)
        builder.addAttribute(to: inner, key: "trace_id", value: "not hex at all, ignored")
        let text = String(decoding: OTLPTraceExporter.export(builder.build()), as: UTF8.self)
        let spans = try #require(JSONTestSupport.parse(text)["resourceSpans"]?.elements?.first?["scopeSpans"]?.elements?.first?["spans"]?.elements)
        let requestSpan = try #require(spans.first { $0["name"] == .string("GET /inbox") })
        let callSpan = try #require(spans.first { $0["name"] == .string("GET /users") })
        let innerSpan = try #require(spans.first { $0["name"] == .string("decode") })
        for span in [requestSpan, callSpan, innerSpan] {
            #expect(span["traceId"] == .string("4bf92f3577b34da6a3ce929d0e0e4736"), "the whole tree joins the caller's trace")
        }
        #expect(requestSpan["parentSpanId"] == .string("00f067aa0ba902b7"), "the remote parent from traceparent")
        #expect(callSpan["spanId"] == .string("b7ad6b7169203331"), "the id sent downstream in traceparent")
        #expect(innerSpan["parentSpanId"] == .string("b7ad6b7169203331"))
        #expect(requestSpan["kind"] == .number(JSONNumber(2)))
        #expect(callSpan["kind"] == .number(JSONNumber(3)))
        #expect(innerSpan["kind"] == .number(JSONNumber(1)))
    }
}
