/// Collects spans, slices, threads and tasks in any order and builds an indexed `Trace`.
///
/// Readers and importers add spans as they meet them, referring to parents by the index
/// `addSpan` returned (a parent may be added after its child). `build()` sorts by lane and
/// time, resolves parents and builds the indexes. Building is linear when spans arrive in
/// time order per lane, which is how every writer produces them.
///
/// The per-span methods are inlinable: a reader calls them a million times per million spans,
/// and across the module boundary each call would otherwise cost more than the work it does.
public struct TraceBuilder: Sendable {
    /// Facts about the run; copied into the trace.
    public var metadata: TraceMetadata
    /// The string table the span names, attributes and task names refer to.
    public var strings = StringTable()

    var threads: [ThreadInfo] = []
    private var threadIndexByID: [UInt64: Int32] = [:]
    /// Producer id of each task.
    var taskIDs: [UInt64] = []
    /// Name of each task, an index into `strings` (0: unnamed).
    var taskNames: [UInt32] = []
    /// The task that started each task (an index), or -1 when unknown.
    var taskParents: [Int32] = []
    /// Ids of `taskIDs[0..<indexedTaskCount]`; tasks added by `addNewTask` are indexed lazily.
    private var taskIndexByID: [UInt64: Int32] = [:]
    private var indexedTaskCount = 0

    @usableFromInline var spans = AddedSpans()
    @usableFromInline var cpu: [(span: Int32, nanoseconds: Int64)] = []
    var attributeList: [SpanAttribute] = []
    @usableFromInline var sliceList: [TaskStateSlice] = []
    /// Counter series, by index; samples in the order added (sorted by `build()`).
    var counterList: [CounterSeries] = []
    private var counterIndexByName: [CounterKey: Int] = [:]
    /// Totals the producer reported, in the order added.
    public var totals: [ProducerTotal] = []

    struct CounterKey: Hashable {
        var name: String
        var key: String
    }
    /// The watchdog's samples, stacks, images and symbols.
    var sampling = SamplingBuilder()
    /// OpenTelemetry facts added so far (see `TraceBuilder+Telemetry.swift`).
    var telemetry = TelemetryBuilder()

    public init(metadata: TraceMetadata = TraceMetadata()) {
        self.metadata = metadata
    }

    /// The number of spans added so far.
    @inlinable
    public var spanCount: Int { spans.count }

    /// Reserves room for `count` spans, to avoid regrowing while adding.
    public mutating func reserveSpans(_ count: Int) {
        spans.reserveCapacity(max(0, min(count, 1 << 26)))
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
        while indexedTaskCount < taskIDs.count {
            taskIndexByID[taskIDs[indexedTaskCount]] = Int32(indexedTaskCount)
            indexedTaskCount += 1
        }
        if let index = taskIndexByID[id] {
            if !name.isEmpty { taskNames[Int(index)] = strings.intern(name) }
            return index
        }
        let index = addNewTask(id: id, name: name)
        taskIndexByID[id] = index
        indexedTaskCount = taskIDs.count
        return index
    }

    /// Adds a task the caller knows is new (its own id map said so), skipping the lookup.
    /// Adding an id twice makes two lanes.
    public mutating func addNewTask(id: UInt64, name: String = "") -> Int32 {
        taskIDs.append(id)
        taskNames.append(name.isEmpty ? 0 : strings.intern(name))
        taskParents.append(-1)
        return Int32(taskIDs.count - 1)
    }

    /// Records that task `parent` started task `task` (both indexes); a task is never its own
    /// parent.
    public mutating func setParent(ofTask task: Int32, to parent: Int32) {
        guard task != parent, parent >= -1, Int(parent) < taskParents.count else { return }
        taskParents[Int(task)] = parent
    }

    /// The task that started task `task`, or -1 when not known yet.
    public func parent(ofTask task: Int32) -> Int32 {
        taskParents[Int(task)]
    }

    /// Names task `task` (an index).
    public mutating func setName(ofTask task: Int32, to name: String) {
        taskNames[Int(task)] = name.isEmpty ? 0 : strings.intern(name)
    }

    /// Names task `task` (an index) with string `name`, an index into `strings` (for readers
    /// whose names are interned already).
    public mutating func setName(ofTask task: Int32, toString name: UInt32) {
        taskNames[Int(task)] = name
    }

    /// Adds a span and returns its builder index (valid until `build()`).
    ///
    /// `parent` is a builder index or -1; `task` and `thread` are indexes from `task(id:)` and
    /// `thread(id:)` (`thread` may be -1). An `end` before `begin` is clamped to `begin`.
    @inlinable
    @discardableResult
    public mutating func addSpan(
        name: UInt32, kind: SpanKind, begin: Int64, end: Int64, parent: Int32 = -1,
        task: Int32, thread: Int32 = -1, status: SpanStatus = .ok, flags spanFlags: SpanFlags = []
    ) -> Int32 {
        spans.append(
            begin: begin, end: max(begin, end), name: name, parent: parent, task: task, thread: thread,
            traits: SpanTraits(kind: kind, status: status, flags: spanFlags))
        return Int32(spans.count - 1)
    }

    /// `addSpan` with kind, status and flags already packed, for readers that decode them from
    /// a byte: converting every span's kind to an enum and back costs calls a reader can skip.
    @inlinable @inline(__always)
    @discardableResult
    public mutating func addSpan(
        name: UInt32, traits: SpanTraits, begin: Int64, end: Int64, parent: Int32, task: Int32, thread: Int32
    ) -> Int32 {
        spans.append(begin: begin, end: max(begin, end), name: name, parent: parent, task: task, thread: thread, traits: traits)
        return Int32(spans.count - 1)
    }

    /// Sets the end time and status of span `span` (for readers that see begin and end apart).
    @inlinable @inline(__always)
    public mutating func endSpan(_ span: Int32, at end: Int64, status: SpanStatus = .ok) {
        spans.end(Int(span), at: end, status: status)
    }

    /// The task (lane) index of span `span`.
    @inlinable
    public func task(ofSpan span: Int32) -> Int32 { spans.task(Int(span)) }

    /// Moves span `span` to task (lane) `task`.
    public mutating func setTask(of span: Int32, to task: Int32) {
        spans.setTask(task, of: Int(span))
    }

    /// Renames span `span` (`name` is an index into `strings`): for readers that learn a name
    /// after the span's begin, such as a `.lanes` name written inline.
    public mutating func setName(ofSpan span: Int32, toString name: UInt32) {
        spans.setName(name, of: Int(span))
    }

    /// Sets the parent of span `span`.
    public mutating func setParent(of span: Int32, to parent: Int32) {
        spans.setParent(parent, of: Int(span))
    }

    /// Adds flags to span `span`.
    @inlinable
    public mutating func addFlags(_ extra: SpanFlags, to span: Int32) {
        var traits = spans.traits(Int(span))
        traits.flags.formUnion(extra)
        spans.setTraits(traits, of: Int(span))
    }

    /// Records the thread CPU time of span `span`.
    @inlinable
    public mutating func setCPUTime(of span: Int32, nanoseconds: Int64) {
        cpu.append((span, nanoseconds))
        addFlags(.hasCPUTime, to: span)
    }

    /// Adds a string attribute to span `span`.
    public mutating func addAttribute(to span: Int32, key: String, value: String) {
        attributeList.append(SpanAttribute(span: span, key: strings.intern(key), value: .string(strings.intern(value))))
    }

    /// Adds a string attribute to span `span` whose key and value are indexes into `strings`.
    public mutating func addAttribute(to span: Int32, keyString key: UInt32, valueString value: UInt32) {
        attributeList.append(SpanAttribute(span: span, key: key, value: .string(value)))
    }

    /// Adds an attribute to span `span`: `key` indexes `strings`, `value` comes from `store(_:)`
    /// (or is a string index or scalar the caller stored itself).
    public mutating func addAttribute(to span: Int32, key: UInt32, value: StoredAttributeValue) {
        attributeList.append(SpanAttribute(span: span, key: key, value: value))
    }

    /// Adds a sample of counter `name`'s series `key` (empty for a counter with one series).
    public mutating func addCounterSample(name: String, key: String, time: Int64, value: Double) {
        let counterKey = CounterKey(name: name, key: key)
        let index: Int
        if let existing = counterIndexByName[counterKey] {
            index = existing
        } else {
            index = counterList.count
            counterIndexByName[counterKey] = index
            counterList.append(CounterSeries(name: name, key: key, times: [], values: []))
        }
        counterList[index].times.append(time)
        counterList[index].values.append(value)
    }

    /// Adds a task-state slice (task and thread are indexes from `task(id:)` and `thread(id:)`).
    /// Times out of order are clamped so that enqueued ≤ started ≤ ended.
    @inlinable
    public mutating func addSlice(task: Int32, thread: Int32, enqueued: Int64, started: Int64, ended: Int64) {
        let enqueued = min(enqueued, started)
        sliceList.append(TaskStateSlice(
            task: task, thread: thread, enqueued: enqueued, started: started, ended: max(started, ended)))
    }
}
