import LanesModel

/// Encodes the events of one writer (one thread) into an `events` record.
///
/// A recorder keeps one encoder per thread and appends to it without locks; when it is full or
/// old it hands `chunk()` to the file writer's thread, which frames it, and calls `reset`. Each chunk decodes on its
/// own given the file's strings, so a damaged chunk loses only its own events.
///
/// Times are monotonic nanoseconds and must not decrease within a chunk; an earlier time is
/// written as the chunk's latest time. Span ids are unique in the file and ≥ 1; parent 0 means
/// none.
package struct LanesChunkEncoder: ~Copyable {
    /// The writer (thread) this chunk belongs to, as declared by a `thread` record.
    package let writerID: UInt32
    @usableFromInline var sequence: UInt64
    @usableFromInline var baseTime: Int64
    @usableFromInline var firstSpanID: UInt64 = 0
    @usableFromInline var currentTime: Int64
    @usableFromInline var nextSpanID: UInt64 = 0
    @usableFromInline var currentTask: UInt64 = 0
    @usableFromInline var events: EventBytes
    /// Recently begun spans and their tasks (direct-mapped by id: slot `2 * (id % 256)` holds
    /// the id, the next one its task), so a child in its parent's task is written without a
    /// task switch.
    @usableFromInline let recentSpans: UnsafeMutablePointer<UInt64>
    @usableFromInline static let recentSlots = 256
    /// The number of events encoded since the last reset.
    @inlinable package var eventCount: Int { encodedEvents }
    @usableFromInline var encodedEvents = 0
    /// The latest end of a job event since the last reset (jobs do not move `currentTime`).
    @usableFromInline var latestJobEnd: Int64 = .min

    /// A new, empty chunk for writer `writerID`, numbered `sequence`, whose times start at
    /// `baseTime`.
    package init(writerID: UInt32, sequence: UInt64, baseTime: Int64, reservingCapacity capacity: Int = LanesFileLayout.preferredChunkPayload + 64) {
        self.writerID = writerID
        self.sequence = sequence
        self.baseTime = baseTime
        self.currentTime = baseTime
        events = EventBytes(capacity: capacity)
        recentSpans = UnsafeMutablePointer.allocate(capacity: 2 * LanesChunkEncoder.recentSlots)
        recentSpans.initialize(repeating: 0, count: 2 * LanesChunkEncoder.recentSlots)
    }

    deinit {
        events.deallocate()
        recentSpans.deallocate()
    }

    /// Bytes of events encoded so far.
    @inlinable
    package var byteCount: Int { events.count }
    /// Whether no event has been encoded since the last reset.
    @inlinable
    package var isEmpty: Bool { encodedEvents == 0 }

    /// Empties the chunk for reuse, keeping its buffer.
    package mutating func reset(sequence: UInt64, baseTime: Int64) {
        self.sequence = sequence
        self.baseTime = baseTime
        currentTime = baseTime
        firstSpanID = 0
        nextSpanID = 0
        currentTask = 0
        recentSpans.update(repeating: 0, count: 2 * LanesChunkEncoder.recentSlots)
        encodedEvents = 0
        latestJobEnd = .min
        events.count = 0
    }

    @inlinable @inline(__always)
    mutating func appendTime(_ time: Int64) {
        let delta = time > currentTime ? UInt64(bitPattern: time &- currentTime) : 0
        if time > currentTime { currentTime = time }
        events.appendVarint(delta)
    }

    /// The reference to `span` relative to the most recent span id begun in this chunk.
    @inlinable @inline(__always)
    func reference(_ span: UInt64) -> Int64 {
        Int64(bitPattern: (nextSpanID &- 1) &- span)
    }

    @inlinable @inline(__always)
    mutating func prepareID(_ span: UInt64, task: UInt64, inheritsTask: Bool = false) {
        if encodedEvents == 0 && firstSpanID == 0 && nextSpanID == 0 {
            firstSpanID = span
            nextSpanID = span
        } else if span != nextSpanID {
            events.append(LanesOpcode.setNextSpanID)
            events.appendVarint(span)
            nextSpanID = span
            encodedEvents += 1
        }
        if task != currentTask && !inheritsTask {
            events.append(LanesOpcode.setTask)
            events.appendSignedVarint(Int64(bitPattern: task &- currentTask))
            currentTask = task
            encodedEvents += 1
        }
    }

    /// A span began: its id, parent (0 for a root), kind, name (string id), task (0 for none),
    /// whether a task was current on this thread, and time.
    @inlinable @inline(__always)
    package mutating func begin(
        span: UInt64, parent: UInt64, kind: SpanKind, name: UInt32, task: UInt64, onExecutor: Bool, time: Int64
    ) {
        events.reserveEvent()
        let slot = 2 * Int(truncatingIfNeeded: parent & 0xFF)
        let inheritsTask = parent != 0 && recentSpans[slot] == parent && recentSpans[slot + 1] == task
        prepareID(span, task: task, inheritsTask: inheritsTask)
        events.append(LanesOpcode.beginBase | (kind.rawValue & 0x0F)
            | (onExecutor ? LanesOpcode.beginOnExecutorBit : 0) | (inheritsTask ? LanesOpcode.beginInheritsTaskBit : 0))
        let ownSlot = 2 * Int(truncatingIfNeeded: span & 0xFF)
        recentSpans[ownSlot] = span
        recentSpans[ownSlot + 1] = task
        appendTime(time)
        events.appendVarint(UInt64(name))
        events.appendSignedVarint(parent == 0 ? 0 : Int64(bitPattern: span &- parent))
        nextSpanID = span &+ 1
        encodedEvents += 1
    }

    /// A span ended normally.
    @inlinable @inline(__always)
    package mutating func end(span: UInt64, time: Int64) {
        events.reserveEvent()
        events.append(LanesOpcode.end)
        appendTime(time)
        events.appendSignedVarint(reference(span))
        encodedEvents += 1
    }

    /// A span ended by throwing; `errorMessage` is a string id (0 for none).
    package mutating func end(span: UInt64, time: Int64, errorMessage: UInt32) {
        events.reserveEvent()
        events.append(LanesOpcode.endWithError)
        appendTime(time)
        events.appendSignedVarint(reference(span))
        events.appendVarint(UInt64(errorMessage))
        encodedEvents += 1
    }

    /// A synchronous span ended after using `cpuNanoseconds` of its thread's CPU time.
    package mutating func end(span: UInt64, time: Int64, cpuNanoseconds: Int64) {
        events.reserveEvent()
        events.append(LanesOpcode.endWithCPU)
        appendTime(time)
        events.appendSignedVarint(reference(span))
        events.appendVarint(UInt64(max(0, cpuNanoseconds)))
        encodedEvents += 1
    }

    /// A span ended with an explicit status and, optionally, a CPU time (used when re-encoding
    /// recovered or imported traces).
    package mutating func end(span: UInt64, time: Int64, status: SpanStatus, cpuNanoseconds: Int64?) {
        events.reserveEvent()
        events.append(LanesOpcode.endWithStatus)
        appendTime(time)
        events.appendSignedVarint(reference(span))
        events.append(status.rawValue)
        events.appendVarint(cpuNanoseconds.map { UInt64(max(0, $0)) + 1 } ?? 0)
        encodedEvents += 1
    }

    /// Adds model flags (e.g. `.instant`) to a span.
    package mutating func setFlags(span: UInt64, flags: SpanFlags) {
        events.reserveEvent()
        events.append(LanesOpcode.setFlags)
        events.appendSignedVarint(reference(span))
        events.append(flags.rawValue)
        encodedEvents += 1
    }

    /// An attribute of `span`: key and value are string ids.
    package mutating func attribute(span: UInt64, key: UInt32, value: UInt32) {
        events.reserveEvent()
        events.append(LanesOpcode.attribute)
        events.appendSignedVarint(reference(span))
        events.appendVarint(UInt64(key))
        events.appendVarint(UInt64(value))
        encodedEvents += 1
    }

    /// A point event with id `span` inside `parent` (0 for none): a zero-length span of unknown
    /// kind with the `.instant` flag.
    package mutating func instant(span: UInt64, parent: UInt64, name: UInt32, task: UInt64, time: Int64) {
        events.reserveEvent()
        prepareID(span, task: task)
        events.append(LanesOpcode.instant)
        appendTime(time)
        events.appendVarint(UInt64(name))
        events.appendSignedVarint(parent == 0 ? 0 : Int64(bitPattern: span &- parent))
        nextSpanID = span &+ 1
        encodedEvents += 1
    }

    /// An executor job of `task` ran on this writer's thread: enqueued, then started, then ended.
    package mutating func job(task: UInt64, enqueued: Int64, started: Int64, ended: Int64) {
        events.reserveEvent()
        events.append(LanesOpcode.job)
        events.appendVarint(task)
        events.appendSignedVarint(started &- currentTime)
        events.appendVarint(UInt64(max(0, started &- enqueued)))
        events.appendVarint(UInt64(max(0, ended &- started)))
        latestJobEnd = max(latestJobEnd, ended)
        encodedEvents += 1
    }

    /// An attribute of `span` whose key or value is not an interned string: both are written
    /// inline (extension opcode `A0`).
    package mutating func attribute(span: UInt64, inlineKey key: String, inlineValue value: String) {
        var payload: [UInt8] = []
        payload.appendSignedVarint(reference(span))
        payload.appendString(key)
        payload.appendString(value)
        appendExtension(LanesOpcode.inlineAttribute, payload)
    }

    /// Names `span`, begun with name 0, with a string that is not interned (extension opcode `A1`).
    package mutating func name(span: UInt64, inline name: String) {
        var payload: [UInt8] = []
        payload.appendSignedVarint(reference(span))
        payload.appendString(name)
        appendExtension(LanesOpcode.inlineName, payload)
    }

    /// An extension event: its opcode, the payload's length, the payload. Strings are bounded by
    /// the caller (the recorder shortens them), so the event fits after one reservation.
    mutating func appendExtension(_ opcode: UInt8, _ payload: [UInt8]) {
        while events.count &+ payload.count &+ 16 > events.capacity { events.grow() }
        events.append(opcode)
        events.appendVarint(UInt64(payload.count))
        for byte in payload { events.append(byte) }
        encodedEvents += 1
    }

    /// An executor job of `task` ran on this writer's thread, made ready by task `enqueuer` (0:
    /// no task was current where it was enqueued). An extension event: readers that do not know
    /// it skip it by its length.
    package mutating func job(task: UInt64, enqueuer: UInt64, enqueued: Int64, started: Int64, ended: Int64) {
        events.reserveEvent()
        events.append(LanesOpcode.jobWithEnqueuer)
        // The body is at most 50 bytes (five varints), so its length takes one byte, patched in
        // once the body is written.
        let lengthAt = events.count
        events.append(0)
        events.appendVarint(task)
        events.appendSignedVarint(started &- currentTime)
        events.appendVarint(UInt64(max(0, started &- enqueued)))
        events.appendVarint(UInt64(max(0, ended &- started)))
        events.appendVarint(EnqueuerCode.encode(enqueuer: enqueuer, task: task))
        events.base[lengthAt] = UInt8(truncatingIfNeeded: events.count &- lengthAt &- 1)
        encodedEvents += 1
    }

    /// The watchdog sampled thread `thread` (Lanes' thread number) at `time`, in a job of `task`
    /// (0: none) that started at `jobStarted`: its state letter, cumulative CPU and run-queue
    /// nanoseconds, how the stack was taken (`SampleFlags` bits) and the stack (a `stacks`
    /// record's id, 0: none). An extension event that leaves the chunk's time unchanged, so
    /// readers that skip it decode the rest alike.
    package mutating func sample(
        thread: UInt64, task: UInt64, time: Int64, jobStarted: Int64, state: UInt8, flags: UInt8,
        cpuNanoseconds: Int64, runQueueNanoseconds: Int64, stack: UInt64
    ) {
        events.reserve(96)
        events.append(LanesOpcode.sample)
        // The body is at most 75 bytes, so its length takes one byte, patched in afterwards.
        let lengthAt = events.count
        events.append(0)
        events.appendVarint(thread)
        events.appendVarint(task)
        events.appendSignedVarint(time &- currentTime)
        events.appendVarint(UInt64(max(0, time &- jobStarted)))
        events.append(state)
        events.append(flags)
        events.appendVarint(UInt64(max(0, cpuNanoseconds)))
        events.appendVarint(UInt64(max(0, runQueueNanoseconds)))
        events.appendVarint(stack)
        events.base[lengthAt] = UInt8(truncatingIfNeeded: events.count &- lengthAt &- 1)
        encodedEvents += 1
    }

    /// The events encoded since the last reset, with what framing them needs: cheap to take
    /// (one copy of the bytes), so a recording thread can hand the framing and checksum to a
    /// writer thread.
    package func chunk() -> LanesEncodedChunk {
        LanesEncodedChunk(
            writerID: writerID, sequence: sequence, baseTime: baseTime, firstSpanID: firstSpanID,
            latestTime: max(currentTime, latestJobEnd), eventCount: encodedEvents, events: Array(events.bytes))
    }

    /// The framed, checksummed `events` record holding everything encoded since the last reset.
    package func encodedRecord() -> [UInt8] {
        chunk().framedRecord()
    }
}
