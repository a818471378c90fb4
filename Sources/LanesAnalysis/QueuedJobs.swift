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

    /// Whether the series has been built (tests check that a healthy trace never builds it).
    var isBuilt: Bool { builtSeries != nil }

    /// Σ (started − enqueued) over all jobs: the series' area, without building it.
    static func totalWait(_ trace: Trace) -> Int64 {
        var total: Int64 = 0
        for slice in trace.slices { total &+= slice.started &- slice.enqueued }
        return total
    }
}
