import LanesModel

/// Deterministic traces shaped like a busy async server, for benchmarks.
///
/// Each handler (a root on its own task) awaits a few async steps, runs short synchronous work
/// on the executor, and fans out through a `gather` whose children run in child tasks; every
/// task's jobs appear as slices on two executor threads. Durations range from microseconds to
/// milliseconds, as in real services.
enum SyntheticTraces {
    static func nestedAsync(spanCount: Int, seed: UInt64 = 42, withSlices: Bool = true) -> Trace {
        var random = SplitMix64(seed: seed)
        var builder = TraceBuilder(metadata: TraceMetadata(
            processName: "synthetic-server", processID: 4242, clockAtStart: 1_000_000_000,
            unixNanosecondsAtClock: 1_764_000_000_000_000_000, sourceFormat: "synthetic"))
        builder.reserveSpans(spanCount)
        let threads = (0..<2).map { builder.thread(id: UInt64(1000 + $0), name: "lanes-executor-\($0)", isExecutor: true) }
        let names = ["on_request", "decode", "db.query", "cache.get", "render", "gather", "fetch(user)",
                     "fetch(feed)", "fetch(ads)", "encode", "auth.check", "log.write"].map { builder.intern($0) }
        var taskID: UInt64 = 1
        var clock: Int64 = 1_000_000_000
        while builder.spanCount < spanCount {
            clock += Int64(random.next(upTo: 120_000))
            let handlerTask = builder.task(id: taskID, name: "request-\(taskID)")
            taskID += 1
            let thread = threads[Int(random.next(upTo: 2))]
            let handler = builder.addSpan(name: names[0], kind: .handler, begin: clock, end: clock, task: handlerTask, thread: thread)
            var time = clock + Int64(random.next(upTo: 2_000))
            for step in 0..<Int(6 + random.next(upTo: 7)) where builder.spanCount < spanCount {
                let duration = Int64(2_000 + random.next(upTo: 400_000))
                if step % 5 == 4 {
                    let gather = builder.addSpan(name: names[5], kind: .gather, begin: time, end: time + duration, parent: handler, task: handlerTask, thread: thread)
                    for child in 0..<3 where builder.spanCount < spanCount {
                        let childTask = builder.task(id: taskID)
                        taskID += 1
                        let childDuration = Int64(1_000 + random.next(upTo: UInt64(duration - 1_000)))
                        let childBegin = time + Int64(random.next(upTo: 5_000))
                        let fetch = builder.addSpan(name: names[6 + child], kind: .async, begin: childBegin, end: childBegin + childDuration,
                                                    parent: gather, task: childTask, thread: threads[child % 2])
                        if builder.spanCount < spanCount {
                            builder.addSpan(name: names[2], kind: .async, begin: childBegin + 500, end: childBegin + childDuration - 200,
                                            parent: fetch, task: childTask, thread: threads[child % 2])
                        }
                        if withSlices { builder.addSlice(task: childTask, thread: threads[child % 2], enqueued: childBegin - 300, started: childBegin, ended: childBegin + 800) }
                    }
                } else {
                    let kind: SpanKind = step % 3 == 2 ? .sync : .async
                    let span = builder.addSpan(name: names[1 + Int(random.next(upTo: 4))], kind: kind, begin: time, end: time + duration,
                                               parent: handler, task: handlerTask, thread: thread, flags: kind == .sync ? .onExecutor : [])
                    if kind == .sync { builder.setCPUTime(of: span, nanoseconds: duration / 3) }
                    for nested in 0..<Int(random.next(upTo: 3)) where builder.spanCount < spanCount {
                        let nestedBegin = time + 100 + Int64(nested) * duration / 3
                        builder.addSpan(name: names[9 + Int(random.next(upTo: 3))], kind: kind, begin: nestedBegin, end: nestedBegin + duration / 4,
                                        parent: span, task: handlerTask, thread: thread, flags: kind == .sync ? .onExecutor : [])
                    }
                }
                if withSlices { builder.addSlice(task: handlerTask, thread: thread, enqueued: time - 1_000, started: time, ended: time + 3_000) }
                time += duration + Int64(random.next(upTo: 3_000))
            }
            builder.endSpan(handler, at: time)
        }
        return builder.build()
    }
}

extension SplitMix64 {
    /// A number in `0 ..< bound` (0 when `bound` is 0).
    mutating func next(upTo bound: UInt64) -> UInt64 { bound == 0 ? 0 : next() % bound }
}
