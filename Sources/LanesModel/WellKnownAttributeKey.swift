/// Every attribute key Lanes gives a meaning to, in one place: OpenTelemetry's semantic
/// conventions that importers read (and exporters write for Lanes' own spans), and the keys
/// under which Lanes' own facts travel in Chrome JSON and OTLP.
///
/// Reading a well-known key never takes it away from the span: an imported span keeps every
/// attribute it came with, and a user attribute that happens to be named like one of these
/// (`trace_id`, `span.kind`, `lanes.task`) stays a user attribute. Ids, kinds and status have
/// fields of their own (`SpanTelemetry`), never attributes.
public enum WellKnownAttributeKey {
    /// Resource: the service's name (Lanes: the process name).
    public static let serviceName = "service.name"
    /// Resource: the process id.
    public static let processID = "process.pid"
    /// Span: the producer's thread id (Lanes reads it to place spans on threads).
    public static let threadID = "thread.id"
    /// Span: the producer's thread name.
    public static let threadName = "thread.name"
    /// The name of the span event that records an exception.
    public static let exceptionEvent = "exception"
    /// Exception event: the error's type.
    public static let exceptionType = "exception.type"
    /// Exception event: the error's message.
    public static let exceptionMessage = "exception.message"
    /// Lanes' own spans: the message of the error a span's body threw (the recorder writes it).
    public static let error = "error"

    /// The keys under which Lanes exports carry what the target format has no field for, so
    /// that export → import gives back the same spans (`LanesArgumentKey` in the format code).
    ///
    /// In Chrome JSON they are `args` of each event. In OTLP they are read only in spans of
    /// Lanes' own instrumentation scope (`otlpScope`), and there only from the span's first
    /// attribute, `otlpFacts`, a key-value list keyed by `otlpFactName(_:)`: a user attribute
    /// named `lanes.task` (or `lanes`, after the first) is never taken for a fact.
    public enum Lanes {
        /// The span's kind, as `SpanKind.description` ("sync", "handler", …).
        public static let kind = "lanes.kind"
        /// The producer id of the span's task (its lane).
        public static let task = "lanes.task"
        /// The task's name; written on the first span of each task only.
        public static let taskName = "lanes.task_name"
        /// The span's number in the exported trace, referred to by `parent` (Chrome).
        public static let span = "lanes.span"
        /// The number (`span`) of the span's parent, which may be in another lane (Chrome).
        public static let parent = "lanes.parent"
        /// Thread CPU time of the span, in nanoseconds.
        public static let cpuNanoseconds = "lanes.cpu_ns"
        /// "error" or "unfinished"; absent when the span ended normally.
        public static let status = "lanes.status"
        /// `true` when the span began while a Swift task was current (`SpanFlags.onExecutor`).
        public static let onExecutor = "lanes.on_executor"
        /// `true` on a point event exported as a span.
        public static let instant = "lanes.instant"
        /// On a thread: `true` when the thread runs executor jobs.
        public static let executorThread = "lanes.executor"
        /// The producer id of the thread the span began on (OTLP; Chrome has `tid`).
        public static let thread = "lanes.thread"
        /// That thread's name, on the first span of each thread (OTLP; Chrome has `M` events).
        public static let threadName = "lanes.thread_name"
        /// On the process: the trace's start on its monotonic clock (Chrome times are relative to it).
        public static let startNanoseconds = "lanes.start_ns"
        /// On the process (Chrome) or Lanes' scope (OTLP): `TraceMetadata.clockAtStart`.
        public static let clockAtStart = "lanes.clock_at_start"
        /// On the process (Chrome) or Lanes' scope (OTLP): `TraceMetadata.unixNanosecondsAtClock`.
        public static let unixNanosecondsAtClock = "lanes.unix_ns_at_clock"

        /// On a `lanes.job` event (a task-state slice): the producer id of the task whose job it is.
        public static let jobTask = "lanes.job_task"
        /// On a `lanes.job` event: when the job was enqueued, in nanoseconds after the trace start.
        public static let enqueuedNanoseconds = "lanes.enqueued_ns"

        /// OTLP: the instrumentation scope name of spans Lanes recorded.
        public static let otlpScope = "lanes"
        /// OTLP: the first attribute of a span in Lanes' scope, holding its facts.
        public static let otlpFacts = "lanes"

        /// OTLP: a fact's key inside `otlpFacts`, `key` without its `lanes.` prefix.
        public static func otlpFactName(_ key: String) -> String { String(key.dropFirst(6)) }

        /// Whether an argument of this name is one of the above (Chrome `args`).
        public static func isReserved(_ key: String) -> Bool { key.hasPrefix("lanes.") }
    }
}
