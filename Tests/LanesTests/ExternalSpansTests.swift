import Lanes
import LanesModel
import Testing

/// The package-level entry point other instrumentation APIs record through.
@Suite("External spans")
struct ExternalSpansTests {
    @Test("explicit parents, attributes, events, errors and ends on another task")
    func explicitSpans() async throws {
        let trace = try await SpanTreeTests.record {
            let request = try #require(ExternalSpans.begin("request", parent: 0, attributes: [("method", "GET")]))
            let query = try #require(ExternalSpans.begin("query", parent: request.id))
            ExternalSpans.addEvent(query, name: "row")
            // End on another task, as a tracer's span may be.
            await Task.detached { ExternalSpans.end(query, errorMessage: "timeout") }.value
            await ExternalSpans.withCurrent(request) {
                await Lanes.span("lanes child") {}
            }
            ExternalSpans.setAttribute(request, key: "status", value: "504")
            ExternalSpans.end(request)
        }
        let request = trace.span(named: "request")
        #expect(trace.parent(ofSpan: request) == nil)
        #expect(trace.attribute("method", ofSpan: request) == "GET")
        #expect(trace.attribute("status", ofSpan: request) == "504")
        #expect(Set(trace.childNames(of: request)) == ["query", "lanes child"])
        let query = trace.span(named: "query")
        #expect(trace.spanStatus[query] == .error && trace.attribute("error", ofSpan: query) == "timeout")
        #expect(trace.childNames(of: query) == ["row"])
        #expect(trace.spanFlags[trace.span(named: "row")].contains(.instant))
    }

    @Test("a span still open when its recording finishes reads back as unfinished")
    func openAtFinish() async throws {
        let path = TraceFixtures.temporaryPath("open.lanes")
        var open: ExternalSpan?
        try await Lanes.record(to: path) { open = ExternalSpans.begin("left open") }
        let span = try #require(open)
        ExternalSpans.end(span)  // The recording has finished: ignored.
        let trace = try TraceFixtures.load(path)
        #expect(trace.spanStatus[trace.span(named: "left open")] == .unfinished)
    }
}
