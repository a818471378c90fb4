/// Collects spans, slices, threads and tasks in any order and builds an indexed `Trace`.
///
/// Readers and importers add spans as they meet them, referring to parents by the index
/// `addSpan` returned (a parent may be added after its child). `build()` sorts by lane and
/// time, resolves parents and builds the indexes. Building is linear when spans arrive in
/// time order per lane, which is how every writer produces them.
public struct TraceBuilder: Sendable {
    /// Facts about the run; copied into the trace.
    public var metadata: TraceMetadata
    /// The string table the span names and attributes refer to.
    public var strings = StringTable()

    private var threads: [ThreadInfo] = []
    private var threadIndexByID: [UInt64: Int32] = [:]
    private var tasks: [TaskInfo] = []
    private var taskIndexByID: [UInt64: Int32] = [:]

    private var begins: [Int64] = []
    private var ends: [Int64] = []
    private var names: [UInt32] = []
    private var parents: [Int32] = []
    private var spanTasks: [Int32] = []
    private var spanThreads: [Int32] = []
    private var kinds: [SpanKind] = []
    private var statuses: [SpanStatus] = []
    private var flags: [SpanFlags] = []
    private var cpu: [(span: Int32, nanoseconds: Int64)] = []
    private var attributeList: [SpanAttribute] = []
    private var sliceList: [TaskStateSlice] = []

    public init(metadata: TraceMetadata = TraceMetadata()) {
        self.metadata = metadata
    }

    /// The number of spans added so far.
    public var spanCount: Int { begins.count }

    /// Reserves room for `count` spans, to avoid regrowing the columns.
    public mutating func reserveSpans(_ count: Int) {
        let count = max(0, min(count, 1 << 26))
        begins.reserveCapacity(count)
        ends.reserveCapacity(count)
        names.reserveCapacity(count)
        parents.reserveCapacity(count)
        spanTasks.reserveCapacity(count)
        spanThreads.reserveCapacity(count)
        kinds.reserveCapacity(count)
        statuses.reserveCapacity(count)
        flags.reserveCapacity(count)
    }

    /// Interns `string` in the trace's string table.
    public mutating func intern(_ string: String) -> UInt32 { strings.intern(string) }

    /// The index of the thread with producer id `id`, adding it if new. A non-empty `name` or a
    /// true `isExecutor` updates an existing entry.
    @discardableResult
    public mutating func thread(id: UInt64, name: String = "", isExecutor: Bool = false) -> Int32 {
        if let index = threadIndexByID[id] {
            if !name.isEmpty { threads[Int(index)].name = name }
            if isExecutor { threads[Int(index)].isExecutor = true }
            return index
        }
        let index = Int32(threads.count)
        threads.append(ThreadInfo(id: id, name: name, isExecutor: isExecutor))
        threadIndexByID[id] = index
        return index
    }

    /// The index of the task with producer id `id`, adding it if new. A non-empty `name`
    /// updates an existing entry.
    @discardableResult
    public mutating func task(id: UInt64, name: String = "") -> Int32 {
        if let index = taskIndexByID[id] {
            if !name.isEmpty { tasks[Int(index)].name = name }
            return index
        }
        let index = Int32(tasks.count)
        tasks.append(TaskInfo(id: id, name: name))
        taskIndexByID[id] = index
        return index
    }

    /// Adds a span and returns its builder index (valid until `build()`).
    ///
    /// `parent` is a builder index or -1; `task` and `thread` are indexes from `task(id:)` and
    /// `thread(id:)` (`thread` may be -1). An `end` before `begin` is clamped to `begin`.
    @discardableResult
    public mutating func addSpan(
        name: UInt32, kind: SpanKind, begin: Int64, end: Int64, parent: Int32 = -1,
        task: Int32, thread: Int32 = -1, status: SpanStatus = .ok, flags spanFlags: SpanFlags = []
    ) -> Int32 {
        let index = Int32(begins.count)
        begins.append(begin)
        ends.append(max(begin, end))
        names.append(name)
        parents.append(parent)
        spanTasks.append(task)
        spanThreads.append(thread)
        kinds.append(kind)
        statuses.append(status)
        flags.append(spanFlags)
        return index
    }

    /// Sets the end time and status of span `span` (for readers that see begin and end apart).
    public mutating func endSpan(_ span: Int32, at end: Int64, status: SpanStatus = .ok) {
        ends[Int(span)] = max(begins[Int(span)], end)
        statuses[Int(span)] = status
    }

    /// Sets the parent of span `span`.
    public mutating func setParent(of span: Int32, to parent: Int32) {
        parents[Int(span)] = parent
    }

    /// Adds flags to span `span`.
    public mutating func addFlags(_ extra: SpanFlags, to span: Int32) {
        flags[Int(span)].formUnion(extra)
    }

    /// Records the thread CPU time of span `span`.
    public mutating func setCPUTime(of span: Int32, nanoseconds: Int64) {
        cpu.append((span, nanoseconds))
        flags[Int(span)].insert(.hasCPUTime)
    }

    /// Adds an attribute to span `span`.
    public mutating func addAttribute(to span: Int32, key: String, value: String) {
        attributeList.append(SpanAttribute(span: span, key: strings.intern(key), value: strings.intern(value)))
    }

    /// Adds a task-state slice (task and thread are indexes from `task(id:)` and `thread(id:)`).
    /// Times out of order are clamped so that enqueued ≤ started ≤ ended.
    public mutating func addSlice(task: Int32, thread: Int32, enqueued: Int64, started: Int64, ended: Int64) {
        let enqueued = min(enqueued, started)
        sliceList.append(TaskStateSlice(
            task: task, thread: thread, enqueued: enqueued, started: started, ended: max(started, ended)))
    }

    /// Builds the sorted, indexed trace.
    public func build() -> Trace {
        let spanCount = begins.count
        var tasks = self.tasks
        // Every span needs a lane; spans whose task is unknown go to a lane of their own.
        var spanTasks = self.spanTasks
        if spanTasks.contains(where: { $0 < 0 || Int($0) >= tasks.count }) {
            let orphanLane = Int32(tasks.count)
            tasks.append(TaskInfo(id: UInt64.max, name: "(no task)"))
            for index in spanTasks.indices where spanTasks[index] < 0 || Int(spanTasks[index]) >= orphanLane {
                spanTasks[index] = orphanLane
            }
        }
        let order = Self.laneOrder(tasks: spanTasks, begins: begins, threads: spanThreads, laneCount: tasks.count)

        var newIndexOfOld = [Int32](repeating: 0, count: spanCount)
        for (newIndex, oldIndex) in order.enumerated() { newIndexOfOld[Int(oldIndex)] = Int32(newIndex) }

        func gather<T>(_ column: [T]) -> [T] {
            [T](unsafeUninitializedCapacity: spanCount) { buffer, initialized in
                column.withUnsafeBufferPointer { source in
                    for newIndex in 0..<spanCount { (buffer.baseAddress! + newIndex).initialize(to: source[Int(order[newIndex])]) }
                }
                initialized = spanCount
            }
        }
        let spanBegin = gather(begins)
        let spanEnd = gather(ends)
        var spanParent = gather(parents)
        for index in 0..<spanCount {
            let parent = spanParent[index]
            spanParent[index] = (parent >= 0 && Int(parent) < spanCount) ? newIndexOfOld[Int(parent)] : -1
        }
        Self.breakParentCycles(&spanParent)
        let spanTask = gather(spanTasks)

        var laneRanges = [Range<Int32>](repeating: 0..<0, count: tasks.count)
        var laneLongest = [Int64](repeating: 0, count: tasks.count)
        var start = 0
        while start < spanCount {
            let lane = spanTask[start]
            var stop = start
            var longest: Int64 = 0
            while stop < spanCount, spanTask[stop] == lane {
                longest = max(longest, spanEnd[stop] - spanBegin[stop])
                stop += 1
            }
            laneRanges[Int(lane)] = Int32(start)..<Int32(stop)
            laneLongest[Int(lane)] = longest
            start = stop
        }
        for lane in laneRanges.indices where laneRanges[lane].isEmpty {
            let position = Int32(Self.firstIndex(in: spanTask, atLeast: Int32(lane)))
            laneRanges[lane] = position..<position
        }

        let (childStart, children, roots) = Self.childIndex(parents: spanParent, begins: spanBegin)

        var cpuPairs = cpu.map { (span: newIndexOfOld[Int($0.span)], nanoseconds: $0.nanoseconds) }
        cpuPairs.sort { $0.span < $1.span }
        var attributes = attributeList.map {
            SpanAttribute(span: newIndexOfOld[Int($0.span)], key: $0.key, value: $0.value)
        }
        attributes = attributes.enumerated().sorted {
            ($0.element.span, $0.offset) < ($1.element.span, $1.offset)
        }.map(\.element)

        let slices = sliceList.sorted {
            ($0.task, $0.started, $0.ended, $0.thread, $0.enqueued) < ($1.task, $1.started, $1.ended, $1.thread, $1.enqueued)
        }
        var sliceRanges = [Range<Int32>](repeating: 0..<0, count: tasks.count)
        var sliceStart = 0
        while sliceStart < slices.count {
            let lane = slices[sliceStart].task
            var stop = sliceStart
            while stop < slices.count, slices[stop].task == lane { stop += 1 }
            if lane >= 0, Int(lane) < tasks.count { sliceRanges[Int(lane)] = Int32(sliceStart)..<Int32(stop) }
            sliceStart = stop
        }
        let slicesByThread = slices.indices.sorted {
            (slices[$0].thread, slices[$0].started, $0) < (slices[$1].thread, slices[$1].started, $1)
        }.map { Int32($0) }

        var startTime = Int64.max
        var endTime = Int64.min
        for index in 0..<spanCount {
            startTime = min(startTime, spanBegin[index])
            endTime = max(endTime, spanEnd[index])
        }
        for slice in slices {
            startTime = min(startTime, slice.enqueued)
            endTime = max(endTime, slice.ended)
        }
        if startTime > endTime { startTime = 0; endTime = 0 }

        var metadata = self.metadata
        metadata.hasTaskStates = metadata.hasTaskStates || !slices.isEmpty
        return Trace(
            metadata: metadata, strings: strings, threads: threads, tasks: tasks,
            spanBegin: spanBegin, spanEnd: spanEnd, spanName: gather(names), spanParent: spanParent,
            spanTask: spanTask, spanThread: gather(spanThreads), spanKind: gather(kinds),
            spanStatus: gather(statuses), spanFlags: gather(flags),
            laneRanges: laneRanges, laneLongestSpan: laneLongest,
            childStart: childStart, children: children, roots: roots,
            cpuSpans: cpuPairs.map(\.span), cpuNanoseconds: cpuPairs.map(\.nanoseconds),
            attributes: attributes,
            slices: slices, sliceRanges: sliceRanges, slicesByThread: slicesByThread,
            startTime: startTime, endTime: endTime)
    }

    /// Span indices ordered by (lane, begin, thread, insertion order): a counting sort by lane,
    /// then a sort of any lane not already in that order.
    static func laneOrder(tasks: [Int32], begins: [Int64], threads: [Int32], laneCount: Int) -> [Int32] {
        var counts = [Int](repeating: 0, count: laneCount + 1)
        for task in tasks { counts[Int(task) + 1] += 1 }
        for lane in 0..<laneCount { counts[lane + 1] += counts[lane] }
        let laneStarts = counts
        var order = [Int32](repeating: 0, count: tasks.count)
        var next = counts
        for (index, task) in tasks.enumerated() {
            order[next[Int(task)]] = Int32(index)
            next[Int(task)] += 1
        }
        for lane in 0..<laneCount {
            let range = laneStarts[lane]..<laneStarts[lane + 1]
            var sorted = true
            var position = range.lowerBound + 1
            while position < range.upperBound {
                let current = Int(order[position])
                let previous = Int(order[position - 1])
                if begins[current] < begins[previous] || (begins[current] == begins[previous] && threads[current] < threads[previous]) {
                    sorted = false
                    break
                }
                position += 1
            }
            if !sorted {
                order[range].sort { (begins[Int($0)], threads[Int($0)], $0) < (begins[Int($1)], threads[Int($1)], $1) }
            }
        }
        return order
    }

    /// Children lists in compressed form; a child list not in begin order is sorted.
    static func childIndex(parents: [Int32], begins: [Int64]) -> (start: [Int32], children: [Int32], roots: [Int32]) {
        let count = parents.count
        var start = [Int32](repeating: 0, count: count + 1)
        var rootCount = 0
        for parent in parents {
            if parent >= 0 { start[Int(parent) + 1] += 1 } else { rootCount += 1 }
        }
        for index in 0..<count { start[index + 1] += start[index] }
        var next = start
        var children = [Int32](repeating: 0, count: count - rootCount)
        var roots: [Int32] = []
        roots.reserveCapacity(rootCount)
        for index in 0..<count {
            let parent = parents[index]
            if parent >= 0 {
                children[Int(next[Int(parent)])] = Int32(index)
                next[Int(parent)] += 1
            } else {
                roots.append(Int32(index))
            }
        }
        for parent in 0..<count {
            let range = Int(start[parent])..<Int(start[parent + 1])
            guard range.count > 1 else { continue }
            var sorted = true
            for position in range.dropFirst() where begins[Int(children[position])] < begins[Int(children[position - 1])] {
                sorted = false
                break
            }
            if !sorted { children[range].sort { (begins[Int($0)], $0) < (begins[Int($1)], $1) } }
        }
        if roots.count > 1 {
            roots.sort { (begins[Int($0)], $0) < (begins[Int($1)], $1) }
        }
        return (start, children, roots)
    }

    /// Makes any span whose parent chain loops (hostile or damaged input) a root, so every walk
    /// up the tree ends.
    static func breakParentCycles(_ parents: inout [Int32]) {
        // 0 = unvisited, 1 = on the current path, 2 = known to reach a root.
        var state = [UInt8](repeating: 0, count: parents.count)
        var path: [Int32] = []
        for start in parents.indices where state[start] == 0 {
            var node = Int32(start)
            path.removeAll(keepingCapacity: true)
            while node >= 0, state[Int(node)] == 0 {
                state[Int(node)] = 1
                path.append(node)
                node = parents[Int(node)]
            }
            if node >= 0, state[Int(node)] == 1 {
                parents[Int(node)] = -1  // `node` closes a loop: cut it there.
            }
            for visited in path { state[Int(visited)] = 2 }
        }
    }

    static func firstIndex(in sortedLanes: [Int32], atLeast lane: Int32) -> Int {
        sortedLanes.partitioningIndex { $0 >= lane }
    }
}
