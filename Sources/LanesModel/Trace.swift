/// A whole recorded run in memory: spans, task-state slices, threads, tasks and strings.
///
/// The trace is columnar (one array per field, indexed by span number) so that a million spans
/// cost tens of bytes each, and sorted by lane: the spans of one task are contiguous and ordered
/// by begin time, so the viewer finds what is visible in a time window by binary search instead
/// of a scan. A `Trace` is immutable; build one with `TraceBuilder`.
///
/// Times are nanoseconds on the recording's monotonic clock (see `TraceMetadata`).
public struct Trace: Sendable {
    /// Facts about the run and how it was read.
    public var metadata: TraceMetadata
    /// Every string the trace refers to: span names, attribute keys and values.
    public let strings: StringTable
    /// Threads, by index (`spanThread` and slice thread columns refer to these).
    public let threads: [ThreadInfo]
    /// Tasks (lanes), by index (`spanTask` and slice task columns refer to these).
    public let tasks: TaskTable

    // MARK: Span columns, sorted by (task, begin, original order)

    /// Begin time of each span.
    public let spanBegin: [Int64]
    /// End time of each span (≥ begin).
    public let spanEnd: [Int64]
    /// Name of each span, an index into `strings`.
    public let spanName: [UInt32]
    /// Parent span index, or -1 for a root.
    public let spanParent: [Int32]
    /// Task (lane) index of each span.
    public let spanTask: [Int32]
    /// Thread index each span began on, or -1 if unknown.
    public let spanThread: [Int32]
    /// Kind, status and flags of each span, packed into one byte (see `SpanTraits`).
    public let spanTraits: [UInt8]
    /// Kind of each span (a view of `spanTraits`).
    public let spanKind: SpanKindColumn
    /// How each span ended (a view of `spanTraits`).
    public let spanStatus: SpanStatusColumn
    /// Flags of each span (a view of `spanTraits`).
    public let spanFlags: SpanFlagsColumn

    /// `laneRanges[task]` is the range of span indices belonging to that task.
    public let laneRanges: IndexRanges
    /// An upper bound on the longest span duration in each lane, to bound window searches
    /// (`DurationBound` codes; read with `longestSpanBound(inLane:)`).
    let laneLongestSpan: [UInt32]
    /// Children of span `i` are `children[childStart[i] ..< childStart[i + 1]]`, in begin order.
    public let childStart: [Int32]
    /// See `childStart`.
    public let children: [Int32]
    /// Spans without a parent, in begin order.
    public let roots: [Int32]

    // MARK: Sparse span data

    /// Span indices that have a CPU time, ascending; `cpuNanoseconds[k]` belongs to `cpuSpans[k]`.
    public let cpuSpans: [Int32]
    /// See `cpuSpans`.
    public let cpuNanoseconds: [Int64]
    /// Attributes, sorted by span index: (span, key string, typed value).
    public let attributes: [SpanAttribute]
    /// OpenTelemetry facts (ids, OpenTelemetry kinds, resources, scopes, events, links, status)
    /// of the spans that have them, and the composite attribute values.
    public let telemetry: TraceTelemetry

    // MARK: Task-state slices, sorted by (task, started)

    /// The slices: one per executor job (a run of a task on a thread).
    public let slices: [TaskStateSlice]
    /// `sliceRanges[task]` is the range of `slices` belonging to that task.
    public let sliceRanges: IndexRanges
    /// Slice indices ordered by (thread, started), for the by-thread view.
    public let slicesByThread: [Int32]

    // MARK: Other series

    /// Counter series (sampled values), in the order the producer first wrote them.
    public internal(set) var counters: [CounterSeries] = []
    /// Totals the producer reported (clang's `Total …`), kept out of the spans.
    public internal(set) var totals: [ProducerTotal] = []
    // MARK: Stack samples

    /// The watchdog's samples of long-running jobs, their stacks, the loaded images and, once
    /// symbolicated, the source locations.
    public var sampling: Sampling

    // MARK: Extent

    /// The earliest time in the trace (0 for an empty trace).
    public let startTime: Int64
    /// The latest time in the trace (equal to `startTime` for an empty trace).
    public let endTime: Int64

    /// The number of spans.
    public var spanCount: Int { spanBegin.count }
    /// Wall time from the first to the last event, in nanoseconds.
    public var wallNanoseconds: Int64 { endTime - startTime }

    init(
        metadata: TraceMetadata, strings: StringTable, threads: [ThreadInfo], tasks: TaskTable,
        spanBegin: [Int64], spanEnd: [Int64], spanName: [UInt32], spanParent: [Int32],
        spanTask: [Int32], spanThread: [Int32], spanTraits: [UInt8],
        laneRanges: IndexRanges, laneLongestSpan: [UInt32],
        childStart: [Int32], children: [Int32], roots: [Int32],
        cpuSpans: [Int32], cpuNanoseconds: [Int64], attributes: [SpanAttribute],
        slices: [TaskStateSlice], sliceRanges: IndexRanges, slicesByThread: [Int32],
        sampling: Sampling = .empty,
        startTime: Int64, endTime: Int64, telemetry: TraceTelemetry = TraceTelemetry()
    ) {
        self.metadata = metadata
        self.strings = strings
        self.threads = threads
        self.tasks = tasks
        self.spanBegin = spanBegin
        self.spanEnd = spanEnd
        self.spanName = spanName
        self.spanParent = spanParent
        self.spanTask = spanTask
        self.spanThread = spanThread
        self.spanTraits = spanTraits
        self.spanKind = SpanKindColumn(traits: spanTraits)
        self.spanStatus = SpanStatusColumn(traits: spanTraits)
        self.spanFlags = SpanFlagsColumn(traits: spanTraits)
        self.laneRanges = laneRanges
        self.laneLongestSpan = laneLongestSpan
        self.childStart = childStart
        self.children = children
        self.roots = roots
        self.cpuSpans = cpuSpans
        self.cpuNanoseconds = cpuNanoseconds
        self.attributes = attributes
        self.telemetry = telemetry
        self.slices = slices
        self.sliceRanges = sliceRanges
        self.slicesByThread = slicesByThread
        self.sampling = sampling
        self.startTime = startTime
        self.endTime = endTime
    }

    /// An empty trace.
    public static var empty: Trace { TraceBuilder().build() }
}

/// A key/value pair attached to a span.
public struct SpanAttribute: Sendable, Equatable, Hashable {
    /// The span index.
    public var span: Int32
    /// The key, an index into `Trace.strings`.
    public var key: UInt32
    /// The typed value (`Trace.value(of:)` resolves it, `Trace.text(of:)` shows it).
    public var value: StoredAttributeValue

    public init(span: Int32, key: UInt32, value: StoredAttributeValue) {
        self.span = span
        self.key = key
        self.value = value
    }
}

/// One executor job: a run of a task on a thread, from the tracing executor.
///
/// `enqueued ≤ started ≤ ended`: the task was `queued` from `enqueued` to `started` and
/// `running` from `started` to `ended`. Between two slices of the same task it was `suspended`.
public struct TaskStateSlice: Sendable, Equatable, Hashable {
    /// Task index.
    public var task: Int32
    /// Thread index the job ran on.
    public var thread: Int32
    /// When the job was enqueued (became ready).
    public var enqueued: Int64
    /// When a thread started running it.
    public var started: Int64
    /// When it returned (the task suspended or finished).
    public var ended: Int64

    public init(task: Int32, thread: Int32, enqueued: Int64, started: Int64, ended: Int64) {
        self.task = task
        self.thread = thread
        self.enqueued = enqueued
        self.started = started
        self.ended = ended
    }
}
