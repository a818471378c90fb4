
/// The argument (Chrome) and attribute (OTLP) keys under which Lanes exports carry what the
/// target format has no field for, so that export → import gives back the same spans.
///
/// Every key starts with `lanes.`; importers treat the others as ordinary attributes.
enum LanesArgumentKey {
    /// The span's kind, as `SpanKind.description` ("sync", "handler", …).
    static let kind = "lanes.kind"
    /// The producer id of the span's task (its lane).
    static let task = "lanes.task"
    /// The task's name; written on the first span of each task only.
    static let taskName = "lanes.task_name"
    /// The span's number in the exported trace, referred to by `parent`.
    static let span = "lanes.span"
    /// The number (`span`) of the span's parent, which may be in another lane.
    static let parent = "lanes.parent"
    /// Thread CPU time of the span, in nanoseconds.
    static let cpuNanoseconds = "lanes.cpu_ns"
    /// "error" or "unfinished"; absent when the span ended normally.
    static let status = "lanes.status"
    /// `true` when the span began while a Swift task was current (`SpanFlags.onExecutor`).
    static let onExecutor = "lanes.on_executor"
    /// `true` on a point event exported as a span (OTLP).
    static let instant = "lanes.instant"
    /// On a thread: `true` when the thread runs executor jobs.
    static let executorThread = "lanes.executor"
    /// On the process: the trace's start on its monotonic clock (Chrome times are relative to it).
    static let startNanoseconds = "lanes.start_ns"
    /// On the process: `TraceMetadata.clockAtStart`.
    static let clockAtStart = "lanes.clock_at_start"
    /// On the process: `TraceMetadata.unixNanosecondsAtClock`.
    static let unixNanosecondsAtClock = "lanes.unix_ns_at_clock"

    /// On a `lanes.job` event (a task-state slice): the producer id of the task whose job it is.
    static let jobTask = "lanes.job_task"
    /// On a `lanes.job` event: when the job was enqueued, in nanoseconds after the trace start.
    static let enqueuedNanoseconds = "lanes.enqueued_ns"

    /// Whether an attribute of this name is one of the above (not a user attribute).
    static func isReserved(_ key: String) -> Bool { key.hasPrefix("lanes.") }
}
