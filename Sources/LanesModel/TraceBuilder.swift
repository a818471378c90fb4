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
    /// Ids of `tasks[0..<indexedTaskCount]`; tasks added by `addNewTask` are indexed lazily.
    private var taskIndexByID: [UInt64: Int32] = [:]
    private var indexedTaskCount = 0

    /// One span as added; split into columns by `build()`. One record per span keeps adding
    /// spans to a single append.
    struct SpanRecord {
        var begin: Int64
        var end: Int64
        var name: UInt32
        var parent: Int32
        var task: Int32
        var thread: Int32
        var kind: SpanKind
        var status: SpanStatus
        var flags: SpanFlags
    }
    private var records: [SpanRecord] = []
    private var cpu: [(span: Int32, nanoseconds: Int64)] = []
    private var attributeList: [SpanAttribute] = []
    private var sliceList: [TaskStateSlice] = []

    public init(metadata: TraceMetadata = TraceMetadata()) {
        self.metadata = metadata
    }

    /// The number of spans added so far.
    public var spanCount: Int { records.count }

    /// Reserves room for `count` spans, to avoid regrowing while adding.
    public mutating func reserveSpans(_ count: Int) {
        records.reserveCapacity(max(0, min(count, 1 << 26)))
    }

    /// Reserves room for `count` task-state slices.
    public mutating func reserveSlices(_ count: Int) {
        sliceList.reserveCapacity(max(0, min(count, 1 << 26)))
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
        while indexedTaskCount < tasks.count {
            taskIndexByID[tasks[indexedTaskCount].id] = Int32(indexedTaskCount)
            indexedTaskCount += 1
        }
        if let index = taskIndexByID[id] {
            if !name.isEmpty { tasks[Int(index)].name = name }
            return index
        }
        let index = Int32(tasks.count)
        tasks.append(TaskInfo(id: id, name: name))
        taskIndexByID[id] = index
        indexedTaskCount = tasks.count
        return index
    }

    /// Adds a task the caller knows is new (its own id map said so), skipping the lookup.
    /// Adding an id twice makes two lanes.
    public mutating func addNewTask(id: UInt64, name: String = "") -> Int32 {
        tasks.append(TaskInfo(id: id, name: name))
        return Int32(tasks.count - 1)
    }

    /// Names task `task` (an index).
    public mutating func setName(ofTask task: Int32, to name: String) {
        tasks[Int(task)].name = name
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
        records.append(SpanRecord(
            begin: begin, end: max(begin, end), name: name, parent: parent, task: task, thread: thread,
            kind: kind, status: status, flags: spanFlags))
        return Int32(records.count - 1)
    }

    /// Sets the end time and status of span `span` (for readers that see begin and end apart).
    public mutating func endSpan(_ span: Int32, at end: Int64, status: SpanStatus = .ok) {
        records.withUnsafeMutableBufferPointer { records in
            records[Int(span)].end = max(records[Int(span)].begin, end)
            records[Int(span)].status = status
        }
    }

    /// The task (lane) index of span `span`.
    public func task(ofSpan span: Int32) -> Int32 { records[Int(span)].task }

    /// Moves span `span` to task (lane) `task`.
    public mutating func setTask(of span: Int32, to task: Int32) {
        records[Int(span)].task = task
    }

    /// Sets the parent of span `span`.
    public mutating func setParent(of span: Int32, to parent: Int32) {
        records[Int(span)].parent = parent
    }

    /// Adds flags to span `span`.
    public mutating func addFlags(_ extra: SpanFlags, to span: Int32) {
        records[Int(span)].flags.formUnion(extra)
    }

    /// Records the thread CPU time of span `span`.
    public mutating func setCPUTime(of span: Int32, nanoseconds: Int64) {
        cpu.append((span, nanoseconds))
        records[Int(span)].flags.insert(.hasCPUTime)
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
        let spanCount = records.count
        var tasks = self.tasks
        var records = self.records
        // Every span needs a lane; spans whose task is unknown go to a lane of their own.
        if records.contains(where: { $0.task < 0 || Int($0.task) >= tasks.count }) {
            let orphanLane = Int32(tasks.count)
            tasks.append(TaskInfo(id: UInt64.max, name: "(no task)"))
            for index in records.indices where records[index].task < 0 || Int(records[index].task) >= orphanLane {
                records[index].task = orphanLane
            }
        }
        let columns = SpanColumns(records: records, laneCount: tasks.count)
        let newIndexOfOld = columns.newIndexOfOld

        let spanBegin = columns.begin
        let spanEnd = columns.end
        var spanParent = columns.parent
        for index in 0..<spanCount {
            let parent = spanParent[index]
            spanParent[index] = (parent >= 0 && Int(parent) < spanCount) ? newIndexOfOld[Int(parent)] : -1
        }
        Self.breakParentCycles(&spanParent)
        let spanTask = columns.task

        // Lanes are contiguous: boundaries by counting, and each lane's longest span.
        var laneBoundaries = [Int32](repeating: 0, count: tasks.count + 1)
        for task in spanTask { laneBoundaries[Int(task) + 1] += 1 }
        for lane in 0..<tasks.count { laneBoundaries[lane + 1] += laneBoundaries[lane] }
        var laneLongest = [Int64](repeating: 0, count: tasks.count)
        for span in 0..<spanCount {
            let lane = Int(spanTask[span])
            laneLongest[lane] = max(laneLongest[lane], saturatingDifference(spanEnd[span], spanBegin[span]))
        }
        let laneRanges = IndexRanges(boundaries: laneBoundaries)

        let (childStart, children, roots) = Self.childIndex(parents: spanParent, begins: spanBegin)

        var cpuPairs = cpu.map { (span: newIndexOfOld[Int($0.span)], nanoseconds: $0.nanoseconds) }
        cpuPairs.sort { $0.span < $1.span }
        var attributes = attributeList.map {
            SpanAttribute(span: newIndexOfOld[Int($0.span)], key: $0.key, value: $0.value)
        }
        attributes = attributes.enumerated().sorted {
            ($0.element.span, $0.offset) < ($1.element.span, $1.offset)
        }.map(\.element)

        let (slices, sliceRanges, sortedPosition) = Self.sortSlices(sliceList, taskCount: tasks.count)
        let slicesByThread = Self.slicesByThread(sliceList, sortedPosition: sortedPosition, threadCount: threads.count)

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
            spanBegin: spanBegin, spanEnd: spanEnd, spanName: columns.name, spanParent: spanParent,
            spanTask: spanTask, spanThread: columns.thread, spanKind: columns.kind,
            spanStatus: columns.status, spanFlags: columns.flags,
            laneRanges: laneRanges, laneLongestSpan: laneLongest,
            childStart: childStart, children: children, roots: roots,
            cpuSpans: cpuPairs.map(\.span), cpuNanoseconds: cpuPairs.map(\.nanoseconds),
            attributes: attributes,
            slices: slices, sliceRanges: sliceRanges, slicesByThread: slicesByThread,
            startTime: startTime, endTime: endTime)
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
        for start in parents.indices where state[start] == 0 {
            var node = Int32(start)
            while node >= 0, state[Int(node)] == 0 {
                state[Int(node)] = 1
                node = parents[Int(node)]
            }
            if node >= 0, state[Int(node)] == 1 {
                parents[Int(node)] = -1  // `node` closes a loop: cut it there.
            }
            // Mark the path just walked as settled.
            node = Int32(start)
            while node >= 0, state[Int(node)] == 1 {
                state[Int(node)] = 2
                node = parents[Int(node)]
            }
        }
    }

    /// Slices ordered by (task, started, ended, thread, enqueued), each task's range, and where
    /// each added slice ended up (-1 if its task was invalid): a counting sort by task, then a
    /// sort of any task's run not already in order.
    static func sortSlices(_ list: [TaskStateSlice], taskCount: Int) -> ([TaskStateSlice], IndexRanges, [Int32]) {
        var starts = [Int](repeating: 0, count: taskCount + 1)
        var validCount = 0
        for slice in list where slice.task >= 0 && Int(slice.task) < taskCount {
            starts[Int(slice.task) + 1] += 1
            validCount += 1
        }
        for task in 0..<taskCount { starts[task + 1] += starts[task] }
        var next = starts
        var position = [Int32](repeating: -1, count: list.count)
        var sorted = [TaskStateSlice](unsafeUninitializedCapacity: validCount) { buffer, initialized in
            for (index, slice) in list.enumerated() where slice.task >= 0 && Int(slice.task) < taskCount {
                (buffer.baseAddress! + next[Int(slice.task)]).initialize(to: slice)
                position[index] = Int32(next[Int(slice.task)])
                next[Int(slice.task)] += 1
            }
            initialized = validCount
        }
        func inOrder(_ a: TaskStateSlice, _ b: TaskStateSlice) -> Bool {
            (a.started, a.ended, a.thread, a.enqueued) < (b.started, b.ended, b.thread, b.enqueued)
        }
        let ranges = IndexRanges(boundaries: starts.map { Int32($0) })
        var anySorted = false
        for task in 0..<taskCount {
            let range = starts[task]..<starts[task + 1]
            var ordered = true
            var index = range.lowerBound + 1
            while index < range.upperBound {
                if inOrder(sorted[index], sorted[index - 1]) { ordered = false; break }
                index += 1
            }
            if !ordered {
                sorted[range].sort(by: inOrder)
                anySorted = true
            }
        }
        if anySorted {
            // Positions moved within their task's range: find them again by value.
            var positionsOfSlice: [TaskStateSlice: [Int32]] = [:]
            for (index, slice) in sorted.enumerated() { positionsOfSlice[slice, default: []].append(Int32(index)) }
            for (index, slice) in list.enumerated() where position[index] >= 0 {
                position[index] = positionsOfSlice[slice]!.removeFirst()
            }
        }
        return (sorted, ranges, position)
    }

    /// Sorted slice positions ordered by (thread, started): a counting sort by thread over the
    /// slices in the order they were added (already by time per thread when read from a file).
    static func slicesByThread(_ list: [TaskStateSlice], sortedPosition: [Int32], threadCount: Int) -> [Int32] {
        func bucket(_ thread: Int32) -> Int { thread >= 0 && Int(thread) < threadCount ? Int(thread) + 1 : 0 }
        var starts = [Int](repeating: 0, count: threadCount + 2)
        var validCount = 0
        for (index, slice) in list.enumerated() where sortedPosition[index] >= 0 {
            starts[bucket(slice.thread) + 1] += 1
            validCount += 1
        }
        for thread in 0...threadCount { starts[thread + 1] += starts[thread] }
        var next = starts
        var order = [Int32](repeating: 0, count: validCount)
        var started = [Int64](repeating: 0, count: validCount)
        for (index, slice) in list.enumerated() where sortedPosition[index] >= 0 {
            let bucket = bucket(slice.thread)
            order[next[bucket]] = sortedPosition[index]
            started[next[bucket]] = slice.started
            next[bucket] += 1
        }
        for thread in 0...threadCount {
            let range = starts[thread]..<starts[thread + 1]
            var ordered = true
            var index = range.lowerBound + 1
            while index < range.upperBound {
                if (started[index], order[index]) < (started[index - 1], order[index - 1]) { ordered = false; break }
                index += 1
            }
            if !ordered {
                let pairs = range.map { (started[$0], order[$0]) }.sorted { $0 < $1 }
                for (offset, pair) in pairs.enumerated() { order[range.lowerBound + offset] = pair.1 }
            }
        }
        return order
    }

}

/// The span records split into exact-size columns in lane order, then each lane sorted by
/// (begin, thread, insertion order).
///
/// Records are read once, in the order they were added, and scattered to their lane's next
/// free slot: a file interleaves only the tasks active at one time, so the writes touch few
/// cache lines at once, where gathering by lane would miss the cache on every read. A lane is
/// re-sorted only if it is out of order, which spans read from a file rarely are.
struct SpanColumns {
    var begin: [Int64] = []
    var end: [Int64] = []
    var name: [UInt32] = []
    var parent: [Int32] = []
    var task: [Int32] = []
    var thread: [Int32] = []
    var kind: [SpanKind] = []
    var status: [SpanStatus] = []
    var flags: [SpanFlags] = []
    /// `newIndexOfOld[i]` is the final index of the span added as `i`.
    var newIndexOfOld: [Int32] = []

    init(records: [TraceBuilder.SpanRecord], laneCount: Int) {
        let count = records.count
        var starts = [Int](repeating: 0, count: laneCount + 1)
        for record in records { starts[Int(record.task) + 1] += 1 }
        for lane in 0..<laneCount { starts[lane + 1] += starts[lane] }
        var next = starts
        var position = [Int32](repeating: 0, count: count)
        for index in 0..<count {
            let lane = Int(records[index].task)
            position[index] = Int32(next[lane])
            next[lane] += 1
        }
        // Every slot is written exactly once below (positions are a permutation), so the columns
        // start uninitialised rather than zero-filled.
        func uninitialized<T>(_: T.Type) -> [T] {
            [T](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        }
        begin = uninitialized(Int64.self)
        end = uninitialized(Int64.self)
        name = uninitialized(UInt32.self)
        parent = uninitialized(Int32.self)
        task = uninitialized(Int32.self)
        thread = uninitialized(Int32.self)
        kind = uninitialized(SpanKind.self)
        status = uninitialized(SpanStatus.self)
        flags = uninitialized(SpanFlags.self)
        records.withUnsafeBufferPointer { records in
            position.withUnsafeBufferPointer { position in
                begin.withUnsafeMutableBufferPointer { begin in
                    end.withUnsafeMutableBufferPointer { end in
                        name.withUnsafeMutableBufferPointer { name in
                            parent.withUnsafeMutableBufferPointer { parent in
                                task.withUnsafeMutableBufferPointer { task in
                                    thread.withUnsafeMutableBufferPointer { thread in
                                        kind.withUnsafeMutableBufferPointer { kind in
                                            status.withUnsafeMutableBufferPointer { status in
                                                flags.withUnsafeMutableBufferPointer { flags in
                                                    for index in 0..<count {
                                                        let record = records[index]
                                                        let target = Int(position[index])
                                                        begin[target] = record.begin
                                                        end[target] = record.end
                                                        name[target] = record.name
                                                        parent[target] = record.parent
                                                        task[target] = record.task
                                                        thread[target] = record.thread
                                                        kind[target] = record.kind
                                                        status[target] = record.status
                                                        flags[target] = record.flags
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // The insertion index of each final slot, to break ties and to re-sort lanes.
        var original = [Int32](repeating: 0, count: count)
        for index in 0..<count { original[Int(position[index])] = Int32(index) }
        for lane in 0..<laneCount {
            let range = starts[lane]..<starts[lane + 1]
            var sorted = true
            var slot = range.lowerBound + 1
            while slot < range.upperBound {
                if (begin[slot], thread[slot]) < (begin[slot - 1], thread[slot - 1]) {
                    sorted = false
                    break
                }
                slot += 1
            }
            guard !sorted else { continue }
            let permutation = range.sorted { (begin[$0], thread[$0], original[$0]) < (begin[$1], thread[$1], original[$1]) }
            func reorder<T>(_ column: inout [T]) {
                let values = permutation.map { column[$0] }
                for (offset, slot) in range.enumerated() { column[slot] = values[offset] }
            }
            reorder(&begin)
            reorder(&end)
            reorder(&name)
            reorder(&parent)
            reorder(&task)
            reorder(&thread)
            reorder(&kind)
            reorder(&status)
            reorder(&flags)
            reorder(&original)
            for slot in range { position[Int(original[slot])] = Int32(slot) }
        }
        newIndexOfOld = position
    }
}
