import Lanes
import LanesModel
import LanesTracing
import Testing
import Tracing

/// W3C `traceparent`: parsing, inject → extract round trips, and one trace id across services.
@Suite struct TraceParentTests {
    /// HTTP headers, as a dictionary carrier.
    struct HeaderInjector: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
            carrier[key] = value
        }
    }

    struct HeaderExtractor: Extractor {
        func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
    }

    @Test func parsesTheSpecificationExample() throws {
        let parent = try #require(TraceParent(header: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        #expect(parent.traceIDText == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(parent.spanIDText == "00f067aa0ba902b7")
        #expect(parent.flags == 1)
        #expect(parent.description == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        // A later version may append fields; leading and trailing blanks are tolerated.
        #expect(TraceParent(header: "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-what-the-future-holds")?.flags == 0)
        #expect(TraceParent(header: " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\t") == parent)
    }

    @Test(arguments: [
        "",
        "garbage",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",  // no flags
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  // version 00 has no more fields
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // uppercase
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // zero span id
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // forbidden version
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",  // wrong separators
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",  // not hex
        "00-+bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // sign
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",  // future version without a dash
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\u{1B}[2J",  // escape sequence
    ])
    func rejectsMalformedHeaders(header: String) {
        #expect(TraceParent(header: header) == nil)
    }

    @Test func malformedIncomingHeaderLeavesTheContextAlone() {
        var context = InstrumentationContext.topLevel
        TracingFixtures.tracer.extract(["traceparent": "00-zz"], into: &context, using: HeaderExtractor())
        #expect(context.isEmpty)
        #expect(context.lanesTraceParent == nil)
        var headers: [String: String] = [:]
        TracingFixtures.tracer.inject(context, into: &headers, using: HeaderInjector())
        #expect(headers.isEmpty)
    }

    @Test func injectThenExtractKeepsTheTraceAcrossServices() async throws {
        let tracer = TracingFixtures.tracer
        var sentTraceParent: TraceParent?
        var receivedTraceParent: TraceParent?
        let trace = try await TracingFixtures.record {
            // Service A: a client span sends a request.
            var headers: [String: String] = [:]
            tracer.withSpan("call service B", ofKind: .client) { span in
                tracer.inject(span.context, into: &headers, using: HeaderInjector())
                tracer.inject(span.context, into: &headers, using: HeaderInjector())  // a retry
                sentTraceParent = span.context.lanesTraceParent
            }
            headers["tracestate"] = "vendor=opaque"
            // Service B: extracts, handles, and calls on.
            var incoming = InstrumentationContext.topLevel
            tracer.extract(headers, into: &incoming, using: HeaderExtractor())
            receivedTraceParent = incoming.lanesTraceParent
            try tracer.withSpan("handle in B", context: incoming, ofKind: .server) { span in
                var outgoing: [String: String] = [:]
                tracer.withSpan("B calls C", ofKind: .client) { inner in
                    tracer.inject(inner.context, into: &outgoing, using: HeaderInjector())
                }
                let forwarded = try #require(outgoing["traceparent"].flatMap { TraceParent(header: $0) })
                #expect(forwarded.traceIDText == sentTraceParent?.traceIDText)
                #expect(forwarded.spanID != sentTraceParent?.spanID)
                #expect(outgoing["tracestate"] == "vendor=opaque")
                #expect(span.context.lanesTraceParent?.traceIDText == sentTraceParent?.traceIDText)
            }
        }
        let sent = try #require(sentTraceParent)
        #expect(receivedTraceParent == sent, "extract reads back exactly what inject wrote")
        // Every span records its ids and kind with its begin: an export carries what was sent.
        let sentTraceID = TraceID(high: sent.traceIDHigh, low: sent.traceIDLow)
        let client = try #require(trace.telemetry(ofSpan: trace.span(named: "call service B")))
        #expect(client.traceID == sentTraceID && client.spanID == sent.spanID && client.kind == .client)
        #expect(client.parentSpanID == 0)
        #expect(trace.attributes(ofSpan: trace.span(named: "call service B")).isEmpty, "ids are not attributes")
        let handlerSpan = trace.span(named: "handle in B")
        #expect(trace.parentName(of: handlerSpan) == nil, "a remote parent is not a local one")
        #expect(trace.spanKind[handlerSpan] == .handler)
        let handler = try #require(trace.telemetry(ofSpan: handlerSpan))
        #expect(handler.traceID == sentTraceID && handler.parentSpanID == sent.spanID && handler.kind == .server)
        #expect(handler.flags & 0x300 == 0x300, "OTLP flags: the parent is remote")
        let inner = try #require(trace.telemetry(ofSpan: trace.span(named: "B calls C")))
        #expect(inner.traceID == sentTraceID && inner.parentSpanID == handler.spanID)
        #expect(inner.flags & 0x300 == 0x100, "OTLP flags: the parent is local")
    }

    @Test func separateRequestsGetSeparateTraces() async throws {
        let tracer = TracingFixtures.tracer
        var ids: [String] = []
        let trace = try await TracingFixtures.record {
            for _ in 0..<3 {
                tracer.withSpan("request") { span in
                    ids.append(span.context.lanesTraceParent?.traceIDText ?? "")
                }
            }
        }
        #expect(Set(ids).count == 3)
        let recorded = trace.spans(named: "request").compactMap { trace.telemetry(ofSpan: $0) }
            .map { TraceParent(traceIDHigh: $0.traceID.high, traceIDLow: $0.traceID.low, spanID: 0).traceIDText }
        #expect(Set(recorded) == Set(ids), "each span records the trace id it propagates")
        #expect(ids.allSatisfy { $0.count == 32 && $0 != String(repeating: "0", count: 32) })
    }
}
