import LanesModel
import LanesWriter

/// Decoding one `events` record (a chunk): the event loop and what each event does to the
/// builder.
///
/// Most of a read is spent here, so the loop has two paths. While at least
/// `ByteCursor.fastEventMargin` bytes remain, the common events (begin, end, job, set task)
/// are read without end checks, their varints decoded a word at a time; everything else, and
/// the last bytes of a chunk, go through the checked path, which trusts nothing. Both paths
/// apply events through the same methods, so they cannot disagree.
extension LanesFileDecoder {
    /// What a chunk's events carry from one to the next (reset at every chunk).
    struct ChunkState {
        var time: Int64
        var nextID: UInt64
        var taskID: UInt64 = 0
        /// The builder index of `taskID`, or -1 until a span needs it (task 0, "no task",
        /// becomes a lane only if a span uses it).
        var task: Int32 = -1
        let thread: Int32
    }

    mutating func decodeEvents(_ cursor: inout ByteCursor) {
        guard let writer = cursor.readVarint(), cursor.readVarint() != nil, let baseTime = cursor.readSignedVarint(),
              let firstSpanID = cursor.readVarint(), let declaredEvents = cursor.readVarint()
        else { return noteUndecodable() }
        let thread = writer <= UInt64(UInt32.max) ? (threadOfWriter[UInt32(writer)] ?? -1) : -1
        var state = ChunkState(time: baseTime, nextID: firstSpanID, thread: thread)
        var decoded: UInt64 = 0
        latestTime = max(latestTime, baseTime)

        while !cursor.isAtEnd {
            if cursor.remaining >= ByteCursor.fastEventMargin {
                decodeCommonEventsUnchecked(&cursor, &state, decoded: &decoded)
                if cursor.isAtEnd { break }
            }
            guard decodeEventChecked(&cursor, &state) else {
                // An opcode this reader does not know, or an event cut short: the rest of the
                // chunk cannot be located. Keep what came before.
                undecodableChunks += 1
                if declaredEvents > decoded { lostEvents += Int(min(declaredEvents - decoded, 1 << 24)) }
                break
            }
            decoded += 1
        }
        latestTime = max(latestTime, state.time)
    }

    /// Decodes begin, end, job and set-task events without end checks while at least
    /// `fastEventMargin` bytes remain, counting them in `decoded`. Stops with the cursor on any
    /// other event or on a varint longer than ten bytes, for the checked path to handle.
    ///
    /// One call runs through many events, with the cursor and the chunk state in local
    /// variables (registers), rather than one call per event through memory.
    mutating func decodeCommonEventsUnchecked(_ cursor: inout ByteCursor, _ state: inout ChunkState, decoded: inout UInt64) {
        var localCursor = cursor
        var localState = state
        var count: UInt64 = 0
        let fastEnd = localCursor.end - ByteCursor.fastEventMargin
        while localCursor.position <= fastEnd, decodeCommonEventUnchecked(&localCursor, &localState) {
            count &+= 1
        }
        cursor = localCursor
        state = localState
        decoded &+= count
    }

    /// Decodes one begin, end, job or set-task event without end checks (the caller made sure
    /// `fastEventMargin` bytes remain). Returns false, with the cursor unmoved, for any other
    /// event or a varint longer than ten bytes.
    @inline(__always)
    mutating func decodeCommonEventUnchecked(_ cursor: inout ByteCursor, _ state: inout ChunkState) -> Bool {
        let start = cursor.position
        let opcode = cursor.readByteUnchecked()
        if opcode & 0xC0 == LanesOpcode.beginBase {
            guard let delta = cursor.readVarintUnchecked(), let name = cursor.readVarintUnchecked(),
                  let parentReference = cursor.readVarintUnchecked()
            else { cursor.position = start; return false }
            applyBegin(opcode: opcode, delta: delta, name: name, parentReference: parentReference, &state)
            return true
        }
        switch opcode {
        case LanesOpcode.end:
            guard let delta = cursor.readVarintUnchecked(), let reference = cursor.readVarintUnchecked()
            else { cursor.position = start; return false }
            state.time = state.time &+ Int64(bitPattern: delta)
            endSpan(id: spanID(reference: reference, state), time: state.time, status: .ok, cpu: nil)
            return true
        case LanesOpcode.job:
            guard let task = cursor.readVarintUnchecked(), let startOffset = cursor.readVarintUnchecked(),
                  let queued = cursor.readVarintUnchecked(), let run = cursor.readVarintUnchecked()
            else { cursor.position = start; return false }
            applyJob(task: task, startOffset: unzigzag(startOffset), queued: queued, run: run, state)
            return true
        case LanesOpcode.setTask:
            guard let delta = cursor.readVarintUnchecked() else { cursor.position = start; return false }
            applySetTask(delta: unzigzag(delta), &state)
            return true
        case LanesOpcode.jobWithEnqueuer:
            // The body is under 128 bytes when written by Lanes; anything else takes the checked path.
            let length = Int(cursor.readByteUnchecked())
            guard length < 0x80, length <= cursor.remaining else { cursor.position = start; return false }
            let bodyEnd = cursor.position + length
            guard let task = cursor.readVarintUnchecked(), let startOffset = cursor.readVarintUnchecked(),
                  let queued = cursor.readVarintUnchecked(), let run = cursor.readVarintUnchecked(),
                  let enqueuer = cursor.readVarintUnchecked(), cursor.position <= bodyEnd
            else { cursor.position = start; return false }
            cursor.position = bodyEnd
            applyJob(task: task, startOffset: unzigzag(startOffset), queued: queued, run: run, state)
            noteEnqueuer(EnqueuerCode.decode(enqueuer, task: task), ofJobOf: task, startOffset: unzigzag(startOffset), queued: queued, state)
            return true
        default:
            cursor.position = start
            return false
        }
    }

    /// Decodes one event of any kind, checking every read. Returns false when the event is
    /// unknown (a reserved opcode) or cut short.
    mutating func decodeEventChecked(_ cursor: inout ByteCursor, _ state: inout ChunkState) -> Bool {
        guard let opcode = cursor.readByte() else { return false }
        if opcode >= LanesOpcode.beginBase && opcode < LanesOpcode.firstSkippable {
            guard let delta = cursor.readVarint(), let name = cursor.readVarint(), let parentReference = cursor.readVarint()
            else { return false }
            applyBegin(opcode: opcode, delta: delta, name: name, parentReference: parentReference, &state)
            return true
        }
        switch opcode {
        case LanesOpcode.end, LanesOpcode.endWithError, LanesOpcode.endWithCPU, LanesOpcode.endWithStatus:
            guard let delta = cursor.readVarint(), let reference = cursor.readVarint() else { return false }
            state.time = state.time &+ Int64(bitPattern: delta)
            let id = spanID(reference: reference, state)
            var status = SpanStatus.ok
            var cpu: Int64?
            if opcode == LanesOpcode.endWithError {
                guard let message = cursor.readVarint() else { return false }
                status = .error
                if message != 0 { attach(id: id, key: builder.intern("error"), value: .string(string(message))) }
            } else if opcode == LanesOpcode.endWithCPU {
                guard let nanoseconds = cursor.readVarint() else { return false }
                cpu = Int64(truncatingIfNeeded: nanoseconds)
            } else if opcode == LanesOpcode.endWithStatus {
                guard let raw = cursor.readByte(), let cpuPlusOne = cursor.readVarint() else { return false }
                status = SpanStatus(rawValue: raw) ?? .ok
                if cpuPlusOne > 0 { cpu = Int64(truncatingIfNeeded: cpuPlusOne - 1) }
            }
            endSpan(id: id, time: state.time, status: status, cpu: cpu)
        case LanesOpcode.setTask:
            guard let delta = cursor.readSignedVarint() else { return false }
            applySetTask(delta: delta, &state)
        case LanesOpcode.setNextSpanID:
            guard let id = cursor.readVarint() else { return false }
            state.nextID = id
        case LanesOpcode.attribute:
            guard let reference = cursor.readVarint(), let key = cursor.readVarint(), let value = cursor.readVarint()
            else { return false }
            attach(id: spanID(reference: reference, state), key: string(key), value: .string(string(value)))
        case LanesOpcode.setFlags:
            guard let reference = cursor.readVarint(), let raw = cursor.readByte() else { return false }
            let id = spanID(reference: reference, state)
            let flags = SpanFlags(rawValue: raw).intersection([.instant])
            if let index = spanIndex(ofID: id) { builder.addFlags(flags, to: index) } else { pendingFlags[id, default: []].formUnion(flags) }
        case LanesOpcode.instant:
            guard let delta = cursor.readVarint(), let name = cursor.readVarint(), let parentReference = cursor.readVarint()
            else { return false }
            state.time = state.time &+ Int64(bitPattern: delta)
            let id = state.nextID
            state.nextID = state.nextID &+ 1
            let parent = parentReference == 0 ? 0 : id &- UInt64(bitPattern: unzigzag(parentReference))
            if state.task < 0 { state.task = taskIndex(ofID: state.taskID) }
            beginSpan(
                id: id, parent: parent, parentIndex: parent == 0 ? nil : spanIndex(ofID: parent), name: string(name),
                traits: SpanTraits(kind: .unknown, status: .ok, flags: .instant), time: state.time, task: state.task,
                thread: state.thread)
            endSpan(id: id, time: state.time, status: .ok, cpu: nil)
        case LanesOpcode.job:
            guard let task = cursor.readVarint(), let startOffset = cursor.readSignedVarint(),
                  let queued = cursor.readVarint(), let run = cursor.readVarint()
            else { return false }
            applyJob(task: task, startOffset: startOffset, queued: queued, run: run, state)
        case LanesOpcode.jobWithEnqueuer:
            guard let length = cursor.readVarint(), length <= UInt64(cursor.remaining) else { return false }
            // Fields are read within the body; a newer writer may append more, which are skipped.
            var body = ByteCursor(cursor.bytes, from: cursor.position, to: cursor.position + Int(length))
            cursor.position += Int(length)
            if let task = body.readVarint(), let startOffset = body.readSignedVarint(), let queued = body.readVarint(),
               let run = body.readVarint() {
                applyJob(task: task, startOffset: startOffset, queued: queued, run: run, state)
                if let enqueuer = body.readVarint() {
                    noteEnqueuer(EnqueuerCode.decode(enqueuer, task: task), ofJobOf: task, startOffset: startOffset, queued: queued, state)
                }
            } else {
                undecodableExtensions += 1
            }
        case LanesOpcode.sample:
            guard let length = cursor.readVarint(), length <= UInt64(cursor.remaining) else { return false }
            var body = ByteCursor(cursor.bytes, from: cursor.position, to: cursor.position + Int(length))
            cursor.position += Int(length)
            decodeSample(&body, state)
        default:
            guard opcode >= LanesOpcode.firstSkippable, let length = cursor.readVarint(), length <= UInt64(cursor.remaining)
            else { return false }
            var payload = ByteCursor(cursor.bytes, from: cursor.position, to: cursor.position + Int(length))
            decodeExtension(opcode: opcode, cursor: cursor, length: Int(length), state)
            cursor.position += Int(length)
            // Extensions this reader knows; any other is skipped by its length. A known one
            // whose payload does not parse is skipped too: its length still says where the
            // next event starts.
            if opcode == LanesOpcode.inlineAttribute {
                guard let reference = payload.readVarint(), let key = payload.readString(), let value = payload.readString()
                else { undecodableExtensions += 1; return true }
                attach(id: spanID(reference: reference, state), key: builder.intern(key), value: .string(builder.intern(value)))
            } else if opcode == LanesOpcode.inlineName {
                guard let reference = payload.readVarint(), let name = payload.readString()
                else { undecodableExtensions += 1; return true }
                let id = spanID(reference: reference, state)
                if let index = spanIndex(ofID: id) { builder.setName(ofSpan: index, toString: builder.intern(name)) }
            }
        }
        return true
    }

    // MARK: Applying events

    /// The traits of a span begun by opcode `0x40 | i`, at index `i`: kind from bits 0–3
    /// (unknown kinds read as `unknown`), the on-executor flag from bit 5.
    static let beginTraits: [SpanTraits] = (0..<64).map { code in
        let opcode = LanesOpcode.beginBase | UInt8(code)
        let kind = SpanKind(rawValue: opcode & 0x0F) ?? .unknown
        let flags: SpanFlags = opcode & LanesOpcode.beginOnExecutorBit != 0 ? .onExecutor : []
        return SpanTraits(kind: kind, status: .ok, flags: flags)
    }

    /// The file span id a span reference names.
    @inline(__always)
    func spanID(reference: UInt64, _ state: ChunkState) -> UInt64 {
        (state.nextID &- 1) &- UInt64(bitPattern: unzigzag(reference))
    }

    @inline(__always)
    mutating func applyBegin(opcode: UInt8, delta: UInt64, name: UInt64, parentReference: UInt64, _ state: inout ChunkState) {
        state.time = state.time &+ Int64(bitPattern: delta)
        let id = state.nextID
        state.nextID = state.nextID &+ 1
        let parent = parentReference == 0 ? 0 : id &- UInt64(bitPattern: unzigzag(parentReference))
        var spanTask: Int32
        var deferred = false
        let parentIndex = parent == 0 ? nil : spanIndex(ofID: parent)
        if opcode & LanesOpcode.beginInheritsTaskBit != 0, let parentIndex {
            spanTask = builder.task(ofSpan: parentIndex)
        } else {
            // Without the parent read yet, an inheriting span's task is settled at the end.
            deferred = opcode & LanesOpcode.beginInheritsTaskBit != 0
            if state.task < 0 { state.task = taskIndex(ofID: state.taskID) }
            spanTask = state.task
        }
        beginSpan(
            id: id, parent: parent, parentIndex: parentIndex, name: string(name),
            traits: LanesFileDecoder.beginTraits[Int(opcode & 0x3F)], time: state.time, task: spanTask, thread: state.thread)
        if deferred { spansInheritingTask.append((Int32(builder.spanCount - 1), parent)) }
    }

    @inline(__always)
    mutating func applySetTask(delta: Int64, _ state: inout ChunkState) {
        state.taskID = state.taskID &+ UInt64(bitPattern: delta)
        state.task = taskIndex(ofID: state.taskID)
    }

    @inline(__always)
    mutating func applyJob(task: UInt64, startOffset: Int64, queued: UInt64, run: UInt64, _ state: ChunkState) {
        let started = state.time &+ startOffset
        let enqueued = started &- Int64(truncatingIfNeeded: queued)
        let finished = started &+ Int64(truncatingIfNeeded: run)
        builder.addSlice(task: taskIndex(ofID: task), thread: state.thread, enqueued: enqueued, started: started, ended: finished)
        latestTime = max(latestTime, finished)
    }

    /// Keeps, per task, the enqueuer of its earliest captured job: the task that created it.
    @inline(__always)
    mutating func noteEnqueuer(_ enqueuer: UInt64, ofJobOf task: UInt64, startOffset: Int64, queued: UInt64, _ state: ChunkState) {
        let index = Int(taskIndex(ofID: task))
        let enqueued = (state.time &+ startOffset) &- Int64(truncatingIfNeeded: queued)
        if index >= earliestEnqueue.count {
            earliestEnqueue.append(contentsOf: repeatElement((time: Int64.max, enqueuer: UInt64(0)), count: index + 1 - earliestEnqueue.count))
        }
        if enqueued < earliestEnqueue[index].time { earliestEnqueue[index] = (enqueued, enqueuer) }
    }

    @inline(__always)
    func unzigzag(_ raw: UInt64) -> Int64 { Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))) }

    @inline(__always)
    /// Adds span `id`, whose parent is file span `parent` (0: none) and, if it was read already,
    /// builder span `parentIndex`.
    mutating func beginSpan(
        id: UInt64, parent: UInt64, parentIndex: Int32?, name: UInt32, traits: SpanTraits, time: Int64, task: Int32, thread: Int32
    ) {
        let index = builder.addSpan(
            name: name, traits: traits, begin: time, end: time, parent: parentIndex ?? -1, task: task, thread: thread)
        if parent != 0 && parentIndex == nil { unresolvedParents.append((index, parent)) }
        if Int(index) >> 6 >= ended.count { ended.grow(to: max(1024, 2 * ended.count)) }
        remember(id: id, index: index)
        if !pendingEnds.isEmpty, let pending = pendingEnds.removeValue(forKey: id) {
            endSpan(id: id, time: pending.time, status: pending.status, cpu: pending.cpu)
        }
        if !pendingAttributes.isEmpty, let attributes = pendingAttributes.removeValue(forKey: id) {
            for attribute in attributes { attach(id: id, key: attribute.key, value: attribute.value) }
        }
        if !pendingFlags.isEmpty, let extra = pendingFlags.removeValue(forKey: id) {
            builder.addFlags(extra, to: index)
        }
        if !telemetry.pending.isEmpty { applyPendingTelemetry(id: id, index: index) }
    }

    @inline(__always)
    mutating func endSpan(id: UInt64, time: Int64, status: SpanStatus, cpu: Int64?) {
        guard let index = spanIndex(ofID: id) else {
            // The end arrived in a chunk flushed before the chunk holding the begin.
            if pendingEnds.count < 1 << 22 { pendingEnds[id] = (time, status, cpu) }
            return
        }
        let word = Int(index) >> 6
        let bit: UInt64 = 1 << UInt64(index & 63)
        guard ended[word] & bit == 0 else { return }
        ended[word] |= bit
        builder.endSpan(index, at: time, status: status)
        if let cpu { builder.setCPUTime(of: index, nanoseconds: cpu) }
    }

    mutating func attach(id: UInt64, key: UInt32, value: StoredAttributeValue) {
        if let index = spanIndex(ofID: id) {
            builder.addAttribute(to: index, key: key, value: value)
        } else if pendingAttributes.count < 1 << 20 {
            pendingAttributes[id, default: []].append((key, value))
        }
    }
}
