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

    /// The file being written (used only in messages).
    let path: String
    /// The most memory, in bytes, that buffered and queued events may take.
    let memoryLimit: Int
    /// A thread hands its buffer over once it holds this many bytes.
    let chunkLimit: Int
    /// Threads hand over older buffers, and the writer borrows idle ones, at this interval.
    let flushInterval: Int64

    enum State: UInt8 { case running = 0, finishing = 1, stopped = 2 }
    let state = Atomic<UInt8>(State.running.rawValue)
    let nextSpanBlock = Atomic<UInt64>(1)
    let nextWriterID = Atomic<UInt32>(1)
    let strings = Locked(StringInterning())
    let shared = Locked(SharedState())
    let output: Locked<OutputState>
    let wake = DispatchSemaphore(value: 0)
    let writerDone = DispatchSemaphore(value: 0)

    /// Span ids are handed to threads in blocks of this size, so the shared counter is touched
    /// once per block rather than once per span.
    static let spanBlockSize: UInt64 = 1024

    /// Opens `path` and starts the writer thread. Throws `LanesRecordingError` when the file
    /// cannot be created.
    init(path: String, memoryLimit: Int, flushInterval: Int64 = 100_000_000) throws(LanesRecordingError) {
        self.path = path
        self.memoryLimit = max(memoryLimit, 4096)
        self.chunkLimit = min(LanesFileLayout.preferredChunkPayload, max(1024, self.memoryLimit / 16))
        self.flushInterval = flushInterval
        let file: LanesFileWriter
        do {
            file = try LanesFileWriter(
                path: path,
                processName: Recorder.processName(),
                processID: UInt32(truncatingIfNeeded: getpid()),
                clockAtStart: MonotonicClock.now(),
                unixNanosecondsAtClock: MonotonicClock.unixNow())
        } catch {
            throw LanesRecordingError(path: path, reason: error.reason)
        }
        output = Locked(OutputState(file: file))
        // Recorders live for the rest of the process (a few hundred bytes once finished), so
        // that span contexts and thread buffers can refer to them without reference counting.
        _ = Unmanaged.passRetained(self)
        Recorder.runningCount.add(1, ordering: .relaxed)
        startWriterThread()
    }

    /// Whether spans should still be recorded.
    @inline(__always)
    var isRunning: Bool { state.load(ordering: .relaxed) == State.running.rawValue }

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

    /// The id of `string` in the file, defining it if new. Thread buffers cache the answers.
    func stringID(_ string: String) -> UInt32 {
        strings.withLock { $0.id(of: string) }
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

    /// Queues the definition of a task seen for the first time by some thread.
    func defineTask(id: UInt64, name: UInt32, parentTask: UInt64) {
        shared.withLock { $0.tasks.append(TaskDefinition(id: id, name: name, parentTask: parentTask)) }
    }

    // MARK: Hand-over

    /// Takes an encoded chunk from a thread. Never blocks for longer than a short lock: when the
    /// queue is over its share of the memory limit, the chunk is dropped and its events counted.
    func enqueue(chunk: LanesEncodedChunk, from writerID: UInt32) {
        let wakeWriter = shared.withLock { state -> Bool in
            guard !state.failed, !state.closed else { return false }
            let limit = max(chunkLimit, memoryLimit - state.buffers.count * chunkLimit)
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

    /// Stops recording, writes everything still buffered and the footer, and closes the file.
    /// Waits for the writer thread; calling it again returns at once.
    func finish() {
        guard state.compareExchange(
            expected: State.running.rawValue, desired: State.finishing.rawValue, ordering: .acquiringAndReleasing
        ).exchanged else {
            return
        }
        Recorder.runningCount.subtract(1, ordering: .relaxed)
        wake.signal()
        writerDone.wait()
    }

    /// Events dropped so far because the memory limit was reached.
    var droppedEvents: UInt64 { shared.withLock { $0.droppedTotal } }

    /// The largest number of bytes that waited in the queue at once.
    var peakQueuedBytes: Int { shared.withLock { $0.peakQueuedBytes } }

    /// The warning written when the file became unwritable, if it did.
    var failure: String? { shared.withLock { $0.failure } }

    private static func processName() -> String {
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

/// A task, as first seen by a thread.
struct TaskDefinition {
    var id: UInt64
    var name: UInt32
    var parentTask: UInt64
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
}

/// String ids: file-wide, 0 is the empty string, new strings wait in `pending` until the writer
/// defines them (always before the chunks that use them).
struct StringInterning {
    var ids: [String: UInt32] = ["": 0]
    var pending: [String] = []
    var firstPendingID: UInt32 = 1

    mutating func id(of string: String) -> UInt32 {
        if let id = ids[string] { return id }
        let id = firstPendingID + UInt32(pending.count)
        ids[string] = id
        pending.append(string)
        return id
    }

    mutating func takePending() -> (firstID: UInt32, strings: [String]) {
        let taken = (firstPendingID, pending)
        firstPendingID += UInt32(pending.count)
        pending.removeAll(keepingCapacity: true)
        return taken
    }
}

/// What only the writer thread touches.
struct OutputState {
    var file: LanesFileWriter?
    /// Tasks already defined, and whether their definition carried a name.
    var definedTasks: [UInt64: Bool] = [:]
    init(file: LanesFileWriter) { self.file = file }
}

extension Recorder {
    /// Stops new spans from being recorded (after a write failure); `finish()` still returns.
    func stopAcceptingSpans() {
        if state.compareExchange(
            expected: State.running.rawValue, desired: State.finishing.rawValue, ordering: .acquiringAndReleasing
        ).exchanged {
            Recorder.runningCount.subtract(1, ordering: .relaxed)
        }
    }

    func markStopped() {
        state.store(State.stopped.rawValue, ordering: .releasing)
    }
}
