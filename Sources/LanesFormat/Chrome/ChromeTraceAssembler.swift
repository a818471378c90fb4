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
    private(set) var intervals: [Interval] = []
    private var extras: [Extra] = []

    private var threadSlotByKey: [ThreadKey: Int32] = [:]
    private var threadKeys: [ThreadKey] = []
    private var threadNames: [String] = []
    private var threadSortIndex: [Int64] = []
    private var threadIsExecutor: [Bool] = []
    private var openByThread: [[Int32]] = []
    private var laneOfThreadSlot: [Int32] = []
    private var lastThreadKey = ThreadKey(process: .min, thread: .min)
    private var lastThreadSlot: Int32 = -1

    private var processNames: [Int64: String] = [:]
    private var processSortIndex: [Int64: Int64] = [:]
    private var syntheticIdentifiers: [String: Int64] = [:]
    private var syntheticNames: [Int64: String] = [:]

    private var trackByKey: [TrackKey: Int32] = [:]
    private var lastTask: UInt64 = 0
    private var lastTaskLane: Int32 = -1
    private var openByTrack: [[Int32]] = []
    private var laneOfTrack: [Int32] = []

    private var laneKeys: [LaneKey] = []
    private var laneNames: [String] = []
    private var laneByKey: [LaneKey: Int32] = [:]

    private var lanesFileFacts = LanesFacts()
    /// Task-state slices from `lanes.job` events: lane, thread slot, enqueued, started, ended.
    private var jobs: [(lane: Int32, thread: Int32, enqueued: Int64, started: Int64, ended: Int64)] = []
    private var latestTimestamp: Int64 = .min

    // What was lost, for the warnings.
    private var skippedPhases = [Int](repeating: 0, count: 256)
    private(set) var eventsWithoutPhase = 0
    private var eventsWithBadTimestamp = 0
    private var unmatchedEnds = 0
    private var neverEnded = 0
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
             UInt8(ascii: "b"), UInt8(ascii: "e"), UInt8(ascii: "n"), UInt8(ascii: "S"), UInt8(ascii: "F"):
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

    private mutating func addAsync(_ event: ChromeEvent, at time: Int64) {
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
            openByTrack[Int(track)].append(index)
        case UInt8(ascii: "e"), UInt8(ascii: "F"):
            // Close the innermost open span of that name, or else the innermost one.
            let open = openByTrack[Int(track)]
            guard !open.isEmpty else {
                unmatchedEnds += 1
                return
            }
            var position = open.count - 1
            if !event.name.isEmpty, let nameIndex = builder.strings.index(of: event.name),
               let match = open.lastIndex(where: { intervals[Int($0)].name == nameIndex }) {
                position = match
            }
            let index = openByTrack[Int(track)].remove(at: position)
            close(index, at: time, with: event)
        default:  // "n": an instant on the track.
            append(event, begin: time, end: time, slot: slot, lane: spanLane(&self), flags: .instant)
        }
    }

    private mutating func close(_ index: Int32, at time: Int64, with event: ChromeEvent) {
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
    private mutating func append(
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

    private mutating func addMetadata(_ event: ChromeEvent) {
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

    private mutating func identifierNumber(_ identifier: ChromeIdentifier) -> Int64 {
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

    private mutating func threadSlot(_ process: ChromeIdentifier, _ thread: ChromeIdentifier) -> Int32 {
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

    private mutating func syncLane(_ slot: Int32, _ facts: LanesFacts?) -> Int32 {
        if let task = facts?.task { return lane(.task(task), name: facts?.taskName ?? "") }
        if laneOfThreadSlot[Int(slot)] < 0 { laneOfThreadSlot[Int(slot)] = lane(.thread(slot), name: "") }
        return laneOfThreadSlot[Int(slot)]
    }

    private mutating func lane(_ key: LaneKey, name: String) -> Int32 {
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

    // MARK: Building

    /// Closes what was left open, orders lanes and spans, resolves parents and builds the
    /// trace; returns it with one warning line per kind of loss.
    mutating func finish() -> (trace: Trace, warnings: [TraceReadWarning]) {
        let lastTime = latestTimestamp == .min ? 0 : latestTimestamp
        for stack in openByThread + openByTrack {
            for index in stack {
                intervals[Int(index)].end = max(intervals[Int(index)].begin, lastTime)
                intervals[Int(index)].status = .unfinished
                neverEnded += 1
            }
        }
        let offset = lanesFileFacts.startNanoseconds ?? 0
        if let clock = lanesFileFacts.clockAtStart { builder.metadata.clockAtStart = clock }
        if let unix = lanesFileFacts.unixNanosecondsAtClock { builder.metadata.unixNanosecondsAtClock = unix }

        // Threads: ids are tids when the file has one process, else pid and tid combined.
        let processes = Set(threadKeys.map(\.process)).union(processNames.keys)
        let singleProcess = processes.count <= 1
        if let process = processes.first, singleProcess {
            builder.metadata.processName = processNames[process] ?? syntheticNames[process] ?? ""
            builder.metadata.processID = UInt32(truncatingIfNeeded: process)
        } else if let first = threadKeys.first {
            builder.metadata.processName = processNames[first.process] ?? ""
        }
        var threadDisplayNames: [String] = []
        var threadIDs: [UInt64] = []
        for (slot, key) in threadKeys.enumerated() {
            let id = singleProcess
                ? UInt64(bitPattern: key.thread)
                : UInt64(truncatingIfNeeded: key.process) << 32 | UInt64(truncatingIfNeeded: key.thread) & 0xFFFF_FFFF
            let name = threadNames[slot].isEmpty ? (syntheticNames[key.thread] ?? "") : threadNames[slot]
            builder.thread(id: id, name: name, isExecutor: threadIsExecutor[slot])
            threadIDs.append(id)
            var display = name.isEmpty ? "thread \(key.thread)" : name
            if !singleProcess {
                let process = processNames[key.process] ?? syntheticNames[key.process] ?? "process \(key.process)"
                display = process + " / " + display
            }
            threadDisplayNames.append(display)
        }

        // Lanes: threads by their sort indexes, then async tracks and tasks as met.
        var laneOrder = Array(0..<laneKeys.count)
        func sortKey(_ lane: Int) -> (Int, Int64, Int64, Int64, Int) {
            guard case .thread(let slot) = laneKeys[lane] else { return (1, 0, 0, 0, lane) }
            let key = threadKeys[Int(slot)]
            return (0, processSortIndex[key.process] ?? 0, key.process, threadSortIndex[Int(slot)], lane)
        }
        laneOrder.sort { sortKey($0) < sortKey($1) }
        var taskOfLane = [Int32](repeating: 0, count: laneKeys.count)
        for lane in laneOrder {
            switch laneKeys[lane] {
            case .thread(let slot):
                taskOfLane[lane] = builder.task(id: threadIDs[Int(slot)], name: threadDisplayNames[Int(slot)])
            case .track(let track):
                taskOfLane[lane] = builder.task(id: UInt64(1) << 62 | UInt64(track), name: laneNames[lane])
            case .task(let id):
                taskOfLane[lane] = builder.task(id: id, name: laneNames[lane])
            }
        }

        let order = spanOrder()
        builder.reserveSpans(order.count)
        var builderIndexOfInterval = [Int32](repeating: -1, count: intervals.count)
        for job in jobs {
            builder.addSlice(
                task: taskOfLane[Int(job.lane)], thread: job.thread, enqueued: job.enqueued &+ offset,
                started: job.started &+ offset, ended: job.ended &+ offset)
        }
        var spanNumbers = LanesSpanNumbers(capacity: intervals.count)
        var stack: [Int32] = []  // interval indexes
        var currentLane: Int32 = -1
        for intervalIndex in order {
            let interval = intervals[Int(intervalIndex)]
            if interval.lane != currentLane {
                stack.removeAll(keepingCapacity: true)
                currentLane = interval.lane
            }
            while let top = stack.last,
                  !(intervals[Int(top)].begin <= interval.begin && interval.end <= intervals[Int(top)].end) {
                stack.removeLast()
            }
            let parent = stack.last.map { builderIndexOfInterval[Int($0)] } ?? -1
            let span = builder.addSpan(
                name: interval.name, kind: interval.kind, begin: interval.begin &+ offset, end: interval.end &+ offset,
                parent: parent, task: taskOfLane[Int(interval.lane)], thread: interval.threadSlot,
                status: interval.status, flags: interval.flags)
            builderIndexOfInterval[Int(intervalIndex)] = span
            stack.append(intervalIndex)
            guard interval.extra >= 0 else { continue }
            let extra = extras[Int(interval.extra)]
            for argument in extra.arguments {
                builder.addAttribute(to: span, key: argument.key, value: argument.value.attributeText)
            }
            if extra.cpuNanoseconds >= 0 { builder.setCPUTime(of: span, nanoseconds: extra.cpuNanoseconds) }
            if let number = extra.lanesSpan { spanNumbers[number] = span }
        }
        // Parents written by Lanes' exporter win over time containment (they may cross lanes).
        if !spanNumbers.isEmpty {
            for (intervalIndex, interval) in intervals.enumerated() where interval.extra >= 0 {
                let extra = extras[Int(interval.extra)]
                guard extra.lanesSpan != nil else { continue }
                let span = builderIndexOfInterval[intervalIndex]
                let parent = extra.lanesParent.flatMap { spanNumbers[$0] } ?? -1
                builder.setParent(of: span, to: parent)
            }
        }
        builder.metadata.finishedCleanly = neverEnded == 0
        return (builder.build(), warnings())
    }

    /// Interval indexes by lane, then begin, then longest first (so parents precede children).
    private func spanOrder() -> [Int32] {
        var counts = [Int](repeating: 0, count: laneKeys.count + 1)
        for interval in intervals { counts[Int(interval.lane) + 1] += 1 }
        for lane in 0..<laneKeys.count { counts[lane + 1] += counts[lane] }
        var next = counts
        var order = [Int32](repeating: 0, count: intervals.count)
        for (index, interval) in intervals.enumerated() {
            order[next[Int(interval.lane)]] = Int32(index)
            next[Int(interval.lane)] += 1
        }
        func precedes(_ left: Int32, _ right: Int32) -> Bool {
            let a = intervals[Int(left)]
            let b = intervals[Int(right)]
            if a.begin != b.begin { return a.begin < b.begin }
            if a.end != b.end { return a.end > b.end }
            return left < right
        }
        for lane in 0..<laneKeys.count {
            let range = counts[lane]..<counts[lane + 1]
            guard range.count > 1 else { continue }
            var sorted = true
            for position in range.dropFirst() where !precedes(order[position - 1], order[position]) {
                sorted = false
                break
            }
            if !sorted { order[range].sort(by: precedes) }
        }
        return order
    }

    private func warnings() -> [TraceReadWarning] {
        var warnings: [TraceReadWarning] = []
        let skipped = skippedPhases.indices.filter { skippedPhases[$0] > 0 }
        if !skipped.isEmpty {
            let total = skipped.reduce(0) { $0 + skippedPhases[$1] }
            let letters = skipped.map { $0 == 1 ? "?" : String(UnicodeScalar(UInt8($0))) }
                .map { $0.unicodeScalars.allSatisfy { $0.value >= 0x21 && $0.value < 0x7F } ? $0 : "?" }
            warnings.append(TraceReadWarning(
                "skipped \(counted(total, "event")) of phases Lanes does not read (\(letters.joined(separator: ", ")))"))
        }
        if eventsWithoutPhase > 0 {
            warnings.append(TraceReadWarning("skipped \(counted(eventsWithoutPhase, "event")) without a \"ph\" phase"))
        }
        if eventsWithBadTimestamp > 0 {
            warnings.append(TraceReadWarning(
                "skipped \(counted(eventsWithBadTimestamp, "event")) without a usable \"ts\" timestamp"))
        }
        if unmatchedEnds > 0 {
            warnings.append(TraceReadWarning(
                "ignored \(counted(unmatchedEnds, "end event")) (E/e/F) with no matching begin"))
        }
        if neverEnded > 0 {
            warnings.append(TraceReadWarning(
                "\(counted(neverEnded, "span")) never ended (B/b without E/e); closed at the last timestamp"))
        }
        return warnings
    }
}

/// Builder indexes by `lanes.span` number: an array for the dense numbers Lanes writes
/// (0 ..< span count), a dictionary for anything else.
struct LanesSpanNumbers {
    private var dense: [Int32]
    private var sparse: [Int64: Int32] = [:]
    private(set) var isEmpty = true

    init(capacity: Int) {
        dense = [Int32](repeating: -1, count: capacity)
    }

    subscript(number: Int64) -> Int32? {
        get {
            if number >= 0, number < Int64(dense.count) { return dense[Int(number)] >= 0 ? dense[Int(number)] : nil }
            return sparse[number]
        }
        set {
            isEmpty = false
            if number >= 0, number < Int64(dense.count) { dense[Int(number)] = newValue ?? -1 } else { sparse[number] = newValue }
        }
    }
}
