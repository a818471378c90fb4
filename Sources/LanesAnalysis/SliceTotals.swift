import LanesModel

/// Prefix sums over the task-state slices, so the running and queued time inside any span costs
/// two binary searches instead of a walk over the task's jobs.
struct SliceTotals: Sendable {
    /// `running[k]` is Σ (ended − started) over `slices[0..<k]`.
    let running: [Int64]
    /// `queued[k]` is Σ (started − enqueued) over `slices[0..<k]`.
    let queued: [Int64]

    init(trace: Trace) {
        var running = [Int64](repeating: 0, count: trace.slices.count + 1)
        var queued = [Int64](repeating: 0, count: trace.slices.count + 1)
        for (index, slice) in trace.slices.enumerated() {
            running[index + 1] = running[index] &+ (slice.ended &- slice.started)
            queued[index + 1] = queued[index] &+ (slice.started &- slice.enqueued)
        }
        self.running = running
        self.queued = queued
    }

    /// Running, queued and suspended time of span `span`, or nil when its task has no slices.
    func states(ofSpan span: Int, in trace: Trace) -> SpanStateTimes? {
        let task = Int(trace.spanTask[span])
        guard task >= 0, task < trace.sliceRanges.count else { return nil }
        let range = trace.sliceRanges[task]
        guard !range.isEmpty else { return nil }
        let begin = trace.spanBegin[span]
        let end = trace.spanEnd[span]
        let wall = end &- begin
        let slices = trace.slices
        let low = Int(range.lowerBound)
        let high = Int(range.upperBound)
        // Jobs of one task do not overlap, so started, ended and enqueued all ascend in the range.
        let runningFirst = slices[low..<high].partitioningIndex { $0.ended > begin }
        let runningLast = slices[low..<high].partitioningIndex { $0.started >= end }
        var runningTime: Int64 = 0
        if runningFirst < runningLast {
            runningTime = running[runningLast] &- running[runningFirst]
            runningTime &-= max(0, begin &- slices[runningFirst].started)
            runningTime &-= max(0, slices[runningLast - 1].ended &- end)
        }
        let queuedFirst = slices[low..<high].partitioningIndex { $0.started > begin }
        let queuedLast = slices[low..<high].partitioningIndex { $0.enqueued >= end }
        var queuedTime: Int64 = 0
        if queuedFirst < queuedLast {
            queuedTime = queued[queuedLast] &- queued[queuedFirst]
            queuedTime &-= max(0, begin &- slices[queuedFirst].enqueued)
            queuedTime &-= max(0, slices[queuedLast - 1].started &- end)
        }
        runningTime = min(max(0, runningTime), wall)
        queuedTime = min(max(0, queuedTime), wall - runningTime)
        return SpanStateTimes(running: runningTime, queued: queuedTime, suspended: wall - runningTime - queuedTime)
    }
}
