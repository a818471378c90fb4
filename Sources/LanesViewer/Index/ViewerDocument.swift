import LanesAnalysis
import LanesModel

/// A trace prepared for viewing: the trace, its analysis, and the per-lane and per-thread
/// indexes the renderer queries once per cell.
///
/// Building a document is linear in the number of spans (plus sorting what is not already
/// sorted) and happens once per load; after that every frame costs O(cells × log n), however
/// many spans the trace holds.
public final class ViewerDocument: Sendable {
    /// The trace.
    public let trace: Trace
    /// Its analysis (findings, blocking, strips).
    public let analysis: TraceAnalysis
    /// The file name shown in the header, sanitised.
    public let title: String
    /// Lanes (task indexes): those with spans by first activity, then those with only jobs.
    public let laneOrder: [Int32]
    /// Per lane: the union of its spans.
    let activeByLane: IntervalTable
    /// Per lane: the union of its blocking spans.
    let blockingByLane: IntervalTable
    /// Per lane: when the task ran on a thread (from task-state slices).
    let runningByLane: IntervalTable
    /// Per lane: when the task was ready but waited for a thread.
    let queuedByLane: IntervalTable
    /// Per lane: root spans in begin order (`laneRoots[laneRootStart[l] ..< laneRootStart[l+1]]`).
    let laneRoots: [Int32]
    /// See `laneRoots`.
    let laneRootStart: [Int32]
    /// Begin of each entry of `laneRoots`.
    let laneRootBegins: [Int64]
    /// Latest end among the lane's roots up to each entry of `laneRoots`.
    let laneRootMaxEnd: [Int64]
    /// Per lane: first and last instant of activity (spans and slices).
    let laneExtent: [ClosedRange<Int64>?]
    /// Outermost blocking spans of the whole trace, ordered by (begin, index): `b` / `B` walk these.
    public let blockingSpans: [Int32]
    /// Threads with any activity, executor threads first.
    public let threadOrder: [Int32]
    /// Per thread: when it was busy (task jobs, or spans without task states).
    let busyByThread: IntervalTable
    /// Per thread: when it was held by blocking spans.
    let blockingByThread: IntervalTable
    /// Per thread: its jobs in begin order, as (begin, end, task), for labels and details.
    let threadJobs: JobTable
    /// Per thread: total busy and blocked time.
    let threadTotals: [(busy: Int64, blocked: Int64, jobs: Int)]
    /// The trace's counter series, ready to draw as strips.
    public let counterStrips: [CounterStrip]

    /// Prepares `trace` for viewing. `title` is the file name to show (sanitised here).
    public init(trace: Trace, analysis: TraceAnalysis, title: String) {
        self.trace = trace
        self.analysis = analysis
        self.title = SafeText.sanitize(title)
        counterStrips = trace.counters.map(CounterStrip.init)
        let laneCount = trace.tasks.count
        let spanCount = trace.spanCount

        var active = IntervalTable()
        var blocking = IntervalTable()
        var running = IntervalTable()
        var queued = IntervalTable()
        var extents: [ClosedRange<Int64>?] = []
        var firstActivity: [(lane: Int32, time: Int64)] = []
        var blockingList: [Int32] = []
        var isBlocking = [Bool](repeating: false, count: spanCount)
        var buffer: [(begin: Int64, end: Int64)] = []
        var blockingBuffer: [(begin: Int64, end: Int64)] = []
        extents.reserveCapacity(laneCount)
        for lane in 0..<laneCount {
            let range = trace.laneRanges[lane]
            buffer.removeAll(keepingCapacity: true)
            blockingBuffer.removeAll(keepingCapacity: true)
            var outermostEnd = Int64.min
            var low = Int64.max
            var high = Int64.min
            for span in Int(range.lowerBound)..<Int(range.upperBound) {
                let begin = trace.spanBegin[span]
                let end = trace.spanEnd[span]
                buffer.append((begin, end))
                low = min(low, begin)
                high = max(high, end)
                if analysis.isBlocking(span: span) {
                    isBlocking[span] = true
                    blockingBuffer.append((begin, end))
                    if begin >= outermostEnd { blockingList.append(Int32(span)) }
                    outermostEnd = max(outermostEnd, end)
                }
            }
            active.appendKey(&buffer)
            blocking.appendKey(&blockingBuffer)
            buffer.removeAll(keepingCapacity: true)
            blockingBuffer.removeAll(keepingCapacity: true)
            for slice in trace.slices(ofTask: lane) {
                buffer.append((slice.started, slice.ended))
                if slice.started > slice.enqueued { blockingBuffer.append((slice.enqueued, slice.started)) }
                low = min(low, slice.enqueued)
                high = max(high, slice.ended)
            }
            running.appendKey(&buffer)
            queued.appendKey(&blockingBuffer)
            extents.append(low <= high ? low...high : nil)
            firstActivity.append((Int32(lane), low))
        }
        activeByLane = active
        blockingByLane = blocking
        runningByLane = running
        queuedByLane = queued
        laneExtent = extents
        // Lanes with spans first (a task that only ran jobs, such as a driver, says little), each
        // group by first activity.
        laneOrder = firstActivity.sorted { left, right in
            let leftEmpty = trace.laneRanges[Int(left.lane)].isEmpty
            let rightEmpty = trace.laneRanges[Int(right.lane)].isEmpty
            return (leftEmpty ? 1 : 0, left.time, left.lane) < (rightEmpty ? 1 : 0, right.time, right.lane)
        }.map(\.lane)
        blockingList.sort { (trace.spanBegin[Int($0)], $0) < (trace.spanBegin[Int($1)], $1) }
        blockingSpans = blockingList

        // Roots per lane: trace.roots is in begin order, a stable counting sort keeps it so.
        var rootStart = [Int32](repeating: 0, count: laneCount + 1)
        for root in trace.roots { rootStart[Int(trace.spanTask[Int(root)]) + 1] += 1 }
        for lane in 0..<laneCount { rootStart[lane + 1] += rootStart[lane] }
        var next = rootStart
        var roots = [Int32](repeating: 0, count: trace.roots.count)
        for root in trace.roots {
            let lane = Int(trace.spanTask[Int(root)])
            roots[Int(next[lane])] = root
            next[lane] += 1
        }
        laneRoots = roots
        laneRootStart = rootStart
        laneRootBegins = roots.map { trace.spanBegin[Int($0)] }
        var rootMaxEnd = [Int64](repeating: 0, count: roots.count)
        for lane in 0..<laneCount {
            var latest = Int64.min
            for position in Int(rootStart[lane])..<Int(rootStart[lane + 1]) {
                latest = max(latest, trace.spanEnd[Int(roots[position])])
                rootMaxEnd[position] = latest
            }
        }
        laneRootMaxEnd = rootMaxEnd

        let threads = Self.threadIndex(trace: trace, isBlocking: isBlocking)
        threadOrder = threads.order
        busyByThread = threads.busy
        blockingByThread = threads.blocking
        threadJobs = threads.jobs
        threadTotals = (0..<trace.threads.count).map { thread in
            (threads.busy.totalLength(key: thread), threads.blocking.totalLength(key: thread),
             Int(threads.jobs.start[thread + 1] - threads.jobs.start[thread]))
        }
    }

    /// Root spans of lane `lane`, in begin order.
    public func roots(ofLane lane: Int) -> ArraySlice<Int32> {
        laneRoots[Int(laneRootStart[lane])..<Int(laneRootStart[lane + 1])]
    }

    /// A readable name for lane `lane`: the task's name, else its first root span's name
    /// (`on_message "alice"`), else "task ID". Not sanitised.
    public func name(ofLane lane: Int) -> String {
        if !trace.tasks[lane].name.isEmpty { return trace.tasks[lane].name }
        if let root = roots(ofLane: lane).first { return trace.displayName(ofSpan: Int(root)) }
        return trace.name(ofTask: lane)
    }

    /// Whether the trace has task states (running / queued / suspended) from the tracing executor.
    public var hasTaskStates: Bool { !trace.slices.isEmpty }

    /// Wall time of the trace (0 for an empty one), saturating on hostile timestamps.
    public var wallNanoseconds: Int64 {
        trace.endTime <= trace.startTime ? 0 : TimeMath.distance(from: trace.startTime, to: trace.endTime)
    }

    /// The time extent of the whole trace as a window start and a duration (≥ 1 ns).
    public var fullWindow: (start: Int64, duration: Int64) {
        (trace.startTime, TimeMath.distance(from: trace.startTime, to: trace.endTime))
    }
}

/// Per-thread jobs: (begin, end, task) in begin order, keys in compressed rows.
struct JobTable: Sendable {
    var begins: [Int64] = []
    var ends: [Int64] = []
    var tasks: [Int32] = []
    var start: [Int32] = [0]

    /// The index of the job of key `key` that covers `time`, if any (jobs of a thread do not overlap).
    func job(key: Int, at time: Int64) -> Int? {
        guard key >= 0, key + 1 < start.count else { return nil }
        let lower = Int(start[key])
        let upper = Int(start[key + 1])
        let position = begins[lower..<upper].partitioningIndex { $0 > time } - 1
        guard position >= lower, ends[position] > time || begins[position] == time else { return nil }
        return position
    }
}

extension ViewerDocument {
    /// Builds the by-thread view's tables: busy and blocking intervals and the jobs of each thread.
    static func threadIndex(trace: Trace, isBlocking: [Bool])
        -> (order: [Int32], busy: IntervalTable, blocking: IntervalTable, jobs: JobTable)
    {
        let threadCount = trace.threads.count
        var jobsByThread = [[(begin: Int64, end: Int64, task: Int32)]](repeating: [], count: threadCount)
        var blockingByThread = [[(begin: Int64, end: Int64)]](repeating: [], count: threadCount)
        if !trace.slices.isEmpty {
            for index in trace.slicesByThread {
                let slice = trace.slices[Int(index)]
                guard slice.thread >= 0, Int(slice.thread) < threadCount else { continue }
                jobsByThread[Int(slice.thread)].append((slice.started, slice.ended, slice.task))
            }
        }
        for span in 0..<trace.spanCount {
            let thread = Int(trace.spanThread[span])
            guard thread >= 0, thread < threadCount else { continue }
            if isBlocking[span] { blockingByThread[thread].append((trace.spanBegin[span], trace.spanEnd[span])) }
            if trace.slices.isEmpty {
                let parent = Int(trace.spanParent[span])
                if parent < 0 || Int(trace.spanThread[parent]) != thread {
                    jobsByThread[thread].append((trace.spanBegin[span], trace.spanEnd[span], trace.spanTask[span]))
                }
            }
        }
        var busy = IntervalTable()
        var blocking = IntervalTable()
        var jobs = JobTable()
        var intervals: [(begin: Int64, end: Int64)] = []
        for thread in 0..<threadCount {
            var list = jobsByThread[thread]
            if !list.isEmpty { list.sort { ($0.begin, $0.end) < ($1.begin, $1.end) } }
            intervals = list.map { ($0.begin, $0.end) }
            busy.appendKey(&intervals)
            blocking.appendKey(&blockingByThread[thread])
            for job in list {
                jobs.begins.append(job.begin)
                jobs.ends.append(job.end)
                jobs.tasks.append(job.task)
            }
            jobs.start.append(Int32(jobs.begins.count))
        }
        let active = (0..<threadCount).filter { !jobsByThread[$0].isEmpty || !blockingByThread[$0].isEmpty }
        let order = active.filter { trace.threads[$0].isExecutor } + active.filter { !trace.threads[$0].isExecutor }
        return (order.map { Int32($0) }, busy, blocking, jobs)
    }
}
