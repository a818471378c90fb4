import LanesModel

/// Turns Trace Events, in file order, into a `Trace`.
///
/// Each (pid, tid) is a thread and, for its synchronous events (`X`, `B`/`E`, `i`), a lane;
/// each async track (`b`/`e`/`n` or legacy `S`/`F`, grouped by category, scope and id) is a
/// lane of its own. Events that carry `lanes.task` (Lanes' own exports) go to that task's lane
/// instead. Within a lane, a span's parent is the innermost span that contains it in time;
/// `lanes.parent` overrides that.
struct ChromeTraceAssembler {
    /// A span being assembled; times in nanoseconds relative to the file's clock.
    struct Interval {
        var begin: Int64
        var end: Int64
        var name: UInt32
        var threadSlot: Int32
        var lane: Int32
        var kind: SpanKind
        var flags: SpanFlags
        var status: SpanStatus
        /// Index into `extras`, or -1.
        var extra: Int32
        /// An async span (`b`, `S`) not yet ended: the open lists drop ended spans lazily.
        var isOpenAsync = false
    }

    /// Arguments, CPU time and Lanes span numbers of one interval (kept apart: most foreign
    /// events have none of them).
    struct Extra {
        var arguments: [JSONMember]
        /// Thread CPU time (`lanes.cpu_ns`, else `tdur`), or -1.
        var cpuNanoseconds: Int64
        /// `lanes.span`, if present.
        var lanesSpan: Int64?
        /// `lanes.parent`, if present.
        var lanesParent: Int64?

        init(arguments: [JSONMember], facts: LanesFacts?, threadDuration: Int64) {
            self.arguments = arguments
            cpuNanoseconds = facts?.cpuNanoseconds ?? threadDuration
            lanesSpan = facts?.span
            lanesParent = facts?.parent
        }
    }

    /// An async track: events with the same category, scope and id (and process, for local ids).
    struct TrackKey: Hashable {
        var category: String
        var scope: String
        var id: String
        var process: Int64
    }

    struct ThreadKey: Hashable {
        var process: Int64
        var thread: Int64
    }

    enum LaneKey: Hashable {
        case thread(Int32)
        case track(Int32)
        case task(UInt64)
    }

    var builder = TraceBuilder()
    var intervals: [Interval] = []
    var extras: [Extra] = []

    var threadSlotByKey: [ThreadKey: Int32] = [:]
    var threadKeys: [ThreadKey] = []
    var threadNames: [String] = []
    var threadSortIndex: [Int64] = []
    var threadIsExecutor: [Bool] = []
    var openByThread: [[Int32]] = []
    var laneOfThreadSlot: [Int32] = []
    var lastThreadKey = ThreadKey(process: .min, thread: .min)
    var lastThreadSlot: Int32 = -1

    var processNames: [Int64: String] = [:]
    var processSortIndex: [Int64: Int64] = [:]
    var syntheticIdentifiers: [String: Int64] = [:]
    var syntheticNames: [Int64: String] = [:]

    var trackByKey: [TrackKey: Int32] = [:]
    var lastTask: UInt64 = 0
    var lastTaskLane: Int32 = -1
    /// Async spans begun on each track, innermost last; spans already ended are dropped when
    /// they reach the top (so closing any one of them costs no search or shift).
    var openByTrack: [[Int32]] = []
    /// The same per track and name (`track << 32 | name`), for ends that name their span.
    var openByTrackAndName: [UInt64: [Int32]] = [:]
    var laneOfTrack: [Int32] = []

    var laneKeys: [LaneKey] = []
    var laneNames: [String] = []
    var laneByKey: [LaneKey: Int32] = [:]

    /// Producers' quirks: buffer overflow, totals, counters.
    var quirks = ChromeProducerQuirks()
    var unreadableCounterValues = 0

    var lanesFileFacts = LanesFacts()
    /// Task-state slices from `lanes.job` events: lane, thread slot, enqueued, started, ended.
    var jobs: [(lane: Int32, thread: Int32, enqueued: Int64, started: Int64, ended: Int64)] = []
    var latestTimestamp: Int64 = .min

    // What was lost, for the warnings.
    var skippedPhases = [Int](repeating: 0, count: 256)
    private(set) var eventsWithoutPhase = 0
    var eventsWithBadTimestamp = 0
    var unmatchedEnds = 0
    var neverEnded = 0
    /// Events seen (whole objects), recognised or not.
    private(set) var eventCount = 0

    /// An assembler for a file of `byteCount` bytes (used only to size the first allocation:
    /// an event takes at least ~40 bytes of JSON, and the guess is capped).
    init(byteCount: Int = 0) {
        builder.metadata.sourceFormat = "chrome"
        intervals.reserveCapacity(min(byteCount / 128, 1 << 22))
    }

    // MARK: Adding events

    /// Adds one event; events must come in file order (`B`/`E` pairs are matched by it).
    mutating func add(_ event: ChromeEvent) {
        eventCount += 1
        let phase = event.phase
        if phase == UInt8(ascii: "M") { return addMetadata(event) }
        switch phase {
        case UInt8(ascii: "X"), UInt8(ascii: "B"), UInt8(ascii: "E"), UInt8(ascii: "i"), UInt8(ascii: "I"),
             UInt8(ascii: "b"), UInt8(ascii: "e"), UInt8(ascii: "n"), UInt8(ascii: "S"), UInt8(ascii: "F"),
             UInt8(ascii: "C"):
            break
        case 0:
            eventsWithoutPhase += 1
            return
        default:
            skippedPhases[Int(phase)] += 1
            return
        }
        guard event.hasTimestamp, !event.timestampIsBad else {
            eventsWithBadTimestamp += 1
            return
        }
        let time = event.timestamp
        latestTimestamp = max(latestTimestamp, time)
        switch phase {
        case UInt8(ascii: "X") where event.facts == nil && ChromeProducerQuirks.isProducerTotal(event):
            quirks.addTotal(event)
        case UInt8(ascii: "C"):
            unreadableCounterValues += quirks.addCounter(event, at: time)
        case UInt8(ascii: "X"):
            let slot = threadSlot(event.process, event.thread)
            if let task = event.facts?.jobTask {
                let lane = self.lane(.task(task), name: event.facts?.taskName ?? "")
                let ended = time.addingReportingOverflow(max(0, event.duration))
                jobs.append((lane, slot, event.facts?.enqueuedNanoseconds ?? time, time, ended.overflow ? time : ended.partialValue))
                return
            }
            let end = time.addingReportingOverflow(max(0, event.duration))
            latestTimestamp = max(latestTimestamp, end.overflow ? time : end.partialValue)
            append(event, begin: time, end: end.overflow ? time : end.partialValue, slot: slot,
                   lane: syncLane(slot, event.facts), flags: [])
        case UInt8(ascii: "B"):
            let slot = threadSlot(event.process, event.thread)
            let index = append(event, begin: time, end: time, slot: slot, lane: syncLane(slot, event.facts), flags: [])
            openByThread[Int(slot)].append(index)
        case UInt8(ascii: "E"):
            let slot = threadSlot(event.process, event.thread)
            guard let index = openByThread[Int(slot)].popLast() else {
                unmatchedEnds += 1
                return
            }
            close(index, at: time, with: event)
        case UInt8(ascii: "i"), UInt8(ascii: "I"):
            let slot = threadSlot(event.process, event.thread)
            append(event, begin: time, end: time, slot: slot, lane: syncLane(slot, event.facts), flags: .instant)
        default:
            addAsync(event, at: time)
        }
    }

    mutating func addAsync(_ event: ChromeEvent, at time: Int64) {
        let slot: Int32 = event.thread == .none ? -1 : threadSlot(event.process, event.thread)
        let isLocal = event.asyncID?.hasPrefix("local:") ?? false
        let key = TrackKey(
            category: event.category, scope: event.scope, id: event.asyncID ?? "",
            process: isLocal ? identifierNumber(event.process) : 0)
        let track: Int32
        if let existing = trackByKey[key] {
            track = existing
        } else {
            track = Int32(openByTrack.count)
            trackByKey[key] = track
            openByTrack.append([])
            laneOfTrack.append(-1)
        }
        func spanLane(_ assembler: inout ChromeTraceAssembler) -> Int32 {
            if let task = event.facts?.task {
                return assembler.lane(.task(task), name: event.facts?.taskName ?? "")
            }
            if assembler.laneOfTrack[Int(track)] < 0 {
                assembler.laneOfTrack[Int(track)] = assembler.lane(.track(track), name: event.name)
            }
            return assembler.laneOfTrack[Int(track)]
        }
        switch event.phase {
        case UInt8(ascii: "b"), UInt8(ascii: "S"):
            let index = append(event, begin: time, end: time, slot: slot, lane: spanLane(&self), flags: [])
            intervals[Int(index)].isOpenAsync = true
            openByTrack[Int(track)].append(index)
            openByTrackAndName[UInt64(UInt32(track)) << 32 | UInt64(intervals[Int(index)].name), default: []].append(index)
        case UInt8(ascii: "e"), UInt8(ascii: "F"):
            // Close the innermost open span of that name, or else the innermost one.
            var index: Int32?
            if !event.name.isEmpty, let name = builder.strings.index(of: event.name) {
                index = Self.popOpen(&openByTrackAndName[UInt64(UInt32(track)) << 32 | UInt64(name), default: []], intervals)
            }
            guard let index = index ?? Self.popOpen(&openByTrack[Int(track)], intervals) else {
                unmatchedEnds += 1
                return
            }
            intervals[Int(index)].isOpenAsync = false
            close(index, at: time, with: event)
        default:  // "n": an instant on the track.
            append(event, begin: time, end: time, slot: slot, lane: spanLane(&self), flags: .instant)
        }
    }

    /// Removes and returns the innermost span of `stack` still open, dropping ended ones above it.
    /// (Static, with `intervals` passed in: a method reading `self` while a stack inside `self`
    /// is being modified would copy the stacks on every call.)
    static func popOpen(_ stack: inout [Int32], _ intervals: [Interval]) -> Int32? {
        while let top = stack.popLast() {
            if intervals[Int(top)].isOpenAsync { return top }
        }
        return nil
    }

    mutating func close(_ index: Int32, at time: Int64, with event: ChromeEvent) {
        intervals[Int(index)].end = max(intervals[Int(index)].begin, time)
        guard !event.arguments.isEmpty || event.facts != nil else { return }
        // Arguments given at the end are merged into the span's, as the format says.
        var extraIndex = intervals[Int(index)].extra
        if extraIndex < 0 {
            extraIndex = Int32(extras.count)
            extras.append(Extra(arguments: [], facts: nil, threadDuration: -1))
            intervals[Int(index)].extra = extraIndex
        }
        extras[Int(extraIndex)].arguments += event.arguments
        if let cpu = event.facts?.cpuNanoseconds { extras[Int(extraIndex)].cpuNanoseconds = cpu }
    }

    @discardableResult
    mutating func append(
        _ event: ChromeEvent, begin: Int64, end: Int64, slot: Int32, lane: Int32, flags: SpanFlags
    ) -> Int32 {
        var flags = flags
        var kind = SpanKind.unknown
        var status = SpanStatus.ok
        var extra: Int32 = -1
        if let facts = event.facts {
            kind = facts.kind ?? .unknown
            status = facts.status ?? .ok
            if facts.onExecutor { flags.insert(.onExecutor) }
            if facts.isInstant { flags.insert(.instant) }
        }
        if event.facts != nil || !event.arguments.isEmpty || event.threadDuration >= 0 {
            extra = Int32(extras.count)
            extras.append(Extra(arguments: event.arguments, facts: event.facts, threadDuration: event.threadDuration))
        }
        let index = Int32(intervals.count)
        intervals.append(Interval(
            begin: begin, end: end, name: builder.intern(event.name), threadSlot: slot, lane: lane,
            kind: kind, flags: flags, status: status, extra: extra))
        return index
    }

    mutating func addMetadata(_ event: ChromeEvent) {
        if let facts = event.facts {
            if let start = facts.startNanoseconds { lanesFileFacts.startNanoseconds = start }
            if let clock = facts.clockAtStart { lanesFileFacts.clockAtStart = clock }
            if let unix = facts.unixNanosecondsAtClock { lanesFileFacts.unixNanosecondsAtClock = unix }
        }
        let value = event.arguments.last(where: { $0.key == "name" })?.value.stringValue ?? ""
        let sortIndex = event.arguments.last(where: { $0.key == "sort_index" })?.value.numberValue?.int64Value ?? 0
        let process = identifierNumber(event.process)
        switch event.name {
        case "process_name":
            processNames[process] = value
        case "process_sort_index":
            processSortIndex[process] = sortIndex
        case "thread_name":
            let slot = threadSlot(event.process, event.thread)
            threadNames[Int(slot)] = value
            if event.facts?.executorThread == true { threadIsExecutor[Int(slot)] = true }
        case "thread_sort_index":
            threadSortIndex[Int(threadSlot(event.process, event.thread))] = sortIndex
        default:
            break
        }
    }

    // MARK: Threads and lanes

    mutating func identifierNumber(_ identifier: ChromeIdentifier) -> Int64 {
        switch identifier {
        case .none: return 0
        case .number(let number): return number
        case .name(let name):
            if let number = syntheticIdentifiers[name] { return number }
            // Named ids get numbers far from real ones; the name is kept for display.
            let number = Int64(1) << 48 + Int64(syntheticIdentifiers.count)
            syntheticIdentifiers[name] = number
            syntheticNames[number] = name
            return number
        }
    }

    mutating func threadSlot(_ process: ChromeIdentifier, _ thread: ChromeIdentifier) -> Int32 {
        let key = ThreadKey(process: identifierNumber(process), thread: identifierNumber(thread))
        if key == lastThreadKey { return lastThreadSlot }
        let slot: Int32
        if let existing = threadSlotByKey[key] {
            slot = existing
        } else {
            slot = Int32(threadKeys.count)
            threadSlotByKey[key] = slot
            threadKeys.append(key)
            threadNames.append("")
            threadSortIndex.append(0)
            threadIsExecutor.append(false)
            openByThread.append([])
            laneOfThreadSlot.append(-1)
        }
        lastThreadKey = key
        lastThreadSlot = slot
        return slot
    }

    mutating func syncLane(_ slot: Int32, _ facts: LanesFacts?) -> Int32 {
        if let task = facts?.task { return lane(.task(task), name: facts?.taskName ?? "") }
        if laneOfThreadSlot[Int(slot)] < 0 { laneOfThreadSlot[Int(slot)] = lane(.thread(slot), name: "") }
        return laneOfThreadSlot[Int(slot)]
    }

    mutating func lane(_ key: LaneKey, name: String) -> Int32 {
        if case .task(let id) = key, id == lastTask, lastTaskLane >= 0, name.isEmpty { return lastTaskLane }
        if let lane = laneByKey[key] {
            if case .task(let id) = key { lastTask = id; lastTaskLane = lane }
            if !name.isEmpty, laneNames[Int(lane)].isEmpty { laneNames[Int(lane)] = name }
            return lane
        }
        let lane = Int32(laneKeys.count)
        laneByKey[key] = lane
        laneKeys.append(key)
        laneNames.append(name)
        return lane
    }
}
