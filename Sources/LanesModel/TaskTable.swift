/// The tasks (lanes) of a trace, by index, stored compactly.
///
/// A busy server trace has a task for every few spans (the benchmark: 202,127 tasks for a
/// million spans), so a 24-byte `TaskInfo` per task is a sixth of the trace's memory. The table
/// keeps ids in 4 bytes when they all fit, names only for the tasks that have one (as indexes
/// into the trace's string table, found by binary search), and builds `TaskInfo` values on access.
public struct TaskTable: RandomAccessCollection, Sendable, Equatable {
    /// Ids when every id fits in 32 bits; empty otherwise.
    private let narrowIDs: [UInt32]
    /// Ids when some id needs 64 bits; empty otherwise.
    private let wideIDs: [UInt64]
    /// The named tasks, ascending.
    private let namedTasks: [Int32]
    /// The name of `namedTasks[k]`, an index into `strings`.
    private let nameIndexes: [UInt32]
    /// The task that started each task (an index, -1 when unknown); empty when no task has one.
    private let parentIndexes: [Int32]
    /// The number of tasks.
    public let count: Int
    /// The string table the names index (shared with the trace; no copy).
    private let strings: StringTable

    /// A table of the tasks with ids `ids`, names `names` (indexes into `strings`) and parents
    /// `parents` (task indexes, -1 when unknown; empty when none is known).
    init(ids: [UInt64], names: [UInt32], parents: [Int32] = [], strings: StringTable) {
        precondition(ids.count == names.count, "one name index per task")
        precondition(parents.isEmpty || parents.count == ids.count, "one parent per task, or none")
        parentIndexes = parents.contains { $0 >= 0 } ? parents.withExactCapacity() : []
        if ids.allSatisfy({ $0 <= UInt64(UInt32.max) }) {
            narrowIDs = ids.map { UInt32($0) }
            wideIDs = []
        } else {
            narrowIDs = []
            wideIDs = ids.withExactCapacity()
        }
        var namedTasks: [Int32] = []
        var nameIndexes: [UInt32] = []
        for (task, name) in names.enumerated() where name != 0 {
            namedTasks.append(Int32(task))
            nameIndexes.append(name)
        }
        self.namedTasks = namedTasks.withExactCapacity()
        self.nameIndexes = nameIndexes.withExactCapacity()
        count = ids.count
        self.strings = strings
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// The task at `task`: its producer id and name.
    public subscript(task: Int) -> TaskInfo {
        TaskInfo(id: id(ofTask: task), name: strings[nameIndex(ofTask: task)])
    }

    /// The id the producer gave task `task`.
    public func id(ofTask task: Int) -> UInt64 {
        wideIDs.isEmpty ? UInt64(narrowIDs[task]) : wideIDs[task]
    }

    /// The name of task `task` as an index into the trace's strings (0 when unnamed).
    public func nameIndex(ofTask task: Int) -> UInt32 {
        let position = namedTasks.partitioningIndex { $0 >= Int32(task) }
        return position < namedTasks.count && namedTasks[position] == Int32(task) ? nameIndexes[position] : 0
    }

    /// The task that started task `task` (the task current where it was created: from job
    /// capture, or from the parent of its first span), or nil when unknown.
    public func parent(ofTask task: Int) -> Int? {
        guard !parentIndexes.isEmpty else { return nil }
        let parent = parentIndexes[task]
        return parent >= 0 ? Int(parent) : nil
    }

    /// Bytes held by the table's arrays (capacities), for `Trace.memoryFootprint`.
    var memoryFootprint: Int {
        narrowIDs.capacity * 4 + wideIDs.capacity * 8 + namedTasks.capacity * 4 + nameIndexes.capacity * 4
            + parentIndexes.capacity * 4
    }

    public static func == (lhs: TaskTable, rhs: TaskTable) -> Bool {
        lhs.elementsEqual(rhs) && (0..<lhs.count).allSatisfy { lhs.parent(ofTask: $0) == rhs.parent(ofTask: $0) }
    }
}

extension Array {
    /// A copy whose capacity is its count, for arrays that grew by appending and are kept.
    func withExactCapacity() -> [Element] {
        guard capacity > count else { return self }
        return [Element](count: count) { buffer in _ = buffer.initialize(fromContentsOf: self) }
    }
}
