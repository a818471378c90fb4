import LanesModel

/// When each row's tasks ran on a thread and when they waited for one, asked once per cell.
///
/// A task's jobs do not overlap and come sorted, so for most lanes the answer is a binary search
/// in the trace's own slices: no copy, which matters with hundreds of thousands of tasks. Lanes
/// into which other tasks fold (and "other tasks") get merged interval tables, as do lanes whose
/// jobs overlap (damaged or hostile input), where a binary search over the slices could miss one.
struct LaneStates: Sendable {
    /// Merged-table key of each lane that has one; lanes not here are answered from the slices.
    private let mergedKey: [Int32: Int32]
    /// Running intervals of the merged rows.
    private let running: IntervalTable
    /// Queued intervals (enqueued until started) of the merged rows.
    private let queued: IntervalTable

    init(trace: Trace, rows: TaskRows) {
        var members: [Int32: [Int32]] = [:]  // merged row → lanes whose jobs it shows
        for lane in 0..<trace.tasks.count where !trace.sliceRanges[lane].isEmpty {
            let owner = rows.owner[lane]
            if owner != Int32(lane) {
                members[owner, default: []].append(Int32(lane))
            } else if rows.foldedTaskCount[owner] != nil || !Self.isOrdered(trace.slices(ofTask: lane)) {
                members[owner, default: []].append(Int32(lane))
            }
        }
        for owner in rows.foldedTaskCount.keys where owner >= 0 && !(members[owner]?.contains(owner) ?? false) {
            members[owner, default: []].append(owner)
        }
        var key: [Int32: Int32] = [:]
        var running = IntervalTable()
        var queued = IntervalTable()
        var runningBuffer: [(begin: Int64, end: Int64)] = []
        var queuedBuffer: [(begin: Int64, end: Int64)] = []
        for (owner, lanes) in members.sorted(by: { $0.key < $1.key }) {
            runningBuffer.removeAll(keepingCapacity: true)
            queuedBuffer.removeAll(keepingCapacity: true)
            for lane in lanes {
                for slice in trace.slices(ofTask: Int(lane)) {
                    runningBuffer.append((slice.started, slice.ended))
                    if slice.started > slice.enqueued { queuedBuffer.append((slice.enqueued, slice.started)) }
                }
            }
            key[owner] = Int32(running.keyCount)
            running.appendKey(&runningBuffer)
            queued.appendKey(&queuedBuffer)
        }
        mergedKey = key
        self.running = running
        self.queued = queued
    }

    /// Whether the jobs are in order and apart: each starts after the previous one ended, and
    /// was enqueued no earlier than the previous one.
    static func isOrdered(_ slices: ArraySlice<TaskStateSlice>) -> Bool {
        var previous: TaskStateSlice?
        for slice in slices {
            if let previous, slice.started < previous.ended || slice.enqueued < previous.enqueued { return false }
            previous = slice
        }
        return true
    }

    /// Whether a job of row `lane` (a lane, or `TaskRows.otherTasks`) ran during `[from, to)`.
    @inline(__always)
    func isRunning(_ lane: Int32, from: Int64, to: Int64, in trace: Trace) -> Bool {
        if let key = mergedKey[lane] { return running.overlaps(key: Int(key), from: from, to: to) }
        guard lane >= 0 else { return false }
        let range = trace.sliceRanges[Int(lane)]
        guard !range.isEmpty else { return false }
        let slices = trace.slices
        // The first job that ends after `from` (ends ascend), then whether it starts before `to`.
        let index = slices[Int(range.lowerBound)..<Int(range.upperBound)].partitioningIndex { $0.ended > from || ($0.ended == from && $0.started == from) }
        guard index < Int(range.upperBound) else { return false }
        let slice = slices[index]
        return from == to ? slice.started <= from : slice.started < to
    }

    /// Whether a job of row `lane` waited for a thread during `[from, to)`.
    @inline(__always)
    func isQueued(_ lane: Int32, from: Int64, to: Int64, in trace: Trace) -> Bool {
        if let key = mergedKey[lane] { return queued.overlaps(key: Int(key), from: from, to: to) }
        guard lane >= 0 else { return false }
        let range = trace.sliceRanges[Int(lane)]
        guard !range.isEmpty else { return false }
        let slices = trace.slices
        let index = slices[Int(range.lowerBound)..<Int(range.upperBound)].partitioningIndex { $0.started > from }
        guard index < Int(range.upperBound) else { return false }
        let slice = slices[index]
        return slice.enqueued < slice.started && (from == to ? slice.enqueued <= from : slice.enqueued < to)
    }

    /// Whether row `lane` has any jobs at all.
    func hasJobs(_ lane: Int32, in trace: Trace) -> Bool {
        if let key = mergedKey[lane] { return running.start[Int(key) + 1] > running.start[Int(key)] }
        return lane >= 0 && !trace.sliceRanges[Int(lane)].isEmpty
    }
}
