import LanesAnalysis
import LanesModel

/// A trace prepared for viewing: the trace, its analysis, and the indexes the renderer queries
/// once per cell.
///
/// Building a document is linear in the number of spans (plus sorting what is not already
/// sorted) and happens once per load; after that every frame costs O(cells × log n), however
/// many spans the trace holds. The indexes refer into the trace's own columns wherever they can
/// (a busy server trace has a task for every two spans), so they add little to its memory.
public final class ViewerDocument: Sendable {
    /// The trace.
    public let trace: Trace
    /// Its analysis (findings, blocking, strips).
    public let analysis: TraceAnalysis
    /// The file name shown in the header, sanitised.
    public let title: String
    /// Which tasks get rows, and where the others are drawn.
    let taskRows: TaskRows
    /// When each row's tasks ran and waited.
    let laneStates: LaneStates
    /// Per lane: the union of its blocking spans.
    let blockingByLane: IntervalTable
    /// Per lane, in a trace without task states: when a span that holds its thread was open
    /// (see `holdsThread`), the only time the lane is known to have been running. Empty (no
    /// keys) when the trace has task states.
    let heldByLane: IntervalTable
    /// Where the trace's executor jobs came from, as the header says.
    public let jobSource: JobSource
    /// Per lane: root spans in begin order (`laneRoots[laneRootStart[l] ..< laneRootStart[l+1]]`).
    let laneRoots: [Int32]
    /// See `laneRoots`.
    let laneRootStart: [Int32]
    /// For lanes with several roots: the latest end among the roots up to each one, from
    /// `multiRootOffset[lane]` on (parallel to the lane's part of `laneRoots`).
    let multiRootMaxEnd: [Int64]
    /// See `multiRootMaxEnd`.
    let multiRootOffset: [Int32: Int32]
    /// Extents of rows into which other tasks fold (their jobs widen the row).
    let foldedExtents: [Int32: ClosedRange<Int64>]
    /// Outermost blocking spans of the whole trace, ordered by (begin, index): `b` / `B` walk these.
    public let blockingSpans: [Int32]
    /// The by-thread view's index.
    let threads: ThreadIndex
    /// The route view's index: root spans grouped by route.
    public let routes: RouteIndex
    /// The trace's counter series, ready to draw as strips.
    public let counterStrips: [CounterStrip]

    /// Prepares `trace` for viewing with an analysis already made. `title` is the file name to
    /// show (sanitised here).
    public convenience init(trace: Trace, analysis: TraceAnalysis, title: String) {
        self.init(trace: trace, title: title, analysis: .given(analysis))
    }

    /// Analyses `trace` with `options` and prepares it for viewing: the analysis runs on another
    /// thread while this one builds the indexes that do not need it (task rows and their states,
    /// routes, roots per lane), so on two cores the first frame waits for the longer of the two,
    /// not their sum. The document is the same as `init(trace:analysis:title:)`'s.
    public convenience init(analysing trace: Trace, options: AnalysisOptions = .init(), title: String) {
        self.init(trace: trace, title: title, analysis: .build(options))
    }

    /// Where the document's analysis comes from.
    private enum AnalysisSource {
        case given(TraceAnalysis)
        case build(AnalysisOptions)
    }

    /// The indexes that read only the trace.
    private struct TraceIndexes {
        var laneRoots: [Int32]
        var laneRootStart: [Int32]
        var multiRootMaxEnd: [Int64]
        var multiRootOffset: [Int32: Int32]
        var taskRows: TaskRows
        var laneStates: LaneStates
        var foldedExtents: [Int32: ClosedRange<Int64>]
        var routes: RouteIndex

        init(trace: Trace) {
            let laneCount = trace.tasks.count
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
            var maxEnds: [Int64] = []
            var offsets: [Int32: Int32] = [:]
            for lane in 0..<laneCount where rootStart[lane + 1] - rootStart[lane] >= 2 {
                offsets[Int32(lane)] = Int32(maxEnds.count)
                var latest = Int64.min
                for position in Int(rootStart[lane])..<Int(rootStart[lane + 1]) {
                    latest = max(latest, trace.spanEnd[Int(roots[position])])
                    maxEnds.append(latest)
                }
            }
            multiRootMaxEnd = maxEnds
            multiRootOffset = offsets

            let rows = TaskRows(trace: trace, laneRootStart: rootStart) { lane in
                ViewerDocument.firstActivity(trace, lane)
            }
            taskRows = rows
            laneStates = LaneStates(trace: trace, rows: rows)
            var folded: [Int32: ClosedRange<Int64>] = [:]
            for lane in 0..<laneCount {
                let owner = rows.owner[lane]
                guard owner != Int32(lane), let first = ViewerDocument.firstActivity(trace, lane) else { continue }
                let extent = first...max(first, ViewerDocument.lastActivity(trace, lane, rootStart: rootStart, roots: roots, maxEnds: maxEnds, offsets: offsets))
                if let known = folded[owner] {
                    folded[owner] = min(known.lowerBound, extent.lowerBound)...max(known.upperBound, extent.upperBound)
                } else {
                    folded[owner] = extent
                }
            }
            foldedExtents = folded
            routes = RouteIndex(trace: trace)
        }
    }

    private init(trace: Trace, title: String, analysis source: AnalysisSource) {
        let analysis: TraceAnalysis
        let indexes: TraceIndexes
        switch source {
        case .given(let given):
            analysis = given
            indexes = TraceIndexes(trace: trace)
        case .build(let options):
            (analysis, indexes) = concurrently({ TraceAnalysis(trace: trace, options: options) }, { TraceIndexes(trace: trace) })
        }
        self.trace = trace
        self.analysis = analysis
        self.title = SafeText.sanitize(title)
        counterStrips = trace.counters.map(CounterStrip.init)
        laneRoots = indexes.laneRoots
        laneRootStart = indexes.laneRootStart
        multiRootMaxEnd = indexes.multiRootMaxEnd
        multiRootOffset = indexes.multiRootOffset
        taskRows = indexes.taskRows
        laneStates = indexes.laneStates
        foldedExtents = indexes.foldedExtents
        routes = indexes.routes
        let laneCount = trace.tasks.count

        // Jobs that held a thread for the blocking threshold count as blocking in their task's
        // lane and on their thread, as blocking spans do: in a program recorded without spans
        // they are all the blocking there is.
        var blockingJobsByLane: [Int32: [(begin: Int64, end: Int64)]] = [:]
        for occurrence in analysis.blockingOccurrences where occurrence.slice >= 0 && occurrence.task >= 0 {
            blockingJobsByLane[occurrence.task, default: []].append((occurrence.begin, occurrence.end))
        }
        var blocking = IntervalTable()
        var held = IntervalTable()
        let withoutStates = trace.slices.isEmpty
        var blockingList: [Int32] = []
        var buffer: [(begin: Int64, end: Int64)] = []
        var heldBuffer: [(begin: Int64, end: Int64)] = []
        for lane in 0..<laneCount {
            let range = trace.laneRanges[lane]
            buffer.removeAll(keepingCapacity: true)
            heldBuffer.removeAll(keepingCapacity: true)
            var outermostEnd = Int64.min
            let onOneThread = withoutStates && Self.isOnOneThread(trace, range)
            for span in Int(range.lowerBound)..<Int(range.upperBound) {
                let begin = trace.spanBegin[span]
                let end = trace.spanEnd[span]
                if analysis.isBlocking(span: span) {
                    buffer.append((begin, end))
                    if begin >= outermostEnd { blockingList.append(Int32(span)) }
                    outermostEnd = max(outermostEnd, end)
                }
                if withoutStates, Self.holdsThread(trace.spanKind[span], laneOnOneThread: onOneThread) {
                    heldBuffer.append((begin, end))
                }
            }
            if let jobs = blockingJobsByLane[Int32(lane)] { buffer.append(contentsOf: jobs) }
            blocking.appendKey(&buffer)
            if withoutStates { held.appendKey(&heldBuffer) }
        }
        blockingByLane = blocking
        heldByLane = held
        jobSource = JobSource(trace: trace)
        blockingList.sort { (trace.spanBegin[Int($0)], $0) < (trace.spanBegin[Int($1)], $1) }
        blockingSpans = blockingList
        threads = ThreadIndex(trace: trace, blockingJobs: analysis.blockingOccurrences) { analysis.isBlocking(span: $0) }
    }

    /// Whether a span of `kind` holds its thread while open, so that without task states its
    /// lane is known to be running then: synchronous work (`sync`, `runSync`), and spans of
    /// unknown kind in a lane imported from one thread (a Chrome thread's slices). An `async`
    /// span, a handler or a `gather` may be suspended at any moment of it: not running.
    static func holdsThread(_ kind: SpanKind, laneOnOneThread: Bool) -> Bool {
        switch kind {
        case .sync, .runSync: true
        case .unknown: laneOnOneThread
        case .handler, .async, .makeAsync, .gather, .poolWait: false
        }
    }

    /// Whether every span in `range` ran on one and the same known thread.
    static func isOnOneThread(_ trace: Trace, _ range: Range<Int32>) -> Bool {
        guard !range.isEmpty else { return false }
        let thread = trace.spanThread[Int(range.lowerBound)]
        guard thread >= 0 else { return false }
        for span in Int(range.lowerBound)..<Int(range.upperBound) where trace.spanThread[span] != thread { return false }
        return true
    }

    /// The first instant lane `lane` did anything: its first span or its first enqueue.
    static func firstActivity(_ trace: Trace, _ lane: Int) -> Int64? {
        let range = trace.laneRanges[lane]
        let firstSpan = range.isEmpty ? nil : trace.spanBegin[Int(range.lowerBound)]
        let firstJob = trace.slices(ofTask: lane).first?.enqueued
        switch (firstSpan, firstJob) {
        case let (span?, job?): return min(span, job)
        case let (span?, nil): return span
        case let (nil, job?): return job
        case (nil, nil): return nil
        }
    }

    /// Whether any of lane `lane`'s roots (`roots`, in begin order) is active during `[from, to)`:
    /// a binary search over begins and the running maximum of ends.
    func rootsCover(lane: Int32, roots: ArraySlice<Int32>, from: Int64, to: Int64) -> Bool {
        guard !roots.isEmpty else { return false }
        let began = roots.partitioningIndex { trace.spanBegin[Int($0)] >= to } - roots.startIndex
        guard began > 0 else { return false }
        if let offset = multiRootOffset[lane] {
            return multiRootMaxEnd[Int(offset) + began - 1] >= from
        }
        return trace.spanEnd[Int(roots[roots.startIndex])] >= from
    }

    /// The last instant lane `lane` did anything: its last job's end, or its roots' latest end
    /// (a task's spans lie within its roots), or for a task without roots its spans' latest end.
    static func lastActivity(_ trace: Trace, _ lane: Int, rootStart: [Int32], roots: [Int32], maxEnds: [Int64], offsets: [Int32: Int32]) -> Int64 {
        var latest = trace.slices(ofTask: lane).last?.ended ?? .min
        let rootCount = Int(rootStart[lane + 1] - rootStart[lane])
        if let offset = offsets[Int32(lane)] {
            latest = max(latest, maxEnds[Int(offset) + rootCount - 1])
        } else if rootCount == 1 {
            latest = max(latest, trace.spanEnd[Int(roots[Int(rootStart[lane])])])
        } else {
            let range = trace.laneRanges[lane]
            for span in Int(range.lowerBound)..<Int(range.upperBound) { latest = max(latest, trace.spanEnd[span]) }
        }
        return latest
    }

    /// Root spans of lane `lane`, in begin order.
    public func roots(ofLane lane: Int) -> ArraySlice<Int32> {
        laneRoots[Int(laneRootStart[lane])..<Int(laneRootStart[lane + 1])]
    }

    /// The time a row stands for: a lane's life, from its first enqueue or span to its last
    /// job or span end (widened by the tasks folded into it); "other tasks" covers their jobs.
    func extent(ofLane lane: Int32) -> ClosedRange<Int64>? {
        var result: ClosedRange<Int64>?
        if lane >= 0, let first = Self.firstActivity(trace, Int(lane)) {
            let last = Self.lastActivity(trace, Int(lane), rootStart: laneRootStart, roots: laneRoots, maxEnds: multiRootMaxEnd, offsets: multiRootOffset)
            result = first...max(first, last)
        }
        if let folded = foldedExtents[lane] {
            result = result.map { min($0.lowerBound, folded.lowerBound)...max($0.upperBound, folded.upperBound) } ?? folded
        }
        return result
    }

    /// A readable name for lane `lane`: the task's name, `main` for the process's main task, its
    /// first root span's name (`on_message "alice"`), its first span's; "other tasks" for the
    /// row of tasks without names, spans or known parents. Not sanitised.
    public func name(ofLane lane: Int32) -> String {
        guard lane >= 0 else { return "other tasks" }
        let info = trace.tasks[Int(lane)]
        if !info.name.isEmpty { return info.name }
        if lane == taskRows.mainTask { return "main" }
        if let root = roots(ofLane: Int(lane)).first { return trace.displayName(ofSpan: Int(root)) }
        let range = trace.laneRanges[Int(lane)]
        if !range.isEmpty { return trace.displayName(ofSpan: Int(range.lowerBound)) }
        return trace.name(ofTask: Int(lane))
    }

    /// The name of a span's row, not sanitised: its display name; for a task's own row (the
    /// task's only root, `isTaskRow`) of a named task, `task › span` when the names differ, so
    /// the task's name is never lost.
    public func label(ofSpan span: Int, isTaskRow: Bool) -> String {
        let name = trace.displayName(ofSpan: span)
        guard isTaskRow else { return name }
        let task = trace.tasks[Int(trace.spanTask[span])].name
        return task.isEmpty || task == name ? name : task + " › " + name
    }

    /// The name of the row that shows lane `lane`'s jobs (its own, or the row it folds into).
    public func rowName(ofLane lane: Int32) -> String {
        guard lane >= 0, Int(lane) < taskRows.owner.count else { return "other tasks" }
        return name(ofLane: taskRows.owner[Int(lane)])
    }

    /// Whether span `span` is the first of a task drawn inside another task's row (a child task's
    /// first span) or the root of a task's own row: its row starts at the task's first enqueue.
    func startsTask(span: Int) -> Bool {
        let lane = Int(trace.spanTask[span])
        guard Int(trace.laneRanges[lane].lowerBound) == span else { return false }
        let parent = Int(trace.spanParent[span])
        return parent < 0 || Int(trace.spanTask[parent]) != lane
    }

    /// The time a span's row covers. A task's own row (`isTaskRow`: the task's only root, at the
    /// top of the tree) covers the task's whole life; the first span of a task covers the task's
    /// wait from its first enqueue; any other span covers itself.
    func barExtent(ofSpan span: Int, isTaskRow: Bool) -> ClosedRange<Int64> {
        let begin = trace.spanBegin[span]
        let end = max(begin, trace.spanEnd[span])
        let lane = trace.spanTask[span]
        if isTaskRow, let life = extent(ofLane: lane) {
            return min(begin, life.lowerBound)...max(end, life.upperBound)
        }
        if startsTask(span: span), let first = Self.firstActivity(trace, Int(lane)) {
            return min(begin, first)...end
        }
        return begin...end
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
