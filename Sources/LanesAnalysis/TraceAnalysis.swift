import LanesModel

/// Everything Lanes concludes from one trace: what blocked, what waited, what overlapped, and the
/// findings with their cost and advice.
///
/// Built once per trace (linear or n log n in spans) and then read by the viewer, `lanes summary`
/// and `lanes diff`. Pure: it reads only the `Trace` and the options.
public final class TraceAnalysis: Sendable {
    /// The trace analysed.
    public let trace: Trace
    /// The thresholds used.
    public let options: AnalysisOptions

    /// Every finding, largest cost first.
    public let findings: [Finding]
    /// Time executor threads were held by blocking work, in nanoseconds: synchronous spans begun
    /// on an executor thread, and jobs that ran at least the blocking threshold, each thread's
    /// time counted once.
    public let blockedNanoseconds: Int64
    /// Every time an executor thread was held for at least the blocking threshold, in begin order.
    public let blockingOccurrences: [BlockingOccurrence]
    /// Σ (started − enqueued) over all executor jobs: time ready tasks waited for a thread.
    public let queuedNanoseconds: Int64
    /// Time during which at least two spans were active at once (see `concurrency`).
    public let overlappedNanoseconds: Int64
    /// The largest number of spans active at one instant (see `concurrency`).
    public let maxOverlap: Int
    /// How many executor threads blocking work held at each instant (see `blockedNanoseconds`).
    public let executorThreadsHeld: StepSeries
    /// How many spans were active at each instant, counting a span only while none of its
    /// children is active (a parent waiting on one child is one activity, not two).
    public let concurrency: StepSeries
    /// How many executor jobs were ready but waiting for a thread at each instant. Computed
    /// when asked for (the analysis uses it once while it runs; kept, it would cost 16 bytes a
    /// job, and a server trace has a job for every span).
    public var tasksQueued: StepSeries { Self.queuedSeries(trace).series }
    /// How many executor threads the trace shows (threads marked as executor threads, else the
    /// threads that ran jobs); 0 when unknown.
    public let executorThreadCount: Int
    /// Rules that could not run on this trace, each with the reason (e.g. an imported trace
    /// without span kinds or task states).
    public let skippedRules: [(rule: FindingRule, reason: String)]

    let structure: SpanStructure
    let sliceTotals: SliceTotals
    let threadHoldingSpans: ThreadHoldingSpans
    let findingIndexesBySpan: [Int32: [Int]]

    /// Analyses `trace` with `options`; `evidence` (the trace's watchdog samples, when it has
    /// them) says what blocked threads were doing and where.
    public convenience init(trace: Trace, options: AnalysisOptions = .init(), evidence: (any BlockingEvidence)? = nil) {
        self.init(trace: trace, options: options, evidence: evidence, parallelFrom: Self.parallelThreshold)
    }

    /// The analysis, built on two threads when the trace has at least `parallelFrom` spans plus
    /// jobs (tests compare both ways).
    init(trace: Trace, options: AnalysisOptions, evidence: (any BlockingEvidence)?, parallelFrom threshold: Int) {
        self.trace = trace
        self.options = options
        // The concurrency series reads only the spans and nothing below needs it: on a large
        // trace it is built on the other core while this one does the rest. Both halves are pure
        // functions of the trace, so the result is the same either way (`ParallelAnalysisTests`).
        let parallel = trace.spanCount + trace.slices.count >= threshold
        let ((concurrency, executorThreadCount), rest) = parallel
            ? concurrently({ (Self.concurrencySeries(trace), Self.countExecutorThreads(trace)) }, {
                Self.blockingAndQueued(trace, options: options, evidence: evidence)
            })
            : ((Self.concurrencySeries(trace), Self.countExecutorThreads(trace)),
               Self.blockingAndQueued(trace, options: options, evidence: evidence))
        let structure = rest.structure
        let sliceTotals = rest.sliceTotals
        let tasksQueued = rest.tasksQueued
        let occurrences = rest.occurrences
        self.structure = structure
        self.sliceTotals = sliceTotals
        threadHoldingSpans = rest.threadHolding
        queuedNanoseconds = rest.queued
        blockingOccurrences = occurrences
        blockedNanoseconds = rest.held.totalNanoseconds
        let executorThreadsHeld = rest.held.series
        self.executorThreadsHeld = executorThreadsHeld

        self.concurrency = concurrency
        maxOverlap = Int(concurrency.overallMaximum)
        overlappedNanoseconds = Self.timeAtOrAbove(2, in: concurrency)
        self.executorThreadCount = executorThreadCount

        let context = RuleContext(
            trace: trace, options: options, structure: structure, sliceTotals: sliceTotals,
            executorThreadsHeld: executorThreadsHeld, tasksQueued: tasksQueued,
            executorThreadCount: executorThreadCount, blockingOccurrences: occurrences)
        let (findings, skipped) = context.runAllRules()
        self.findings = findings
        skippedRules = skipped
        var bySpan: [Int32: [Int]] = [:]
        for (index, finding) in findings.enumerated() where finding.span >= 0 {
            bySpan[finding.span, default: []].append(index)
        }
        findingIndexesBySpan = bySpan
    }

    /// Indexes into `findings` of the findings about span `span`, largest cost first.
    public func findings(forSpan span: Int) -> [Int] {
        findingIndexesBySpan[Int32(truncatingIfNeeded: span)] ?? []
    }

    /// Whether span `span` began on an executor thread (a Swift task was current, or the thread
    /// is an executor thread): for a synchronous span, whether it could hold up async work.
    public func isOnExecutor(span: Int) -> Bool {
        guard span >= 0, span < trace.spanCount else { return false }
        return SpanStructure.isOnExecutor(trace, span)
    }

    /// Whether span `span` held an executor thread: a `sync` (or `runSync`) span begun on an
    /// executor thread, however short, or, in a trace with jobs, a span of at least the blocking
    /// threshold that its task never suspended in (it lies within one job).
    public func isBlocking(span: Int) -> Bool {
        guard span >= 0, span < trace.spanCount else { return false }
        return SpanStructure.isBlocking(trace, span) || threadHoldingSpans.contains(span)
    }

    /// How span `span`'s wall time divides into running, queued and suspended time of its task;
    /// nil when the trace has no task states for that task.
    public func states(ofSpan span: Int) -> SpanStateTimes? {
        guard span >= 0, span < trace.spanCount else { return nil }
        return sliceTotals.states(ofSpan: span, in: trace)
    }

    /// Wall time of span `span` not covered by any of its children, in nanoseconds.
    public func selfTime(ofSpan span: Int) -> Int64 {
        guard span >= 0, span < trace.spanCount else { return 0 }
        return SpanStructure.selfTime(trace, span)
    }

    /// For a synchronous span with a recorded CPU time, the share of its wall time spent off the
    /// CPU (sleeping or waiting for I/O): near 1 means waiting, near 0 means computing. Nil when
    /// no CPU time was recorded or the span has no duration.
    public func offCPUShare(ofSpan span: Int) -> Double? {
        guard span >= 0, span < trace.spanCount else { return nil }
        let wall = trace.spanEnd[span] &- trace.spanBegin[span]
        guard wall > 0, let cpu = trace.cpuNanoseconds(ofSpan: span) else { return nil }
        return max(0, min(1, 1 - Double(cpu) / Double(wall)))
    }

    /// Σ children's wall time / span `span`'s wall time: 1 for children run one after another,
    /// about n for n children run together; 0 without children or duration.
    public func overlapFactor(ofSpan span: Int) -> Double {
        guard span >= 0, span < trace.spanCount else { return 0 }
        let wall = trace.spanEnd[span] &- trace.spanBegin[span]
        guard wall > 0 else { return 0 }
        var total: Int64 = 0
        for child in trace.children(ofSpan: span) {
            total &+= trace.spanEnd[Int(child)] &- trace.spanBegin[Int(child)]
        }
        return Double(total) / Double(wall)
    }

    /// The chain of children of span `span` that decided when it ended, in time order: the child
    /// that ended last, then the child that ended last before that one began, and so on.
    public func criticalPath(ofSpan span: Int) -> [Int32] {
        guard span >= 0, span < trace.spanCount else { return [] }
        let parentBegin = trace.spanBegin[span]
        let byEnd = trace.children(ofSpan: span).sorted {
            (trace.spanEnd[Int($0)], $0) > (trace.spanEnd[Int($1)], $1)
        }
        var path: [Int32] = []
        var horizon = trace.spanEnd[span]
        for child in byEnd {
            let childBegin = trace.spanBegin[Int(child)]
            let childEnd = trace.spanEnd[Int(child)]
            guard childEnd <= horizon, childBegin >= parentBegin else { continue }
            path.append(child)
            horizon = childBegin
        }
        return path.reversed()
    }

    /// Spans plus jobs from which an analysis builds its concurrency series on a second thread
    /// (below it, starting the thread costs more than it saves).
    static let parallelThreshold = 200_000

    /// The part of an analysis that depends on the task states and the blocking threshold: span
    /// structure, per-span state totals, thread-holding spans, the queued series and its total,
    /// the blocking occurrences and the intervals they held threads.
    private static func blockingAndQueued(_ trace: Trace, options: AnalysisOptions, evidence: (any BlockingEvidence)?) -> (
        structure: SpanStructure, sliceTotals: SliceTotals, tasksQueued: QueuedJobs,
        occurrences: [BlockingOccurrence], held: (totalNanoseconds: Int64, series: StepSeries),
        threadHolding: ThreadHoldingSpans, queued: Int64
    ) {
        let structure = SpanStructure(trace: trace)
        let sliceTotals = SliceTotals(trace: trace)
        let threadHolding = ThreadHoldingSpans(trace: trace, threshold: options.blockingCallThreshold)
        let tasksQueued = QueuedJobs(trace: trace)
        let queued = QueuedJobs.totalWait(trace)
        let occurrences = BlockingOccurrenceFinder(
            trace: trace, structure: structure, threshold: options.blockingCallThreshold,
            queued: tasksQueued, evidence: evidence ?? SampleEvidence(trace: trace)
        ).find()
        let held = HeldIntervals(trace: trace, structure: structure, occurrences: occurrences)
        return (structure, sliceTotals, tasksQueued, occurrences, (held.totalNanoseconds, held.series()), threadHolding, queued)
    }

    /// How many jobs waited for a thread at each instant, and their total wait.
    static func queuedSeries(_ trace: Trace) -> (series: StepSeries, total: Int64) {
        var queued: Int64 = 0
        var events = StepEvents(origin: trace.startTime, expectedCount: 2 * trace.slices.count)
        for slice in trace.slices {
            queued &+= slice.started &- slice.enqueued
            events.addInterval(slice.enqueued, slice.started)
        }
        return (events.series(), queued)
    }

    /// A span counts while none of its children is active: each span adds its uncovered gaps
    /// (before, between and after its children's covered runs). Gaps are often empty (a first
    /// child starting with its parent), which keeps the event count near two per span.
    static func concurrencySeries(_ trace: Trace) -> StepSeries {
        var events = StepEvents(origin: trace.startTime, expectedCount: 2 * trace.spanCount + trace.spanCount / 2)
        for span in 0..<trace.spanCount {
            var gapBegin = trace.spanBegin[span]
            SpanStructure.forEachCoveredInterval(trace, span) { from, to in
                events.addInterval(gapBegin, from)
                gapBegin = to
            }
            events.addInterval(gapBegin, trace.spanEnd[span])
        }
        return events.series()
    }

    static func timeAtOrAbove(_ level: Int32, in series: StepSeries) -> Int64 {
        var total: Int64 = 0
        let times = series.times
        let values = series.values
        for index in 0..<max(0, times.count - 1) where values[index] >= level {
            total &+= times[index + 1] &- times[index]
        }
        return total
    }

    /// The executor's width as the trace shows it: the threads that ran jobs, else the threads
    /// marked as executor threads.
    static func countExecutorThreads(_ trace: Trace) -> Int {
        if !trace.slices.isEmpty {
            var seen = Set<Int32>()
            for slice in trace.slices { seen.insert(slice.thread) }
            return seen.count
        }
        return trace.threads.filter(\.isExecutor).count
    }
}
