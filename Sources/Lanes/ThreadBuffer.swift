import LanesModel
import LanesWriter
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One thread's events for one recording, encoded as they happen.
///
/// Only the owning thread appends; it takes no lock, only an uncontended compare-and-swap on
/// `owner` per event so that the writer thread can borrow the buffer of a thread that went idle
/// (blocked in a sleep, parked in a pool) and write its events within the flush interval.
final class ThreadBuffer: @unchecked Sendable {
    /// Unowned: recorders are never deallocated (see `Recorder.init`), and the hot path should
    /// not retain it.
    unowned(unsafe) let recorder: Recorder
    let writerID: UInt32

    /// 0: free, 1: the owning thread is appending, 2: the writer is taking the events.
    private let owner = Atomic<UInt8>(0)
    /// Through a pointer rather than a stored property: appending then needs no dynamic
    /// exclusivity check, and `owner` already guarantees exclusive access.
    private let encoder: UnsafeMutablePointer<LanesChunkEncoder>
    private var sequence: UInt64 = 0
    private var lastHandOver: Int64

    // Touched only by the owning thread.
    private var nextSpanID: UInt64 = 0
    private var spanIDLimit: UInt64 = 0
    private let recentStrings = RecentStringIDs()
    private var nameCache: [String: UInt32] = [:]
    private var lastTask: UInt64 = 0
    private var reportedTasks: Set<UInt64> = []
    private var namedTasks: Set<UInt64> = []

    /// The thread's name, as its definition says (for diagnostics and tests).
    let threadName: String

    init(recorder: Recorder, threadID: UInt64, threadName: String, isExecutor: Bool) {
        self.recorder = recorder
        self.threadName = threadName
        self.writerID = recorder.allocateWriterID()
        let now = MonotonicClock.now()
        self.encoder = UnsafeMutablePointer.allocate(capacity: 1)
        encoder.initialize(to: LanesChunkEncoder(
            writerID: writerID, sequence: 0, baseTime: now, reservingCapacity: recorder.chunkLimit + 64))
        self.lastHandOver = now
        recorder.register(self, threadID: threadID, threadName: threadName, isExecutor: isExecutor)
    }

    deinit {
        encoder.deinitialize(count: 1)
        encoder.deallocate()
    }

    // MARK: Owner-thread operations

    /// A span id unique in the file.
    @inline(__always)
    func allocateSpanID() -> UInt64 {
        if nextSpanID == spanIDLimit {
            nextSpanID = recorder.allocateSpanBlock()
            spanIDLimit = nextSpanID + Recorder.spanBlockSize
        }
        defer { nextSpanID += 1 }
        return nextSpanID
    }

    /// The file-wide id of `string`, from this thread's cache when possible; nil when the
    /// recording's string table is full and the string must be written inline. `isValue` says
    /// the string is an attribute value, a label or a message (see `StringInterning`).
    @inline(__always)
    func stringID(_ string: String, isValue: Bool = false) -> UInt32? {
        if let id = recentStrings.id(of: string) { return id }
        let id: UInt32
        if let known = nameCache[string] {
            id = known
        } else {
            guard let interned = recorder.stringID(string, isValue: isValue) else { return nil }
            id = interned
            if nameCache.count >= 4096 { nameCache.removeAll(keepingCapacity: true) }
            nameCache[string] = id
        }
        recentStrings.remember(string, id: id)
        return id
    }

    /// Reports the current task the first time this thread records for it, with its name.
    @inline(__always)
    func noteCurrentTask(_ task: UInt64, parentTask: UInt64) {
        guard task != lastTask else { return }
        lastTask = task
        guard reportedTasks.insert(task).inserted else { return }
        if reportedTasks.count > 65_536 { reportedTasks = [task] }
        let name = Task.name
        let nameID = name.map { stringID($0, isValue: true) } ?? 0
        recorder.defineTask(
            id: task, name: nameID ?? 0, inlineName: nameID == nil ? name : nil,
            parentTask: parentTask == task ? 0 : parentTask)
    }

    /// Reports task `task`'s name (read by a pool about to run it) the first time this thread
    /// sees it.
    func noteTaskName(_ task: UInt64, _ name: UnsafePointer<CChar>) {
        guard namedTasks.insert(task).inserted else { return }
        if namedTasks.count > 65_536 { namedTasks = [task] }
        let text = String(cString: name)
        let nameID = stringID(text, isValue: true)
        recorder.defineTask(id: task, name: nameID ?? 0, inlineName: nameID == nil ? text : nil, parentTask: 0)
    }

    /// Appends one event with `record`, handing the chunk over when it is full or old.
    @inline(__always)
    func append(time: Int64, _ record: (inout LanesChunkEncoder) -> Void) {
        acquire()
        record(&encoder.pointee)
        if encoder.pointee.byteCount >= recorder.chunkLimit || time &- lastHandOver >= recorder.flushInterval {
            handOver(now: time)
        }
        owner.store(0, ordering: .releasing)
    }

    /// Appends an event that carries no time (an attribute), so the caller need not read the
    /// clock; the chunk is handed over only when full.
    @inline(__always)
    func appendUntimed(_ record: (inout LanesChunkEncoder) -> Void) {
        acquire()
        record(&encoder.pointee)
        if encoder.pointee.byteCount >= recorder.chunkLimit {
            handOver(now: MonotonicClock.now())
        }
        owner.store(0, ordering: .releasing)
    }

    @inline(__always)
    private func acquire() {
        if owner.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged { return }
        // The writer is copying our events out; that takes microseconds.
        while !owner.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
            sched_yield()
        }
    }

    // MARK: Hand-over (owner or writer, while holding `owner`)

    private func handOver(now: Int64) {
        lastHandOver = now
        guard !encoder.pointee.isEmpty else { return }
        let chunk = encoder.pointee.chunk()
        sequence += 1
        encoder.pointee.reset(sequence: sequence, baseTime: now)
        recorder.enqueue(chunk: chunk, from: writerID)
    }

    /// Called by the writer: takes the events of a buffer whose thread is not appending. With
    /// `force` (the final flush) waits for an appending thread to let go.
    func handOverForWriter(now: Int64, force: Bool) {
        var spins = 0
        while !owner.compareExchange(expected: 0, desired: 2, ordering: .acquiring).exchanged {
            spins += 1
            if !force && spins > 64 { return }
            sched_yield()
        }
        handOver(now: now)
        owner.store(0, ordering: .releasing)
    }

    /// Called when the owning thread exits: hands over what is left and unregisters.
    func threadExited() {
        acquire()
        handOver(now: MonotonicClock.now())
        owner.store(0, ordering: .releasing)
        recorder.unregister(self)
    }
}
