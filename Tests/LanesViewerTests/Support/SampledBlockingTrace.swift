import LanesModel

/// A job-capture trace built by hand, so golden screens do not depend on timing: two executor
/// threads of Lanes' global executor, one `GET /report` whose 100 ms job computes in
/// `Report.render()` (Report.swift:42) and three `GET /users` whose 50 ms jobs sleep in
/// `LegacyDB.query(_:)` (LegacyDB.swift:17), each sampled by the watchdog (scheduler state,
/// CPU counter, stack) and symbolicated; a heartbeat waits for a thread behind the report.
enum SampledBlockingTrace {
    static let millisecond: Int64 = 1_000_000

    static func build() -> Trace {
        var metadata = TraceMetadata(processName: "server", processID: 7, sourceFormat: "lanes")
        metadata.jobCapture = JobCapture(isCapturing: true, width: 2, note: "")
        var builder = TraceBuilder(metadata: metadata)
        let executor = [builder.thread(id: 11, name: "lanes executor 1", isExecutor: true),
                        builder.thread(id: 12, name: "lanes executor 2", isExecutor: true)]
        // Stacks as the watchdog takes them: program counter first, then return addresses
        // (stored one byte back, inside the call). Only the app's frames say where.
        let computing = builder.addStack(sampledFrames: [0x1_0040, 0x2_0081])
        builder.addSymbols(address: 0x1_0040, locations: [SymbolLocation(function: "Report.render()", file: "/src/App/Report.swift", line: 42, isAppCode: true)])
        builder.addSymbols(address: 0x2_0080, locations: [SymbolLocation(function: "swift_job_run", file: "", line: 0, isAppCode: false)])
        let sleeping = builder.addStack(sampledFrames: [0x3_0010, 0x4_0021, 0x2_0081])
        builder.addSymbols(address: 0x3_0010, locations: [SymbolLocation(function: "nanosleep", file: "", line: 0, isAppCode: false)])
        builder.addSymbols(address: 0x4_0020, locations: [SymbolLocation(function: "LegacyDB.query(_:)", file: "/src/App/LegacyDB.swift", line: 17, isAppCode: true)])

        // GET /report: computes for 100 ms in one job on executor 1.
        let report = builder.task(id: 1)
        let root = span(&builder, "GET /report", .handler, 0, 150, task: report, thread: executor[0])
        span(&builder, "render", .async, 10, 110, parent: root, task: report, thread: executor[0])
        slice(&builder, task: report, thread: executor[0], 0, 0, 5)
        slice(&builder, task: report, thread: executor[0], 8, 10, 110)
        slice(&builder, task: report, thread: executor[0], 140, 140, 150)
        for (index, at) in stride(from: Int64(20), through: 100, by: 10).enumerated() {
            sample(&builder, at: at, job: 10, thread: executor[0], task: report, state: "R",
                   cpu: Int64(index) * 10 * millisecond, stack: computing)
        }
        // GET /users ×3: each sleeps 50 ms in one job on executor 2.
        for (number, begin) in [Int64(0), 200, 400].enumerated() {
            let task = builder.task(id: UInt64(10 + number))
            let request = span(&builder, "GET /users", .handler, begin, begin + 60, task: task, thread: executor[1])
            span(&builder, "db.query", .async, begin + 5, begin + 55, parent: request, task: task, thread: executor[1])
            slice(&builder, task: task, thread: executor[1], begin, begin, begin + 2)
            slice(&builder, task: task, thread: executor[1], begin + 5, begin + 5, begin + 55)
            slice(&builder, task: task, thread: executor[1], begin + 58, begin + 58, begin + 60)
            for at in stride(from: begin + 15, through: begin + 45, by: 10) {
                sample(&builder, at: at, job: begin + 5, thread: executor[1], task: task, state: "S", cpu: 0, stack: sleeping)
            }
        }
        // A heartbeat due at 20 ms waits until the report's job lets executor 1 go.
        let heartbeat = builder.task(id: 20, name: "heartbeat")
        span(&builder, "tick", .async, 110, 112, task: heartbeat, thread: executor[0])
        slice(&builder, task: heartbeat, thread: executor[0], 20, 110, 112)
        return builder.build()
    }

    @discardableResult
    static func span(
        _ builder: inout TraceBuilder, _ name: String, _ kind: SpanKind, _ begin: Int64, _ end: Int64,
        parent: Int32 = -1, task: Int32, thread: Int32
    ) -> Int32 {
        builder.addSpan(name: builder.intern(name), kind: kind, begin: begin * millisecond, end: end * millisecond,
                        parent: parent, task: task, thread: thread)
    }

    static func slice(_ builder: inout TraceBuilder, task: Int32, thread: Int32, _ enqueued: Int64, _ started: Int64, _ ended: Int64) {
        builder.addSlice(task: task, thread: thread, enqueued: enqueued * millisecond,
                         started: started * millisecond, ended: ended * millisecond)
    }

    static func sample(
        _ builder: inout TraceBuilder, at time: Int64, job: Int64, thread: Int32, task: Int32,
        state: Unicode.Scalar, cpu: Int64, stack: Int32
    ) {
        builder.addSample(ThreadSample(
            time: time * millisecond, jobStarted: job * millisecond, thread: thread, task: task,
            state: UInt8(ascii: state), flags: state == "R" ? .signalled : .readWhileBlocked,
            cpuNanoseconds: cpu, runQueueNanoseconds: 0, stack: stack))
    }
}
