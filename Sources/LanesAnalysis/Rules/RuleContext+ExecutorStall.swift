import LanesModel

extension RuleContext {
    /// `executor-stall`: intervals in which blocking work held the executor's threads at least
    /// 90% of the time — found window by window, so that the sub-millisecond gaps between one
    /// blocked request and the next do not hide a saturated server — and intervals in which a
    /// ready job waited at least the threshold for a thread. Nothing else async could progress
    /// then. Overlapping intervals are reported as one stall.
    func executorStallFindings() -> [Finding] {
        var intervals = saturatedIntervals()
        for slice in trace.slices where slice.started &- slice.enqueued >= options.stallThreshold {
            intervals.append((slice.enqueued, slice.started))
        }
        guard !intervals.isEmpty else { return [] }
        intervals.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var merged: [(begin: Int64, end: Int64)] = []
        for interval in intervals {
            if let last = merged.last, interval.begin <= last.end {
                merged[merged.count - 1].end = max(last.end, interval.end)
            } else {
                merged.append(interval)
            }
        }
        let held = StepIntegral(executorThreadsHeld)
        let longest = blockingOccurrences.reduce(0) { max($0, $1.end &- $1.begin) }
        return merged.map { stallFinding($0, held: held, longestOccurrence: longest) }
    }

    /// The window a saturation check looks at: a tenth of the stall threshold, at least 1 ms.
    var saturationWindow: Int64 { max(1_000_000, options.stallThreshold / 10) }

    /// Runs of windows in which blocking work held at least 90% of the executor's thread-time, at
    /// least the stall threshold long.
    private func saturatedIntervals() -> [(begin: Int64, end: Int64)] {
        guard executorThreadCount > 0, trace.endTime > trace.startTime else { return [] }
        let held = StepIntegral(executorThreadsHeld)
        let window = saturationWindow
        let capacity = Int64(executorThreadCount) &* window
        var result: [(begin: Int64, end: Int64)] = []
        var runBegin: Int64?
        var from = trace.startTime
        while from < trace.endTime {
            let to = min(trace.endTime, from &+ window)
            let fullCapacity = to &- from == window ? capacity : Int64(executorThreadCount) &* (to &- from)
            let saturated = held.area(from: from, to: to) &* 10 >= fullCapacity &* 9
            if saturated {
                if runBegin == nil { runBegin = from }
            } else if let begin = runBegin {
                if from &- begin >= options.stallThreshold { result.append((begin, from)) }
                runBegin = nil
            }
            from = to
        }
        if let begin = runBegin, trace.endTime &- begin >= options.stallThreshold { result.append((begin, trace.endTime)) }
        return result
    }

    private func stallFinding(
        _ stall: (begin: Int64, end: Int64), held: StepIntegral, longestOccurrence: Int64
    ) -> Finding {
        let length = stall.end &- stall.begin
        // The sites that held threads during the stall, by held time inside it.
        var heldBySite: [BlockingSite: (time: Int64, span: Int32)] = [:]
        var related: [Int32] = []
        let first = blockingOccurrences.partitioningIndex { $0.begin >= stall.begin &- longestOccurrence }
        for occurrence in blockingOccurrences[first...] {
            if occurrence.begin >= stall.end { break }
            let overlap = min(stall.end, occurrence.end) &- max(stall.begin, occurrence.begin)
            guard overlap > 0 else { continue }
            let entry = heldBySite[occurrence.site] ?? (0, occurrence.span)
            heldBySite[occurrence.site] = (entry.time &+ overlap, entry.span)
            if occurrence.span >= 0, related.count < 16 { related.append(occurrence.span) }
        }
        let culprit = heldBySite.max { ($0.value.time, $1.key.description) < ($1.value.time, $0.key.description) }
        let waiting = Int(tasksQueued.series.maximum(from: stall.begin, to: stall.end))
        var message = "\(words.executor) stalled for \(DisplayText.duration(length))"
        if let culprit { message += " (mostly \(culprit.key.description))" }
        if executorThreadCount > 0 {
            let share = Double(held.area(from: stall.begin, to: stall.end)) / Double(max(1, Int64(executorThreadCount) &* length))
            let percent = Int((min(1, share) * 100).rounded())
            message += ": \(executorThreadCount == 1 ? "its thread was" : "its \(executorThreadCount) threads were") held by blocking work \(percent)% of the time"
        }
        if waiting > 0 { message += ", up to \(waiting) ready job\(waiting == 1 ? "" : "s") waiting" }
        return Finding(
            rule: .executorStall, span: culprit?.value.span ?? -1, begin: stall.begin, end: stall.end,
            costNanoseconds: length, message: message,
            advice: "move blocking work off \(words.executorObject) (\(words.offload) or an async API) so waiting tasks can run",
            relatedSpans: related, site: culprit?.key)
    }
}
