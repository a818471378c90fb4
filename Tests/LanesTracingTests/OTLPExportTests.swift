import Foundation
import Lanes
import LanesFormat
import LanesModel
import LanesTracing
import Testing
import Tracing

/// `withSpan` spans exported to OTLP carry what OpenTelemetry users rely on: the ids that went
/// out in `traceparent`, kinds, typed attributes, span events, links and status.
@Suite struct OTLPExportTests {
    /// The exported spans by name, as JSON objects.
    static func exportedSpans(_ trace: Trace) throws -> [String: [String: Any]] {
        let request = try #require(JSONSerialization.jsonObject(with: Data(OTLPTraceExporter.export(trace))) as? [String: Any])
        var spans: [String: [String: Any]] = [:]
        for resource in request["resourceSpans"] as? [[String: Any]] ?? [] {
            for scope in resource["scopeSpans"] as? [[String: Any]] ?? [] {
                for span in scope["spans"] as? [[String: Any]] ?? [] { spans[span["name"] as? String ?? ""] = span }
            }
        }
        return spans
    }

    @Test func swiftSpansExportWithTheIdsTheyPropagated() async throws {
        let tracer = TracingFixtures.tracer
        var sent: TraceParent?
        var linked: TraceParent?
        let trace = try await TracingFixtures.record {
            tracer.withSpan("enqueue", ofKind: .producer) { span in linked = span.context.lanesTraceParent }
            var headers: [String: String] = [:]
            try await tracer.withSpan("GET /users", ofKind: .client) { span in
                span.attributes["http.response.status_code"] = 200
                span.attributes["retry"] = false
                span.addEvent(SpanEvent(name: "sent", attributes: ["bytes": 512]))
                span.addLink(SpanLink(context: linkedContext(linked), attributes: ["why": "batch"]))
                tracer.inject(span.context, into: &headers, using: TraceParentTests.HeaderInjector())
                sent = span.context.lanesTraceParent
                try await Task.sleep(for: .milliseconds(1))
                span.setStatus(SpanStatus(code: .error, message: "503 from upstream"))
            }
        }
        let spans = try Self.exportedSpans(trace)
        let call = try #require(spans["GET /users"])
        let sentParent = try #require(sent)
        #expect(call["traceId"] as? String == sentParent.traceIDText)
        #expect(call["spanId"] as? String == sentParent.spanIDText)
        #expect(call["kind"] as? Int == 3)
        #expect(spans["enqueue"]?["kind"] as? Int == 4)
        let attributes = call["attributes"] as? [[String: Any]] ?? []
        #expect(attributes.first?["key"] as? String == "lanes", "Lanes' facts come first, in Lanes' scope")
        let status = attributes.first { $0["key"] as? String == "http.response.status_code" }?["value"] as? [String: Any]
        #expect(status?["intValue"] as? String == "200")
        let retry = attributes.first { $0["key"] as? String == "retry" }?["value"] as? [String: Any]
        #expect(retry?["boolValue"] as? Bool == false)
        let events = call["events"] as? [[String: Any]] ?? []
        #expect(events.map { $0["name"] as? String } == ["sent"])
        let links = call["links"] as? [[String: Any]] ?? []
        #expect(links.first?["spanId"] as? String == linked?.spanIDText)
        #expect(links.first?["traceId"] as? String == linked?.traceIDText)
        let callStatus = call["status"] as? [String: Any]
        #expect(callStatus?["code"] as? Int == 2 && callStatus?["message"] as? String == "503 from upstream")
        #expect(spans.count == 2, "the event is not a span")
    }

    /// A context that carries `parent` as the span to link to.
    func linkedContext(_ parent: TraceParent?) -> InstrumentationContext {
        var context = InstrumentationContext.topLevel
        let headers = parent.map { ["traceparent": $0.description] } ?? [:]
        TracingFixtures.tracer.extract(headers, into: &context, using: TraceParentTests.HeaderExtractor())
        return context
    }
}
