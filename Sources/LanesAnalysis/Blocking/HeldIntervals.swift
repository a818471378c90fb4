import LanesModel

/// The times executor threads were held by blocking work, each thread's time counted once:
/// synchronous (and `runSync`) spans begun on an executor thread, however short, and jobs that
/// ran at least the blocking threshold. A blocking span inside a long job holds no extra thread.
struct HeldIntervals {
    /// Per thread, disjoint intervals in time order.
    private var intervalsByThread: [Int32: [(begin: Int64, end: Int64)]] = [:]
    private let origin: Int64

    init(trace: Trace, structure: SpanStructure, occurrences: [BlockingOccurrence]) {
        origin = trace.startTime
        var raw: [Int32: [(begin: Int64, end: Int64)]] = [:]
        for span32 in structure.outermostBlocking {
            let span = Int(span32)
            raw[trace.spanThread[span], default: []].append((trace.spanBegin[span], trace.spanEnd[span]))
        }
        for occurrence in occurrences where occurrence.slice >= 0 {
            raw[occurrence.thread, default: []].append((occurrence.begin, occurrence.end))
        }
        for (thread, intervals) in raw {
            let sorted = intervals.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
            var merged: [(begin: Int64, end: Int64)] = []
            merged.reserveCapacity(sorted.count)
            for interval in sorted where interval.end > interval.begin {
                if let last = merged.last, interval.begin <= last.end {
                    merged[merged.count - 1].end = max(last.end, interval.end)
                } else {
                    merged.append(interval)
                }
            }
            intervalsByThread[thread] = merged
        }
    }

    /// Σ held time over all threads.
    var totalNanoseconds: Int64 {
        intervalsByThread.values.reduce(0) { total, intervals in
            intervals.reduce(total) { $0 &+ ($1.end &- $1.begin) }
        }
    }

    /// How many threads were held at each instant.
    func series() -> StepSeries {
        var events = StepEvents(origin: origin, expectedCount: 2 * intervalsByThread.values.reduce(0) { $0 + $1.count })
        for intervals in intervalsByThread.values {
            for interval in intervals { events.addInterval(interval.begin, interval.end) }
        }
        return events.series()
    }
}
