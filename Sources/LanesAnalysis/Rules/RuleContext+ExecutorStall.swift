import LanesModel

extension RuleContext {
    /// `executor-stall`: intervals in which every executor thread was held by blocking work, or in
    /// which a ready job waited at least the threshold for a thread. Nothing else async could
    /// progress then. Overlapping intervals of either sort are reported as one stall.
    func executorStallFindings() -> [Finding] {
        var intervals: [(begin: Int64, end: Int64)] = []
        let threshold = options.stallThreshold
        if executorThreadCount > 0 {
            let times = executorThreadsHeld.times
            let values = executorThreadsHeld.values
            var index = 0
            while index < times.count {
                guard Int(values[index]) >= executorThreadCount else { index += 1; continue }
                let begin = times[index]
                while index < times.count, Int(values[index]) >= executorThreadCount { index += 1 }
                let end = index < times.count ? times[index] : trace.endTime
                if end &- begin >= threshold { intervals.append((begin, end)) }
            }
        }
        for slice in trace.slices where slice.started &- slice.enqueued >= threshold {
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
        let index = BlockingSpanIndex(trace: trace, structure: structure)
        return merged.map { stallFinding($0, index) }
    }

    private func stallFinding(_ stall: (begin: Int64, end: Int64), _ index: BlockingSpanIndex) -> Finding {
        let length = stall.end &- stall.begin
        let blocking = index.spans(overlapping: stall.begin, stall.end)
        var culprit: Int32 = -1
        var culpritOverlap: Int64 = -1
        for span in blocking {
            let overlap = min(stall.end, trace.spanEnd[Int(span)]) &- max(stall.begin, trace.spanBegin[Int(span)])
            if overlap > culpritOverlap { culprit = span; culpritOverlap = overlap }
        }
        let held = Int(executorThreadsHeld.maximum(from: stall.begin, to: stall.end))
        let waiting = Int(tasksQueued.maximum(from: stall.begin, to: stall.end))
        var message = "\(words.executor) stalled for \(DisplayText.duration(length))"
        if executorThreadCount > 0, held >= executorThreadCount {
            message += ": " + words.allThreadsHeld(count: executorThreadCount)
        } else {
            message += ": ready jobs waited ≥ \(DisplayText.duration(options.stallThreshold)) for a thread"
        }
        if waiting > 0 { message += ", up to \(waiting) ready job\(waiting == 1 ? "" : "s") waiting" }
        if culprit >= 0 { message += " (longest: \(site(Int(culprit))))" }
        return Finding(
            rule: .executorStall, span: culprit, begin: stall.begin, end: stall.end,
            costNanoseconds: length, message: message,
            advice: "move blocking work off \(words.executorObject) (\(words.offload) or an async API) so waiting tasks can run",
            relatedSpans: Array(blocking.prefix(16)))
    }
}
