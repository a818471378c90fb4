import Foundation
import Lanes
import LanesFormat
import LanesModel
import LanesTracing
import Testing
import Tracing

/// `forceFlush()` makes what was recorded so far readable while the recording still runs.
@Suite struct FlushTests {
    @Test func forceFlushMakesSpansReadableBeforeTheRecordingFinishes() async throws {
        let tracer = TracingFixtures.tracer
        let path = TracingFixtures.temporaryPath("flush.lanes")
        try await Lanes.record(to: path) {
            await tracer.withSpan("before flush") { span in
                span.attributes["phase"] = "one"
                await Lanes.span("lanes before flush") {}
            }
            // From a task that may run on another thread, finished before the flush.
            await Task { await tracer.withSpan("task before flush") { _ in await Task.yield() } }.value
            await tracer.forceFlush()
            let early = try TraceLoader.load(path: path).trace
            #expect(early.span(named: "before flush") >= 0, "\(early.outline)")
            #expect(early.parentName(of: "lanes before flush") == "before flush")
            #expect(early.attribute("phase", ofSpan: early.span(named: "before flush")) == "one")
            #expect(early.spanStatus[early.span(named: "before flush")] == .ok)
            #expect(early.span(named: "task before flush") >= 0)

            // A span still open at the flush reads back as unfinished, with what it has so far.
            let open = tracer.startSpan("open at flush")
            open.attributes["so far"] = "yes"
            FlushTests.flushSynchronously(tracer)
            let middle = try TraceLoader.load(path: path).trace
            let openSpan = middle.span(named: "open at flush")
            #expect(middle.spanStatus[openSpan] == .unfinished, "\(middle.outline)")
            #expect(middle.attribute("so far", ofSpan: openSpan) == "yes")
            open.end()
        }
        let final = try TraceLoader.load(path: path).trace
        #expect(final.spanStatus[final.span(named: "open at flush")] == .ok)
        #expect(final.span(named: "task before flush") >= 0)
    }

    /// The synchronous `forceFlush()`, as synchronous code calls it (an async caller gets the
    /// async form).
    static func flushSynchronously(_ tracer: LanesTracer) {
        tracer.forceFlush()
    }

    @Test func forceFlushWithoutARecordingReturns() async {
        await TracingFixtures.tracer.forceFlush()
        FlushTests.flushSynchronously(TracingFixtures.tracer)
    }
}
