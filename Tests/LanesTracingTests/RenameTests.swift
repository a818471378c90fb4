import Lanes
import LanesFormat
import LanesModel
import Testing
import Tracing

/// Spans renamed after they began (`span.operationName = …`), as web frameworks' tracing
/// middleware names a request span by its route once the router has matched it.
@Suite struct RenameTests {
    @Test func theTraceCarriesTheFinalName() async throws {
        let trace = try await TracingFixtures.record {
            try await withSpan("HTTP GET route not found", ofKind: .server) { span in
                try await withSpan("load user") { _ in try await Task.sleep(for: .milliseconds(1)) }
                span.operationName = "/users/:id"
                span.operationName = "/users/{id}"
                #expect(span.operationName == "/users/{id}")
            }
        }
        #expect(trace.spans(named: "HTTP GET route not found").isEmpty, "\(trace.outline)")
        #expect(trace.spans(named: "/users/:id").isEmpty)
        let request = trace.span(named: "/users/{id}")
        #expect(request >= 0, "\(trace.outline)")
        #expect(trace.spanKind[request] == .handler)
        #expect(trace.parentName(of: "load user") == "/users/{id}")
    }

    @Test func aRenameFromAnotherTaskAndAfterTheEndAreHandled() async throws {
        let trace = try await TracingFixtures.record {
            let span = startSpan("placeholder", ofKind: .server)
            // Renamed on another task (and likely another thread) than the one that began it.
            await Task.detached { span.operationName = "renamed elsewhere" }.value
            span.end()
            span.operationName = "after the end"
            #expect(span.operationName == "renamed elsewhere", "a change after the end is ignored")
        }
        #expect(trace.spans(named: "renamed elsewhere").count == 1, "\(trace.outline)")
        #expect(trace.spans(named: "placeholder").isEmpty)
        #expect(trace.spans(named: "after the end").isEmpty)
    }

    @Test func aRenameToANameTheStringTableHasNoRoomForIsWrittenInline() async throws {
        _ = TracingFixtures.tracer
        let path = TracingFixtures.temporaryPath("full-table.lanes")
        let lateName = "/orders/{id} after the table filled up " + String(repeating: "x", count: 800)
        // A small recording: its string table (64 KiB) fills up with the long names below, after
        // which names travel inline.
        try await Lanes.record(to: path, memoryLimit: 512 << 10) {
            let request = startSpan("HTTP GET route not found", ofKind: .server)
            for index in 0..<200 {
                withSpan(String(repeating: "\(index % 10)", count: 600) + " \(index)") { _ in }
            }
            // Longer than whatever room the last long name left.
            request.operationName = lateName
            request.end()
        }
        let trace = try TraceLoader.load(path: path).trace
        #expect(trace.spans(named: lateName).count == 1, "\(trace.outline)")
        #expect(trace.spans(named: "HTTP GET route not found").isEmpty)
        #expect(trace.spans(named: String(repeating: "9", count: 600) + " 199").count == 1)
    }
}
