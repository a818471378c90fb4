import LanesModel

extension ChromeTraceAssembler {
    // MARK: Building

    /// Closes what was left open, orders lanes and spans, resolves parents and builds the
    /// trace; returns it with one warning line per kind of loss.
    mutating func finish() -> (trace: Trace, warnings: [TraceReadWarning]) {
        let lastTime = latestTimestamp == .min ? 0 : latestTimestamp
        func closeAtEnd(_ index: Int32, _ assembler: inout ChromeTraceAssembler) {
            assembler.intervals[Int(index)].end = max(assembler.intervals[Int(index)].begin, lastTime)
            assembler.intervals[Int(index)].status = .unfinished
            assembler.intervals[Int(index)].isOpenAsync = false
            assembler.neverEnded += 1
        }
        for stack in openByThread { for index in stack { closeAtEnd(index, &self) } }
        // Track stacks also hold async spans ended since they were pushed: those are skipped.
        for stack in openByTrack { for index in stack where intervals[Int(index)].isOpenAsync { closeAtEnd(index, &self) } }
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
        // Two slots may share an id (pid and tid combined can collide): map slots to indexes.
        var threadIndexOfSlot: [Int32] = []
        for (slot, key) in threadKeys.enumerated() {
            let id = singleProcess
                ? UInt64(bitPattern: key.thread)
                : UInt64(truncatingIfNeeded: key.process) << 32 | UInt64(truncatingIfNeeded: key.thread) & 0xFFFF_FFFF
            let name = threadNames[slot].isEmpty ? (syntheticNames[key.thread] ?? "") : threadNames[slot]
            threadIndexOfSlot.append(builder.thread(id: id, name: name, isExecutor: threadIsExecutor[slot]))
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
                task: taskOfLane[Int(job.lane)], thread: threadIndexOfSlot[Int(job.thread)], enqueued: job.enqueued &+ offset,
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
                parent: parent, task: taskOfLane[Int(interval.lane)], thread: interval.threadSlot < 0 ? -1 : threadIndexOfSlot[Int(interval.threadSlot)],
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
        for sample in quirks.counterSamples {
            builder.addCounterSample(name: sample.name, key: sample.key, time: sample.time &+ offset, value: sample.value)
        }
        builder.totals = quirks.totals
        var earliestKept: Int64?
        if quirks.bufferWrappedBy != nil {
            // The buffer keeps the latest entries, each written when its event ended: everything
            // that ended before the earliest kept end is gone.
            earliestKept = intervals.lazy.map(\.end).min()
            if let sampled = quirks.counterSamples.lazy.map(\.time).min() { earliestKept = min(earliestKept ?? sampled, sampled) }
            builder.metadata.eventsMissingBefore = earliestKept.map { $0 &+ offset }
        }
        builder.metadata.finishedCleanly = neverEnded == 0
        let trace = builder.build()
        var warnings = warnings()
        if let producer = quirks.bufferWrappedBy {
            let missing = trace.metadata.eventsMissingBefore.map { "events before \(DurationText.format($0 &- trace.startTime)) are missing" }
            warnings.insert(TraceReadWarning("\(producer)'s buffer wrapped: \(missing ?? "its earliest events are missing")"), at: 0)
        }
        return (trace, warnings)
    }

    /// Interval indexes by lane, then begin, then longest first (so parents precede children).
    func spanOrder() -> [Int32] {
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

    func warnings() -> [TraceReadWarning] {
        var warnings: [TraceReadWarning] = []
        let skipped = skippedPhases.indices.filter { skippedPhases[$0] > 0 }
        if !skipped.isEmpty {
            let total = skipped.reduce(0) { $0 + skippedPhases[$1] }
            let letters = skipped.map { $0 == 1 ? "?" : String(UnicodeScalar(UInt8($0))) }
                .map { $0.unicodeScalars.allSatisfy { $0.value >= 0x21 && $0.value < 0x7F } ? $0 : "?" }
            warnings.append(TraceReadWarning(
                "skipped \(counted(total, "event")) of phases Lanes does not read (\(letters.joined(separator: ", ")))"))
        }
        if unreadableCounterValues > 0 {
            warnings.append(TraceReadWarning("skipped \(counted(unreadableCounterValues, "counter value")) that are not numbers"))
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
