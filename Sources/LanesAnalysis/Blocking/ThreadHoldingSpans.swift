import LanesModel

/// Spans that held their thread from begin to end for at least the blocking threshold: each lies
/// within one job of its task, so the task never suspended while it ran (a synchronous
/// `withSpan`, a span around a blocking call). Shorter ones are ordinary running work. Only
/// traces with job data can tell; elsewhere no span is in the set. Linear in spans, plus a
/// binary search per qualifying span among its task's jobs.
struct ThreadHoldingSpans: Sendable {
    private var bits: [UInt64]

    init(trace: Trace, threshold: Int64) {
        bits = [UInt64](repeating: 0, count: (trace.spanCount + 63) >> 6)
        guard !trace.slices.isEmpty else { return }
        for task in 0..<trace.tasks.count {
            let slices = trace.slices(ofTask: task)
            let lane = trace.laneRanges[task]
            guard !slices.isEmpty, !lane.isEmpty else { continue }
            for span in Int(lane.lowerBound)..<Int(lane.upperBound) where trace.spanEnd[span] &- trace.spanBegin[span] >= threshold {
                let begin = trace.spanBegin[span]
                let position = slices.partitioningIndex { $0.started > begin } - 1
                guard position >= slices.startIndex else { continue }
                let job = slices[position]
                if trace.spanEnd[span] <= job.ended { bits[span >> 6] |= 1 << UInt64(span & 63) }
            }
        }
    }

    /// Whether span `span` held its thread throughout.
    func contains(_ span: Int) -> Bool {
        bits[span >> 6] & (1 << UInt64(span & 63)) != 0
    }
}
