import LanesModel

/// How many executor jobs were ready but waiting for a thread at each instant, built the first
/// time a rule asks for it.
///
/// Only blocking occurrences (how long ready jobs waited while one held its thread) and executor
/// stalls read it, and a trace with neither, such as a healthy server's, never pays for sorting
/// two events per job: on a million requests that sort was the largest single cost of opening
/// the trace. The series, once built, is the one `TraceAnalysis.queuedSeries` gives.
/// Used only while the analysis is built, on one thread.
final class QueuedJobs {
    private let trace: Trace
    private var builtSeries: StepSeries?
    private var builtIntegral: StepIntegral?

    init(trace: Trace) {
        self.trace = trace
    }

    /// The series (built now if it was not).
    var series: StepSeries {
        if let builtSeries { return builtSeries }
        let series = TraceAnalysis.queuedSeries(trace).series
        builtSeries = series
        return series
    }

    /// The series' running integral (built now if it was not).
    var integral: StepIntegral {
        if let builtIntegral { return builtIntegral }
        let integral = StepIntegral(series)
        builtIntegral = integral
        return integral
    }

    /// How many job-nanoseconds ready jobs waited for a thread during each of `intervals`: the
    /// series' area over each (0 for an empty interval), as `integral.area(from:to:)` gives it.
    ///
    /// Unless the series is already built, computed from the jobs in one pass without it: the
    /// area up to an instant t is Σ (t − enqueued) over jobs enqueued before t minus Σ (t −
    /// started) over jobs started before t, so bucketing each job's two instants among the
    /// intervals' ends (a binary search each) gives every area, O(jobs × log intervals) instead
    /// of sorting two events per job. Integer arithmetic throughout, so the result is exact.
    func waits(during intervals: [(begin: Int64, end: Int64)]) -> [Int64] {
        if builtIntegral != nil || intervals.count > Self.largestDirectQuery {
            let integral = integral
            return intervals.map { integral.area(from: $0.begin, to: $0.end) }
        }
        var instants: [Int64] = []
        instants.reserveCapacity(2 * intervals.count)
        for interval in intervals where interval.end > interval.begin {
            instants.append(interval.begin)
            instants.append(interval.end)
        }
        instants.sort()
        var unique: [Int64] = []
        for instant in instants where unique.last != instant { unique.append(instant) }
        guard !unique.isEmpty else { return intervals.map { _ in 0 } }
        // Bucket b holds the instants x with unique[b - 1] <= x < unique[b]: those before every
        // instant from unique[b] on.
        let bucketCount = unique.count + 1
        var enqueuedCount = [Int64](repeating: 0, count: bucketCount)
        var enqueuedSum = [Int64](repeating: 0, count: bucketCount)
        var startedCount = [Int64](repeating: 0, count: bucketCount)
        var startedSum = [Int64](repeating: 0, count: bucketCount)
        unique.withUnsafeBufferPointer { unique in
            func bucket(_ time: Int64) -> Int {
                var low = 0
                var high = unique.count
                while low < high {
                    let middle = (low &+ high) >> 1
                    if unique[middle] > time { high = middle } else { low = middle &+ 1 }
                }
                return low
            }
            // The series counts a job only while started > enqueued.
            for slice in trace.slices where slice.started > slice.enqueued {
                let enqueued = bucket(slice.enqueued)
                enqueuedCount[enqueued] &+= 1
                enqueuedSum[enqueued] &+= slice.enqueued
                let started = bucket(slice.started)
                startedCount[started] &+= 1
                startedSum[started] &+= slice.started
            }
        }
        var areaBefore = [Int64](repeating: 0, count: unique.count)
        var enqueued: (count: Int64, sum: Int64) = (0, 0)
        var started: (count: Int64, sum: Int64) = (0, 0)
        for index in unique.indices {
            enqueued = (enqueued.count &+ enqueuedCount[index], enqueued.sum &+ enqueuedSum[index])
            started = (started.count &+ startedCount[index], started.sum &+ startedSum[index])
            let time = unique[index]
            areaBefore[index] = (time &* enqueued.count &- enqueued.sum) &- (time &* started.count &- started.sum)
        }
        func area(at time: Int64) -> Int64 { areaBefore[unique.partitioningIndex { $0 >= time }] }
        return intervals.map { $0.end > $0.begin ? area(at: $0.end) &- area(at: $0.begin) : 0 }
    }

    /// Above this many intervals, `waits(during:)` builds the series instead (each job's binary
    /// searches would cost more than sorting).
    static let largestDirectQuery = 4_096

    /// Whether the series has been built (tests check that a healthy trace never builds it).
    var isBuilt: Bool { builtSeries != nil }

    /// Σ (started − enqueued) over all jobs: the series' area, without building it.
    static func totalWait(_ trace: Trace) -> Int64 {
        var total: Int64 = 0
        for slice in trace.slices { total &+= slice.started &- slice.enqueued }
        return total
    }
}
