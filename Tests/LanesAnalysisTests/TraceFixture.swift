import LanesModel

/// Builds small traces for tests in milliseconds, with spans found again by name.
struct TraceFixture {
    var builder = TraceBuilder()

    /// Nanoseconds in `milliseconds`.
    static func ms(_ milliseconds: Int64) -> Int64 { milliseconds * 1_000_000 }

    mutating func thread(_ id: UInt64, executor: Bool = true) -> Int32 {
        builder.thread(id: id, name: executor ? "executor \(id)" : "pool \(id)", isExecutor: executor)
    }

    mutating func task(_ id: UInt64, _ name: String = "") -> Int32 {
        builder.task(id: id, name: name)
    }

    @discardableResult
    mutating func span(
        _ name: String, _ kind: SpanKind, from begin: Int64, to end: Int64, parent: Int32 = -1,
        task: Int32, thread: Int32 = -1, onExecutor: Bool = false, cpuMilliseconds: Int64? = nil
    ) -> Int32 {
        let span = builder.addSpan(
            name: builder.intern(name), kind: kind, begin: Self.ms(begin), end: Self.ms(end),
            parent: parent, task: task, thread: thread, flags: onExecutor ? .onExecutor : [])
        if let cpuMilliseconds { builder.setCPUTime(of: span, nanoseconds: Self.ms(cpuMilliseconds)) }
        return span
    }

    mutating func slice(task: Int32, thread: Int32, enqueued: Int64, started: Int64, ended: Int64) {
        builder.addSlice(task: task, thread: thread, enqueued: Self.ms(enqueued), started: Self.ms(started), ended: Self.ms(ended))
    }

    func build() -> Trace { builder.build() }
}

extension Trace {
    /// The index of the first span named `name` (tests name their spans uniquely).
    func span(named name: String) -> Int {
        (0..<spanCount).first { self.name(ofSpan: $0) == name } ?? -1
    }
}
