import LanesAnalysis
import LanesModel

/// The by-thread view's index: which job each thread ran when, and when blocking work held it.
///
/// With task states a thread's jobs are the trace's slices in `slicesByThread` order (nothing is
/// copied: each thread runs one job at a time, so a binary search answers "busy?"). Without task
/// states a thread's jobs are its outermost spans, kept as span indexes with a merged table of
/// when the thread was busy.
struct ThreadIndex: Sendable {
    /// Threads with any activity, executor threads first.
    let order: [Int32]
    /// Whether jobs are slices (task states) or spans.
    let jobsAreSlices: Bool
    /// Without task states, per thread its jobs (span indexes) in begin order:
    /// `items[start[t] ..< start[t + 1]]`. With task states the jobs are the trace's own
    /// `slicesByThread` (slice indexes), and `start` indexes that instead.
    private let items: [Int32]
    /// See `items`.
    let start: [Int32]
    /// Per thread: when it was busy, for threads whose jobs overlap (spans, or damaged slices);
    /// keyed by `busyKey`.
    let busy: IntervalTable
    /// Key into `busy` of each thread, -1 when its jobs are answered from `items`.
    let busyKey: [Int32]
    /// Per thread: when blocking spans or blocking jobs held it.
    let blocking: IntervalTable
    /// Per thread: total busy and blocked time and the number of jobs.
    let totals: [(busy: Int64, blocked: Int64, jobs: Int)]

    /// The index of `trace`, where spans for which `isBlocking` holds and the jobs among
    /// `blockingJobs` (the analysis's blocking occurrences) held their threads.
    init(trace: Trace, blockingJobs: [BlockingOccurrence], isBlocking: (Int) -> Bool) {
        let threadCount = trace.threads.count
        var blockingByThread = [[(begin: Int64, end: Int64)]](repeating: [], count: threadCount)
        for span in 0..<trace.spanCount where isBlocking(span) {
            let thread = Int(trace.spanThread[span])
            guard thread >= 0, thread < threadCount else { continue }
            blockingByThread[thread].append((trace.spanBegin[span], trace.spanEnd[span]))
        }
        for occurrence in blockingJobs where occurrence.slice >= 0 {
            let thread = Int(occurrence.thread)
            guard thread >= 0, thread < threadCount else { continue }
            blockingByThread[thread].append((occurrence.begin, occurrence.end))
        }
        var start = [Int32](repeating: 0, count: threadCount + 1)
        var items: [Int32] = []
        let fromSlices = !trace.slices.isEmpty
        jobsAreSlices = fromSlices
        if fromSlices {
            // `slicesByThread` lists slices of unknown threads first, then thread 0, 1, …
            for index in trace.slicesByThread {
                let thread = Int(trace.slices[Int(index)].thread)
                if thread >= 0, thread < threadCount { start[thread + 1] += 1 }
            }
            // Slices of unknown threads come first in `slicesByThread`: skip them.
            start[0] = Int32(trace.slicesByThread.count) - start[1...].reduce(0, +)
            for thread in 0..<threadCount { start[thread + 1] += start[thread] }
        } else {
            var spansOfThread = [[Int32]](repeating: [], count: threadCount)
            for span in 0..<trace.spanCount {
                let thread = Int(trace.spanThread[span])
                guard thread >= 0, thread < threadCount else { continue }
                let parent = Int(trace.spanParent[span])
                if parent < 0 || Int(trace.spanThread[parent]) != thread { spansOfThread[thread].append(Int32(span)) }
            }
            for thread in 0..<threadCount {
                spansOfThread[thread].sort { (trace.spanBegin[Int($0)], $0) < (trace.spanBegin[Int($1)], $1) }
                items.append(contentsOf: spansOfThread[thread])
                start[thread + 1] = Int32(items.count)
            }
        }
        self.items = items
        self.start = start
        func item(_ position: Int) -> Int32 { fromSlices ? trace.slicesByThread[position] : items[position] }

        func jobBegin(_ item: Int32) -> Int64 { fromSlices ? trace.slices[Int(item)].started : trace.spanBegin[Int(item)] }
        func jobEnd(_ item: Int32) -> Int64 { fromSlices ? trace.slices[Int(item)].ended : trace.spanEnd[Int(item)] }
        var busy = IntervalTable()
        var blocking = IntervalTable()
        var busyKey = [Int32](repeating: -1, count: threadCount)
        var totals: [(busy: Int64, blocked: Int64, jobs: Int)] = []
        var buffer: [(begin: Int64, end: Int64)] = []
        for thread in 0..<threadCount {
            let jobs = Int(start[thread])..<Int(start[thread + 1])
            var apart = fromSlices
            var previousEnd = Int64.min
            var busyTime: Int64 = 0
            for position in jobs {
                let job = item(position)
                if jobBegin(job) < previousEnd { apart = false }
                previousEnd = max(previousEnd, jobEnd(job))
                busyTime &+= jobEnd(job) &- jobBegin(job)
            }
            if !apart {
                buffer = jobs.map { (jobBegin(item($0)), jobEnd(item($0))) }
                busyKey[thread] = Int32(busy.keyCount)
                busy.appendKey(&buffer)
                busyTime = busy.totalLength(key: busy.keyCount - 1)
            }
            blocking.appendKey(&blockingByThread[thread])
            totals.append((busyTime, blocking.totalLength(key: thread), jobs.count))
        }
        self.busy = busy
        self.busyKey = busyKey
        self.blocking = blocking
        self.totals = totals
        let active = (0..<threadCount).filter { start[$0 + 1] > start[$0] || !blockingByThread[$0].isEmpty }
        order = (active.filter { trace.threads[$0].isExecutor } + active.filter { !trace.threads[$0].isExecutor }).map { Int32($0) }
    }

    /// The slice or span index of the job at `position`.
    @inline(__always)
    private func item(_ position: Int, in trace: Trace) -> Int32 {
        jobsAreSlices ? trace.slicesByThread[position] : items[position]
    }

    /// Begin, end and task (lane) of job `position` (a position `start` bounds).
    func job(_ position: Int, in trace: Trace) -> (begin: Int64, end: Int64, task: Int32) {
        let item = Int(item(position, in: trace))
        if jobsAreSlices {
            let slice = trace.slices[item]
            return (slice.started, slice.ended, slice.task)
        }
        return (trace.spanBegin[item], trace.spanEnd[item], trace.spanTask[item])
    }

    /// The position (into `items`) of thread `thread`'s job that covers `time`, if any.
    func job(ofThread thread: Int, at time: Int64, in trace: Trace) -> Int? {
        guard thread >= 0, thread + 1 < start.count else { return nil }
        let lower = Int(start[thread])
        let upper = Int(start[thread + 1])
        let position = (lower..<upper).partitioningIndex { job($0, in: trace).begin > time } - 1
        guard position >= lower else { return nil }
        let found = job(position, in: trace)
        return found.end > time || found.begin == time ? position : nil
    }

    /// Whether thread `thread` ran a job during `[from, to)`.
    @inline(__always)
    func isBusy(_ thread: Int, from: Int64, to: Int64, in trace: Trace) -> Bool {
        if busyKey[thread] >= 0 { return busy.overlaps(key: Int(busyKey[thread]), from: from, to: to) }
        let lower = Int(start[thread])
        let upper = Int(start[thread + 1])
        guard lower < upper else { return false }
        // Jobs of this thread are apart, so their ends ascend too.
        let jobs = trace.slicesByThread[lower..<upper]
        let position = jobs.partitioningIndex { trace.slices[Int($0)].ended > from }
        guard position < upper else { return false }
        let slice = trace.slices[Int(jobs[position])]
        return from == to ? slice.started <= from : slice.started < to
    }

    /// The time extent of thread `thread`'s jobs.
    func extent(ofThread thread: Int, in trace: Trace) -> ClosedRange<Int64>? {
        let lower = Int(start[thread])
        let upper = Int(start[thread + 1])
        guard lower < upper else { return nil }
        let first = job(lower, in: trace).begin
        var last = first
        if busyKey[thread] >= 0 {
            for position in lower..<upper { last = max(last, job(position, in: trace).end) }
        } else {
            last = max(first, job(upper - 1, in: trace).end)
        }
        return first...last
    }
}
