/// One look the watchdog took at an executor thread that had been running one job for a while:
/// the thread's scheduler state and cumulative counters at that moment, and its call stack.
///
/// From two samples of one job the time between them splits into CPU time (the CPU counter
/// grew), waiting for a CPU (the run-queue counter grew: the machine was busy) and the rest,
/// sleeping or waiting (neither grew). `SampleDiagnosis` in LanesAnalysis does that.
public struct ThreadSample: Sendable, Equatable, Hashable {
    /// When the sample was taken.
    public var time: Int64
    /// When the sampled job started (the job's task-state slice starts then too).
    public var jobStarted: Int64
    /// The thread's cumulative time on a CPU (ns), from `/proc/self/task/TID/schedstat`.
    public var cpuNanoseconds: Int64
    /// The thread's cumulative time runnable but waiting for a CPU (ns), from the same file.
    public var runQueueNanoseconds: Int64
    /// The sampled thread (an index into `Trace.threads`).
    public var thread: Int32
    /// The task (an index into `Trace.tasks`), or -1 when unknown. For a thread that was signalled
    /// while running, the Swift runtime's current task (inside an actor's drain job, the task the
    /// actor is running); otherwise the job's task.
    public var task: Int32
    /// The call stack (an index into `Sampling.stacks`), or -1 when none was taken.
    public var stack: Int32
    /// The scheduler's state letter from `/proc/self/task/TID/stat`: `R` running or runnable,
    /// `S` sleeping, `D` waiting uninterruptibly (usually for I/O), `T` stopped, …
    public var state: UInt8
    /// How the stack was taken and what the watchdog noticed.
    public var flags: SampleFlags

    public init(
        time: Int64, jobStarted: Int64, thread: Int32, task: Int32, state: UInt8, flags: SampleFlags,
        cpuNanoseconds: Int64, runQueueNanoseconds: Int64, stack: Int32
    ) {
        self.time = time
        self.jobStarted = jobStarted
        self.cpuNanoseconds = cpuNanoseconds
        self.runQueueNanoseconds = runQueueNanoseconds
        self.thread = thread
        self.task = task
        self.stack = stack
        self.state = state
        self.flags = flags
    }

    /// The state letter as a character (`"?"` when it is not a printable letter).
    public var stateLetter: Character {
        (0x41...0x7A).contains(state) ? Character(Unicode.Scalar(state)) : "?"
    }
}

/// How a sample's stack was taken, and what else the watchdog noticed about it.
public struct SampleFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The thread was running or runnable: it was signalled, and its handler copied the stack.
    public static let signalled = SampleFlags(rawValue: 1 << 0)
    /// The thread was blocked in the kernel: its stack was read from outside, without a signal.
    public static let readWhileBlocked = SampleFlags(rawValue: 1 << 1)
    /// Frames continued beyond what was kept.
    public static let truncated = SampleFlags(rawValue: 1 << 2)
    /// The signal reached the thread as it entered a system call, which returned EINTR: the
    /// watchdog counts this and signals that job no more.
    public static let interruptedSystemCall = SampleFlags(rawValue: 1 << 3)
    /// Counters only, taken before the job's first stack sample, so that the first interval has
    /// a delta.
    public static let baseline = SampleFlags(rawValue: 1 << 4)
    /// The thread ran while its stack was being read from outside, so the stack was dropped.
    public static let stackDiscarded = SampleFlags(rawValue: 1 << 5)
    /// The thread had not answered the signal yet (it was waiting for a CPU): no stack here; the
    /// stack comes with a later sample of the job.
    public static let signalUnanswered = SampleFlags(rawValue: 1 << 6)
    /// The thread was runnable but not on a CPU when sampled (waiting for one).
    public static let waitingForProcessor = SampleFlags(rawValue: 1 << 7)
}
