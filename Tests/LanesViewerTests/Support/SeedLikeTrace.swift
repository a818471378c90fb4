import LanesModel

/// A trace shaped like the seed scenario, built by hand so golden screens do not depend on
/// timing: three `on_message` handlers (alice, bob, carol) and a heartbeat on an executor two
/// threads wide, at the demo's default scale (0.1: the article's 3 s sleep is 0.3 s here).
///
/// Naive: every step runs one after another and the `wait_for` calls block an executor thread,
/// so carol and the heartbeat queue. Improved: the middle steps are gathered and `wait_for(7)`
/// runs in `makeAsync` on the blocking pool.
enum SeedLikeTrace {
    static let millisecond: Int64 = 1_000_000

    enum Variant { case naive, improved }

    /// The trace; without `taskStates` it has no jobs (as a trace recorded without job capture
    /// or `withTaskStates`), only spans.
    static func build(_ variant: Variant = .naive, taskStates: Bool = true) -> Trace {
        var builder = TraceBuilder(metadata: TraceMetadata(processName: "seed-demo", processID: 42, sourceFormat: "test"))
        let executor = [builder.thread(id: 101, name: "executor 1", isExecutor: true),
                        builder.thread(id: 102, name: "executor 2", isExecutor: true)]
        let pool = builder.thread(id: 201, name: "blocking pool")
        switch variant {
        case .naive: naive(&builder, executor: executor, states: taskStates)
        case .improved: improved(&builder, executor: executor, pool: pool, states: taskStates)
        }
        return builder.build()
    }

    /// Adds a span in milliseconds.
    @discardableResult
    static func span(
        _ builder: inout TraceBuilder, _ name: String, _ kind: SpanKind, _ begin: Int64, _ end: Int64,
        parent: Int32 = -1, task: Int32, thread: Int32, blocking: Bool = false
    ) -> Int32 {
        let index = builder.addSpan(
            name: builder.intern(name), kind: kind, begin: begin * millisecond, end: end * millisecond,
            parent: parent, task: task, thread: thread, flags: blocking ? [.onExecutor] : [])
        if kind == .sync { builder.setCPUTime(of: index, nanoseconds: 120_000) }
        return index
    }

    static func slice(_ builder: inout TraceBuilder, states: Bool, task: Int32, thread: Int32, _ enqueued: Int64, _ started: Int64, _ ended: Int64) {
        guard states else { return }
        builder.addSlice(task: task, thread: thread, enqueued: enqueued * millisecond,
                         started: started * millisecond, ended: ended * millisecond)
    }

    static func naive(_ builder: inout TraceBuilder, executor: [Int32], states: Bool) {
        // alice and bob take both threads at once; carol queues until alice first suspends.
        for (offset, name) in ["alice", "bob"].enumerated() {
            let task = builder.task(id: UInt64(1 + offset), name: "")
            let thread = executor[offset]
            let root = span(&builder, "on_message \"\(name)\"", .handler, 0, 1800, task: task, thread: thread)
            builder.addAttribute(to: root, key: "label", value: name)
            span(&builder, "wait_for(3)", .sync, 0, 300, parent: root, task: task, thread: thread, blocking: true)
            span(&builder, "await_for(2)", .async, 300, 500, parent: root, task: task, thread: thread)
            span(&builder, "await_for(4)", .async, 500, 900, parent: root, task: task, thread: thread)
            span(&builder, "wait_for(7)", .sync, 900, 1600, parent: root, task: task, thread: thread, blocking: true)
            span(&builder, "wait_for(2)", .sync, 1600, 1800, parent: root, task: task, thread: thread, blocking: true)
            slice(&builder, states: states, task: task, thread: thread, 0, 0, 300)
            slice(&builder, states: states, task: task, thread: thread, 500, 500, 501)
            slice(&builder, states: states, task: task, thread: thread, 900, 900, 1800)
        }
        let carol = builder.task(id: 3, name: "")
        let thread = executor[0]
        let root = span(&builder, "on_message \"carol\"", .handler, 0, 2700, task: carol, thread: thread)
        builder.addAttribute(to: root, key: "label", value: "carol")
        span(&builder, "wait_for(3)", .sync, 300, 600, parent: root, task: carol, thread: thread, blocking: true)
        span(&builder, "await_for(2)", .async, 600, 800, parent: root, task: carol, thread: thread)
        span(&builder, "await_for(4)", .async, 800, 1200, parent: root, task: carol, thread: thread)
        span(&builder, "wait_for(7)", .sync, 1800, 2500, parent: root, task: carol, thread: thread, blocking: true)
        span(&builder, "wait_for(2)", .sync, 2500, 2700, parent: root, task: carol, thread: thread, blocking: true)
        slice(&builder, states: states, task: carol, thread: thread, 0, 300, 600)
        slice(&builder, states: states, task: carol, thread: thread, 800, 800, 801)
        slice(&builder, states: states, task: carol, thread: thread, 1200, 1800, 2700)
        heartbeat(&builder, thread: executor[1], end: 2700, busy: [(0, 300), (900, 1800)], states: states)
    }

    static func improved(_ builder: inout TraceBuilder, executor: [Int32], pool: Int32, states: Bool) {
        for (offset, name) in ["alice", "bob", "carol"].enumerated() {
            let task = builder.task(id: UInt64(1 + offset), name: "")
            let thread = executor[offset % 2]
            let delay: Int64 = offset == 2 ? 300 : 0
            let root = span(&builder, "on_message \"\(name)\"", .handler, 0, delay + 1200, task: task, thread: thread)
            builder.addAttribute(to: root, key: "label", value: name)
            span(&builder, "wait_for(3)", .sync, delay, delay + 300, parent: root, task: task, thread: thread, blocking: true)
            let gather = span(&builder, "gather", .gather, delay + 300, delay + 1000, parent: root, task: task, thread: thread)
            span(&builder, "await_for(2)", .async, delay + 300, delay + 500, parent: gather, task: task, thread: thread)
            span(&builder, "await_for(4)", .async, delay + 300, delay + 700, parent: gather, task: task, thread: thread)
            let bridge = span(&builder, "makeAsync", .makeAsync, delay + 300, delay + 1000, parent: gather, task: task, thread: pool)
            span(&builder, "wait_for(7)", .sync, delay + 300, delay + 1000, parent: bridge, task: task, thread: pool)
            span(&builder, "run_sync", .runSync, delay + 1000, delay + 1200, parent: root, task: task, thread: thread, blocking: true)
            slice(&builder, states: states, task: task, thread: thread, 0, delay, delay + 300)
            slice(&builder, states: states, task: task, thread: thread, delay + 1000, delay + 1000, delay + 1200)
        }
        heartbeat(&builder, thread: executor[1], end: 1500, busy: [(0, 300)], states: states)
    }

    /// A heartbeat task ticking every 100 ms; a tick due while `busy` holds its thread waits.
    static func heartbeat(_ builder: inout TraceBuilder, thread: Int32, end: Int64, busy: [(Int64, Int64)], states: Bool) {
        let task = builder.task(id: 9, name: "heartbeat")
        let root = span(&builder, "heartbeat", .async, 0, end, task: task, thread: thread)
        var due: Int64 = 0
        while due < end - 50 {
            if let period = busy.first(where: { due >= $0.0 && due < $0.1 }) {
                span(&builder, "tick", .async, period.1, period.1 + 2, parent: root, task: task, thread: thread)
                slice(&builder, states: states, task: task, thread: thread, due, period.1, period.1 + 2)
                due = period.1 + 100
            } else {
                span(&builder, "tick", .async, due, due + 2, parent: root, task: task, thread: thread)
                slice(&builder, states: states, task: task, thread: thread, due, due, due + 2)
                due += 100
            }
        }
    }
}
