import Dispatch
import LanesWriter
import LanesModel
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The engine behind a `LanesRecording`: hands out span ids and string ids, collects the
/// per-thread event chunks and writes them to the `.lanes` file from one background thread.
///
/// Threads record into their own `ThreadBuffer` without taking any lock; a full buffer, or one
/// older than the flush interval, is handed over as an encoded chunk. The writer thread wakes
/// at least every `flushInterval`, borrows the buffers of idle threads, defines the strings,
/// threads and tasks that the chunks use, writes the chunks and flushes, so a process killed
/// with SIGKILL loses at most the last interval. Memory is bounded by `memoryLimit`: chunks that
/// do not fit are dropped and counted, and the count is written as a `dropped` record.
final class Recorder: Sendable {
    /// Recorders currently running, process-wide; the hot path checks this first so that
    /// instrumented code costs one relaxed load when nothing records.
    static let runningCount = Atomic<Int>(0)

    /// The process-wide recording (`Lanes.record(to:)`, `LANES_TRACE`), used by spans that run
    /// outside any scoped recording. Retained for the life of the process once published.
    static let processWide = Atomic<Unmanaged<Recorder>?>(nil)

    /// The file being written (for a flight recorder: the first dump's path).
    let path: String
    /// The most memory, in bytes, that buffered and queued events may take.
    let memoryLimit: Int
    /// A thread hands its buffer over once it holds this many bytes.
    let chunkLimit: Int
    /// Threads hand over older buffers, and the writer borrows idle ones, at this interval.
    let flushInterval: Int64
    /// The size limit, the flight recorder's window and its rules.
    let configuration: RecorderConfiguration
    /// The flight recorder's rules in the span path's form; nil when not a flight recorder or
    /// without rules, so that ending a span costs one load in the common case.
    let triggers: FlightTriggerSet?
    /// Whether `triggers` is set: the one load ending a span pays for the rules.
    let hasTriggers: Bool
    /// Random per recording: W3C trace and span ids derived from span ids mix it in, so two
    /// recordings in one process (or two processes) never give out the same ids.
    let identitySeed: UInt64
    /// The monotonic and wall-clock readings of the header, taken together at the start.
    let clockAtStart: Int64
    let unixNanosecondsAtClock: Int64

    enum State: UInt8 { case running = 0, finishing = 1, stopped = 2 }
    let state = Atomic<UInt8>(State.running.rawValue)
    let nextSpanBlock = Atomic<UInt64>(1)
    let nextWriterID = Atomic<UInt32>(1)
    let strings: Locked<StringInterning>
    /// Images, stacks and settings the watchdog queued for this recording's file.
    let watchdogDefinitions = Locked(WatchdogDefinitions())
    let shared = Locked(SharedState())
    let output: Locked<OutputState>
    let wake = DispatchSemaphore(value: 0)

    /// Span ids are handed to threads in blocks of this size, so the shared counter is touched
    /// once per block rather than once per span.
    static let spanBlockSize: UInt64 = 1024

    /// Opens `path` (a flight recorder only checks that it could be written later) and starts
    /// the writer thread. Throws `LanesRecordingError` when the file cannot be created or this
    /// process already records into it.
    init(
        path: String, configuration: RecorderConfiguration, flushInterval: Int64 = 100_000_000
    ) throws(LanesRecordingError) {
        self.path = path
        var configuration = configuration
        configuration.memoryLimit = max(configuration.memoryLimit, 4096)
        self.configuration = configuration
        self.memoryLimit = configuration.memoryLimit
        self.chunkLimit = min(LanesFileLayout.preferredChunkPayload, max(1024, memoryLimit / 16))
        self.flushInterval = flushInterval
        self.identitySeed = UInt64.random(in: 1...UInt64.max)
        self.clockAtStart = MonotonicClock.now()
        self.unixNanosecondsAtClock = MonotonicClock.unixNow()
        var interning = StringInterning(limit: configuration.stringTableLimit)
        self.triggers = configuration.flight.flatMap { flight in
            FlightTriggerSet(flight.triggers, interning: &interning)
        }
        self.hasTriggers = triggers != nil
        self.strings = Locked(interning)
        let file: LanesFileWriter?
        if let flight = configuration.flight {
            file = nil
            if let reason = FlightWindow.unwritableReason(path) {
                throw LanesRecordingError(.permissionDenied, path: path, reason: reason)
            }
            output = Locked(OutputState(file: nil, flight: FlightWindow(configuration: flight)))
        } else {
            do {
                file = try LanesFileWriter(
                    path: path, processName: Recorder.processName(),
                    processID: UInt32(truncatingIfNeeded: getpid()),
                    clockAtStart: clockAtStart, unixNanosecondsAtClock: unixNanosecondsAtClock)
            } catch {
                throw error
            }
            output = Locked(OutputState(file: file, flight: nil))
        }
        // Recorders live for the rest of the process (a few hundred bytes once finished), so
        // that span contexts and thread buffers can refer to them without reference counting.
        _ = Unmanaged.passRetained(self)
        Recorder.runningCount.add(1, ordering: .relaxed)
        startWriterThread()
    }

    /// Whether spans should still be recorded.
    @inline(__always)
    var isRunning: Bool { state.load(ordering: .relaxed) == State.running.rawValue }

    /// Whether this recorder keeps a window in memory instead of writing a file.
    var isFlightRecorder: Bool { configuration.flight != nil }

    /// The recorder that spans in `context` record into, unretained, or nil when nothing
    /// records: the span path's form, which takes no reference count.
    @inline(__always)
    static func reference(for context: SpanContext) -> Unmanaged<Recorder>? {
        let reference = context.recorderReference ?? processWide.load(ordering: .acquiring)
        guard let reference, reference._withUnsafeGuaranteedRef({ $0.isRunning }) else { return nil }
        return reference
    }

    /// The recorder that spans in `context` record into, or nil when nothing records.
    @inline(__always)
    static func recorder(for context: SpanContext) -> Recorder? {
        if let recorder = context.recorder {
            return recorder.isRunning ? recorder : nil
        }
        guard let recorder = processWide.load(ordering: .acquiring)?.takeUnretainedValue(),
            recorder.isRunning
        else { return nil }
        return recorder
    }

    /// Makes `recorder` the process-wide recording. The previous one, if any, keeps running
    /// until finished but no longer receives spans that have no scoped recording.
    static func publishProcessWide(_ recorder: Recorder) {
        _ = processWide.exchange(Unmanaged.passRetained(recorder), ordering: .acquiringAndReleasing)
    }

    // MARK: Ids

    /// A fresh block of span ids: `[first, first + spanBlockSize)`.
    func allocateSpanBlock() -> UInt64 {
        nextSpanBlock.wrappingAdd(Recorder.spanBlockSize, ordering: .relaxed).oldValue
    }

    /// The id of `string` in the file, defining it if new and the string table has room; nil
    /// when it must be written inline. Values (attribute values, labels, error messages) may
    /// fill only half the table, so names and keys always find room. Thread buffers cache the
    /// answers.
    func stringID(_ string: String, isValue: Bool) -> UInt32? {
        strings.withLock { $0.id(of: string, isValue: isValue) }
    }

    /// Registers a thread buffer so the writer can borrow it, and queues its thread definition.
    func register(_ buffer: ThreadBuffer, threadID: UInt64, threadName: String, isExecutor: Bool) {
        shared.withLock {
            $0.buffers.append(buffer)
            $0.threads.append(ThreadDefinition(
                writerID: buffer.writerID, threadID: threadID, name: threadName, isExecutor: isExecutor))
        }
    }

    /// Forgets a buffer whose thread exited (its events were handed over first).
    func unregister(_ buffer: ThreadBuffer) {
        shared.withLock { state in state.buffers.removeAll { $0 === buffer } }
    }

    /// A new writer id for a thread buffer.
    func allocateWriterID() -> UInt32 {
        nextWriterID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Queues the record saying whether the global executor's jobs are captured.
    func noteJobCapture(_ outcome: GlobalExecutorTakeover.Outcome) {
        let capture: JobCapture
        switch outcome {
        case .capturing(let width): capture = JobCapture(isCapturing: true, width: width, note: "")
        case .refused(let reason): capture = JobCapture(isCapturing: false, width: 0, note: reason)
        }
        shared.withLock { $0.jobCapture = capture }
        wake.signal()
    }

    /// Queues the definition of a task seen for the first time by some thread: `name` is its
    /// string id, or with id 0 `inlineName` holds a name the string table had no room for.
    func defineTask(id: UInt64, name: UInt32, inlineName: String?, parentTask: UInt64) {
        shared.withLock {
            $0.tasks.append(TaskDefinition(id: id, name: name, inlineName: inlineName, parentTask: parentTask))
        }
    }

    // MARK: Hand-over

    /// Counts events a thread could not record (written as a `dropped` record like dropped
    /// chunks' events).
    func noteDropped(events count: UInt64, from writerID: UInt32) {
        shared.withLock { state in
            state.dropped[writerID, default: 0] += count
            state.droppedTotal += count
        }
    }

    /// Takes an encoded chunk from a thread. Never blocks for longer than a short lock: when the
    /// queue is over its share of the memory limit, the chunk is dropped and its events counted.
    func enqueue(chunk: LanesEncodedChunk, from writerID: UInt32) {
        let wakeWriter = shared.withLock { state -> Bool in
            guard !state.failed, !state.closed else { return false }
            // The string table's bound and the threads' own buffers come out of the same cap.
            let limit = max(chunkLimit, memoryLimit - configuration.stringTableLimit - state.buffers.count * chunkLimit)
            if state.queuedBytes + chunk.byteCount > limit {
                state.dropped[writerID, default: 0] += UInt64(chunk.eventCount)
                state.droppedTotal += UInt64(chunk.eventCount)
                return true
            }
            state.records.append(chunk)
            state.queuedBytes += chunk.byteCount
            state.peakQueuedBytes = max(state.peakQueuedBytes, state.queuedBytes)
            return state.queuedBytes * 2 >= limit
        }
        if wakeWriter { wake.signal() }
    }

    // MARK: Finishing

    /// Moves the recording from running to finishing; returns false if it was not running.
    @discardableResult
    func stopAcceptingSpans() -> Bool {
        guard state.compareExchange(
            expected: State.running.rawValue, desired: State.finishing.rawValue, ordering: .acquiringAndReleasing
        ).exchanged else { return false }
        Recorder.runningCount.subtract(1, ordering: .relaxed)
        return true
    }

    /// Stops recording, writes everything still buffered and the footer, and closes the file
    /// (a flight recorder discards its window: call `dump` first to keep it). Blocks the calling
    /// thread until the writer is done; for `atexit` and synchronous code. Calling it again
    /// waits for the same end.
    func finish() {
        stopAcceptingSpans()
        let done = DispatchSemaphore(value: 0)
        if addWaiter(.semaphore(done), untilCycle: nil) { wake.signal(); done.wait() }
    }

    /// `finish()` for async code: suspends instead of blocking the thread.
    func finishAsync() async {
        stopAcceptingSpans()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if addWaiter(.continuation(continuation), untilCycle: nil) {
                wake.signal()
            } else {
                continuation.resume()
            }
        }
    }

    /// Events dropped so far because the memory limit was reached.
    var droppedEvents: UInt64 { shared.withLock { $0.droppedTotal } }

    /// The largest number of bytes that waited in the queue at once.
    var peakQueuedBytes: Int { shared.withLock { $0.peakQueuedBytes } }

    /// The warning written when the file became unwritable or full, if it did.
    var failure: String? { shared.withLock { $0.failure } }

    static func processName() -> String {
        let arguments = CommandLine.arguments
        guard let first = arguments.first else { return "" }
        return String(first.split(separator: "/").last ?? Substring(first))
    }
}

/// One line on stderr, for the recorder's own problems (never the app's).
func printRecorderWarning(_ message: String) {
    let line = Array("lanes: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// What the writer needs to know before it may write a chunk.
struct ThreadDefinition {
    var writerID: UInt32
    var threadID: UInt64
    var name: String
    var isExecutor: Bool
}

/// A task, as first seen by a thread: named by a string id, or inline when the string table
/// was full.
struct TaskDefinition {
    var id: UInt64
    var name: UInt32
    var inlineName: String?
    var parentTask: UInt64
}

/// Something waiting for the writer: a synchronous caller's semaphore or a task's continuation.
enum WriterWaiter {
    case semaphore(DispatchSemaphore)
    case continuation(CheckedContinuation<Void, Never>)

    func resume() {
        switch self {
        case .semaphore(let semaphore): semaphore.signal()
        case .continuation(let continuation): continuation.resume()
        }
    }
}

/// State shared between the recording threads and the writer, behind one short lock.
struct SharedState {
    var buffers: [ThreadBuffer] = []
    var records: [LanesEncodedChunk] = []
    var queuedBytes = 0
    var peakQueuedBytes = 0
    var threads: [ThreadDefinition] = []
    var tasks: [TaskDefinition] = []
    var dropped: [UInt32: UInt64] = [:]
    var droppedTotal: UInt64 = 0
    /// The job-capture record, until the writer writes it.
    var jobCapture: JobCapture?
    var failed = false
    var failure: String?
    /// Set once the file is closed: chunks that still arrive (a thread ending a span late,
    /// exiting threads) are discarded instead of kept forever.
    var closed = false
    /// Write cycles begun and finished so far: a flush waits for a cycle that began after it.
    var cyclesBegun: UInt64 = 0
    var cyclesFinished: UInt64 = 0
    /// Callers waiting for a cycle to finish (`untilCycle`), or for the writer to stop (nil).
    var waiters: [(untilCycle: UInt64?, waiter: WriterWaiter)] = []
    /// Flight-recorder dumps asked for and not yet written.
    var dumpRequests: [DumpRequest] = []
}

/// What only the writer thread touches.
struct OutputState {
    var file: LanesFileWriter?
    /// Tasks already defined, and whether their definition carried a name.
    var definedTasks: [UInt64: Bool] = [:]
    /// The flight recorder's window; nil when writing a file.
    var flight: FlightWindow?
}
