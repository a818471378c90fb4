import Lanes
import LanesModel
import LanesTracing
import Testing
import Tracing

/// Two recordings in one process never give out the same W3C ids, though both number their
/// spans from 1.
@Suite struct RecordingIdentityTests {
    /// The `traceparent` the first root span of a fresh recording injects.
    private func firstInjectedTraceParent() async throws -> String {
        var headers: [String: String] = [:]
        _ = try await TracingFixtures.record {
            withSpan("GET /inbox", ofKind: .server) { span in
                TracingFixtures.tracer.inject(span.context, into: &headers, using: TraceParentTests.HeaderInjector())
            }
        }
        return try #require(headers["traceparent"])
    }

    @Test func twoRecordingsGiveOutDifferentTraceAndSpanIDs() async throws {
        let first = try #require(TraceParent(header: try await firstInjectedTraceParent()))
        let second = try #require(TraceParent(header: try await firstInjectedTraceParent()))
        #expect(first.traceIDText != second.traceIDText)
        #expect(first.spanIDText != second.spanIDText)
    }
}
