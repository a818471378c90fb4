import LanesModel
import Testing

/// Traces from other tracers carry no span kinds: the viewer must not claim nothing blocked.
@Suite("Imported traces")
struct ImportedTraceTests {
    @Test("without span kinds the header says blocked n/a, with them the measured time")
    func blockedIsNotApplicable() {
        func trace(kind: SpanKind) -> Trace {
            var builder = TraceBuilder()
            let thread = builder.thread(id: 1, name: "main")
            let task = builder.task(id: 1, name: "main")
            let root = builder.addSpan(name: builder.intern("handle_request"), kind: kind == .sync ? .handler : kind,
                                       begin: 0, end: 500_000_000, task: task, thread: thread)
            builder.addSpan(name: builder.intern("parse"), kind: kind, begin: 0, end: 200_000_000, parent: root,
                            task: task, thread: thread, flags: kind == .sync ? .onExecutor : [])
            return builder.build()
        }
        let imported = ViewerHarness(trace(kind: .unknown), title: "viztracer.json").lines[0]
        #expect(imported.contains("blocked n/a"), "\(imported)")
        let recorded = ViewerHarness(trace(kind: .sync)).lines[0]
        #expect(recorded.contains("blocked 200ms"), "\(recorded)")
    }
}
