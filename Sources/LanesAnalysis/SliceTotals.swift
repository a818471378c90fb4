import LanesModel

/// Running and queued time inside a span, from its task's jobs.
///
/// A task's jobs are sorted and do not overlap, so the jobs inside a span are found by binary
/// search and summed; nothing is kept per job (a server trace has a job for every span, and
/// running sums would cost 16 bytes each). A job lies inside at most as many spans as its task
/// nests deep, so asking about every span costs O(jobs × depth).
struct SliceTotals: Sendable {
    init(trace: Trace) {}

    /// Running, queued and suspended time of span `span`, or nil when its task has no slices.
    func states(ofSpan span: Int, in trace: Trace) -> SpanStateTimes? {
        let task = Int(trace.spanTask[span])
        guard task >= 0, task < trace.sliceRanges.count else { return nil }
        let range = trace.sliceRanges[task]
        guard !range.isEmpty else { return nil }
        let begin = trace.spanBegin[span]
        let end = trace.spanEnd[span]
        let wall = end &- begin
        let slices = trace.slices[Int(range.lowerBound)..<Int(range.upperBound)]
        // Jobs of one task do not overlap, so started, ended and enqueued all ascend in the range:
        // the first job that could meet the span is the first that ends (or is started) after it begins.
        var index = slices.partitioningIndex { $0.ended > begin || $0.started > begin }
        var runningTime: Int64 = 0
        var queuedTime: Int64 = 0
        while index < slices.endIndex {
            let slice = slices[index]
            if slice.enqueued >= end { break }
            runningTime &+= max(0, min(slice.ended, end) &- max(slice.started, begin))
            queuedTime &+= max(0, min(slice.started, end) &- max(slice.enqueued, begin))
            index += 1
        }
        runningTime = min(max(0, runningTime), wall)
        queuedTime = min(max(0, queuedTime), wall - runningTime)
        return SpanStateTimes(running: runningTime, queued: queuedTime, suspended: wall - runningTime - queuedTime)
    }
}
