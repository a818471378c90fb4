/// Facts about the run a trace came from, and about how it was read.
public struct TraceMetadata: Sendable, Equatable {
    /// The recorded process's name, if known.
    public var processName: String
    /// The recorded process's id, or 0 if unknown.
    public var processID: UInt32
    /// A monotonic clock reading in nanoseconds, taken at the same moment as `unixNanosecondsAtClock`.
    /// All times in the trace are on this monotonic clock.
    public var clockAtStart: Int64
    /// The wall-clock time, in nanoseconds since 1970, at the moment `clockAtStart` was read;
    /// 0 if unknown. Exports use the pair to write real Unix times.
    public var unixNanosecondsAtClock: Int64
    /// The format the trace was read from, e.g. "lanes", "chrome", "otlp".
    public var sourceFormat: String
    /// Events the recorder could not keep (its buffers were full) and said so in the file.
    public var droppedEvents: UInt64
    /// Whether the file ended cleanly (a `.lanes` footer was found).
    public var finishedCleanly: Bool
    /// Whether the trace carries task-state slices from the tracing executor.
    public var hasTaskStates: Bool = false
    /// For a flight-recorder dump: the span of time it holds and what triggered it.
    public var flightWindow: FlightWindowInfo?
    /// Set when the producer lost its earliest events (its ring buffer wrapped, as viztracer
    /// says with `"overflow": true`): events that ended before this time are missing, so a span
    /// that began earlier may be missing children, and its self time is not known.
    public var eventsMissingBefore: Int64?
    /// The runtime whose executor ran the jobs (reports use its words); Swift unless an importer
    /// recognised another, such as an asyncio trace from viztracer.
    public var runtime: ConcurrencyRuntime = .swift
    /// What the recorder said about job capture on the global executor, if it said anything.
    public var jobCapture: JobCapture?
    /// What the recorder said about its watchdog (stack samples of long jobs), if anything.
    public var watchdog: WatchdogSettings?

    public init(
        processName: String = "",
        processID: UInt32 = 0,
        clockAtStart: Int64 = 0,
        unixNanosecondsAtClock: Int64 = 0,
        sourceFormat: String = "",
        droppedEvents: UInt64 = 0,
        finishedCleanly: Bool = true
    ) {
        self.processName = processName
        self.processID = processID
        self.clockAtStart = clockAtStart
        self.unixNanosecondsAtClock = unixNanosecondsAtClock
        self.sourceFormat = sourceFormat
        self.droppedEvents = droppedEvents
        self.finishedCleanly = finishedCleanly
    }
}

/// Whether a recording captured the jobs of the process's global executor.
public struct JobCapture: Sendable, Equatable {
    /// True when every global-executor job was recorded (Lanes ran them on its own pool).
    public var isCapturing: Bool
    /// The pool's width when capturing (the executor's thread count); 0 otherwise.
    public var width: Int
    /// Why jobs were not captured (empty when they were).
    public var note: String

    public init(isCapturing: Bool, width: Int, note: String) {
        self.isCapturing = isCapturing
        self.width = width
        self.note = note
    }
}

/// A thread the trace mentions.
public struct ThreadInfo: Sendable, Equatable, Hashable {
    /// The id the producer gave the thread (an OS thread id, a Chrome `tid`, …).
    public var id: UInt64
    /// A readable name, possibly empty.
    public var name: String
    /// Whether the thread belongs to an executor (runs task jobs): Lanes' task-state executor
    /// threads and the cooperative pool when known.
    public var isExecutor: Bool

    public init(id: UInt64, name: String, isExecutor: Bool = false) {
        self.id = id
        self.name = name
        self.isExecutor = isExecutor
    }
}

/// A Swift task (or, for imported traces, a lane such as a Chrome thread or async track).
public struct TaskInfo: Sendable, Equatable, Hashable {
    /// The id the producer gave the task.
    public var id: UInt64
    /// A readable name (`Task.name`, a Chrome thread name), possibly empty.
    public var name: String

    public init(id: UInt64, name: String) {
        self.id = id
        self.name = name
    }
}

/// The window a flight-recorder dump holds: only the last part of a run was kept, so spans that
/// began before `start` are missing or have lost their parents.
public struct FlightWindowInfo: Sendable, Equatable, Hashable {
    /// The monotonic times (ns) the window covers.
    public var start: Int64
    public var end: Int64
    /// What asked for the dump: `signal`, `dump(to:)`, `rule span NAME > 500ms`, …
    public var reason: String

    public init(start: Int64, end: Int64, reason: String) {
        self.start = start
        self.end = end
        self.reason = reason
    }
}
