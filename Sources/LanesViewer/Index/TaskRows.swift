import LanesModel

/// Which tasks get a row of their own in the by-task view, and where the others are drawn, so
/// that rows follow the program instead of listing every task the runtime created.
///
/// - A task with root spans has a row (its root span, or the task with its roots below).
/// - A task whose spans all hang under spans of other tasks (a `gather`, `async let` or task
///   group child) is drawn inside its parent span's row: its spans are that span's children.
/// - A named task without spans has a row: under the span of its parent task that was open when
///   it was first enqueued (the span that started it), else under its parent's row, else at the
///   top when its parent is unknown.
/// - An unnamed task without spans folds into its parent: its jobs count as the parent's, so the
///   parent's row shows when it ran or waited. Without a known parent it joins one "other tasks"
///   row, except the process's main task (the runtime's first task), which is called `main`.
///
/// Parents come from the trace (`TaskTable.parent(ofTask:)`), else from spans that cross tasks.
struct TaskRows: Sendable {
    /// The row that stands for every task folded into "other tasks".
    static let otherTasks: Int32 = -1

    /// Top-level rows in order: lanes, and `otherTasks` for the "other tasks" row.
    let topLevel: [Int32]
    /// Per lane: the lane whose row shows its jobs (itself unless folded), or `otherTasks`.
    let owner: [Int32]
    /// The main task's lane, or -1.
    let mainTask: Int32
    /// How many tasks the "other tasks" row stands for.
    let otherTaskCount: Int
    /// Named tasks without spans drawn under a span of their parent task, by that span.
    let nestedUnderSpan: [Int32: [Int32]]
    /// Named tasks without spans drawn under their parent's own row, by the parent's lane.
    let nestedUnderLane: [Int32: [Int32]]
    /// Lanes into which other tasks fold (their jobs are merged into the owner's states), with
    /// how many fold into each.
    let foldedTaskCount: [Int32: Int]

    /// Task ids the runtime gives its first task: the process's `async` main.
    static let mainTaskID: UInt64 = 1

    init(trace: Trace, laneRootStart: [Int32], firstActivity: (Int) -> Int64?) {
        let laneCount = trace.tasks.count
        let tasks = trace.tasks
        // Each lane's parent: recorded, else inferred from a span whose parent is in another task.
        var parent = [Int32](repeating: -1, count: laneCount)
        var hasRoots = [Bool](repeating: false, count: laneCount)
        var hasSpans = [Bool](repeating: false, count: laneCount)
        for lane in 0..<laneCount {
            hasRoots[lane] = laneRootStart[lane + 1] > laneRootStart[lane]
            let range = trace.laneRanges[lane]
            hasSpans[lane] = !range.isEmpty
            if let recorded = tasks.parent(ofTask: lane) {
                parent[lane] = Int32(recorded)
            } else if !hasRoots[lane], !range.isEmpty {
                let first = trace.spanParent[Int(range.lowerBound)]
                if first >= 0, trace.spanTask[Int(first)] != Int32(lane) { parent[lane] = trace.spanTask[Int(first)] }
            }
        }
        let isLanes = trace.metadata.sourceFormat == "lanes"
        var mainTask: Int32 = -1
        if isLanes {
            for lane in 0..<laneCount where tasks.id(ofTask: lane) == Self.mainTaskID && parent[lane] < 0 {
                mainTask = Int32(lane)
                break
            }
        }
        func isNamed(_ lane: Int) -> Bool { tasks.nameIndex(ofTask: lane) != 0 }
        func isActive(_ lane: Int) -> Bool { hasSpans[lane] || !trace.sliceRanges[lane].isEmpty }
        // A lane stands on its own when it has spans, a name, or is main; others fold upwards.
        func standsAlone(_ lane: Int) -> Bool { hasSpans[lane] || isNamed(lane) || lane == Int(mainTask) }

        var owner = [Int32](repeating: Self.otherTasks, count: laneCount)
        var otherCount = 0
        var folded: [Int32: Int] = [:]
        for lane in 0..<laneCount {
            if standsAlone(lane) {
                owner[lane] = Int32(lane)
                continue
            }
            // Walk up to the nearest ancestor that stands alone (bounded: parents do not loop).
            var ancestor = parent[lane]
            var steps = 0
            while ancestor >= 0, !standsAlone(Int(ancestor)), steps < laneCount {
                ancestor = parent[Int(ancestor)]
                steps += 1
            }
            if ancestor >= 0, standsAlone(Int(ancestor)) {
                owner[lane] = ancestor
                if isActive(lane) { folded[ancestor, default: 0] += 1 }
            } else if isActive(lane) {
                otherCount += 1
            }
        }

        // Named tasks without spans go under the span that started them, or their parent's row.
        var underSpan: [Int32: [Int32]] = [:]
        var underLane: [Int32: [Int32]] = [:]
        var top: [Int32] = []
        for lane in 0..<laneCount where owner[lane] == Int32(lane) {
            if hasRoots[lane] { top.append(Int32(lane)); continue }
            if hasSpans[lane] { continue }  // drawn under its parent spans
            guard isActive(lane) || isNamed(lane) else { continue }
            var host = parent[lane] >= 0 ? owner[Int(parent[lane])] : Self.otherTasks
            if host == Int32(lane) { host = Self.otherTasks }
            if host >= 0, let time = firstActivity(lane) {
                let open = trace.spans(inLane: Int(host), overlapping: time, time)
                if let innermost = open.max(by: { trace.spanBegin[Int($0)] < trace.spanBegin[Int($1)] }) {
                    underSpan[innermost, default: []].append(Int32(lane))
                    continue
                }
            }
            if host >= 0, hasRoots[Int(host)] || !hasSpans[Int(host)] {
                underLane[host, default: []].append(Int32(lane))
            } else if host >= 0 {
                // The parent is drawn inside other rows: attach to the span that holds its first span.
                let first = trace.laneRanges[Int(host)].lowerBound
                underSpan[first, default: []].append(Int32(lane))
            } else {
                top.append(Int32(lane))
            }
        }
        // Rows with spans first, then tasks that only ran jobs, each by first activity; main
        // before the rest of those; "other tasks" last.
        // Keys computed once per lane, not once per comparison (a server trace has a top-level
        // row per request).
        func byFirstActivity(_ lanes: [Int32], group: (Int32) -> Int) -> [Int32] {
            lanes.map { (group: group($0), first: firstActivity(Int($0)) ?? .max, lane: $0) }
                .sorted { ($0.group, $0.first, $0.lane) < ($1.group, $1.first, $1.lane) }
                .map(\.lane)
        }
        top = byFirstActivity(top) { lane in hasRoots[Int(lane)] ? 0 : (lane == mainTask ? 1 : 2) }
        if otherCount > 0 { top.append(Self.otherTasks) }
        for key in underSpan.keys { underSpan[key] = byFirstActivity(underSpan[key]!) { _ in 0 } }
        for key in underLane.keys { underLane[key] = byFirstActivity(underLane[key]!) { _ in 0 } }

        topLevel = top
        self.owner = owner
        self.mainTask = mainTask
        otherTaskCount = otherCount
        nestedUnderSpan = underSpan
        nestedUnderLane = underLane
        foldedTaskCount = folded
    }
}
