// Adding Lanes to an app that already traces with swift-distributed-tracing: bootstrap
// `LanesTracer` once, and every `withSpan` (the app's and its libraries') lands in the same
// `.lanes` recording as Lanes' own spans, nested both ways.
//
// Run: LANES_TRACE=inbox.lanes .build/debug/LanesExampleApp --tracing
import Lanes
import LanesTracing
import Tracing

enum TracingExample {
    static func run() async throws {
        let tracer = LanesTracer()  // records to $LANES_TRACE; does nothing when it is unset
        InstrumentationSystem.bootstrap(tracer)

        try await withSpan("GET /inbox", ofKind: .server) { span in
            span.attributes["http.method"] = "GET"
            async let messages = fetchMessages()  // a library's withSpan, child of the request
            async let unread = Lanes.span("count_unread") { 2 }  // a Lanes span, child too
            span.attributes["inbox.count"] = try await messages.count + unread
        }
        await tracer.forceFlush()  // everything so far is readable in the file now
    }

    /// Stands for a database driver that traces its queries with `withSpan`.
    static func fetchMessages() async throws -> [String] {
        try await withSpan("SELECT messages", ofKind: .client) { span in
            let rows = try await Lanes.span("decode_rows") {  // Lanes inside withSpan
                try await Task.sleep(for: .milliseconds(5))
                return ["hello", "buy now"]
            }
            span.addEvent("rows fetched")
            return rows
        }
    }
}
