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
        let client = trace.span(named: "call service B")
        #expect(trace.attribute("trace_id", ofSpan: client) == sent.traceIDText)
        #expect(trace.attribute("span_id", ofSpan: client) == sent.spanIDText)
        #expect(trace.attributes(ofSpan: client).filter { $0.key == "trace_id" }.count == 1, "recorded once")
        let handler = trace.span(named: "handle in B")
        #expect(trace.parentName(of: handler) == nil, "a remote parent is not a local one")
        #expect(trace.spanKind[handler] == .handler)
        #expect(trace.attribute("trace_id", ofSpan: handler) == sent.traceIDText)
        #expect(trace.attribute("parent_span_id", ofSpan: handler) == sent.spanIDText)
        // Only spans at a process boundary record ids.
        #expect(trace.attribute("trace_id", ofSpan: trace.span(named: "B calls C")) == sent.traceIDText)
        #expect(trace.attribute("parent_span_id", ofSpan: trace.span(named: "B calls C")) == nil)
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
        #expect(trace.spans(named: "request").allSatisfy { trace.attribute("trace_id", ofSpan: $0) == nil },
                "ids are recorded only where a trace leaves or enters the process")
        #expect(ids.allSatisfy { $0.count == 32 && $0 != String(repeating: "0", count: 32) })
    }
}
