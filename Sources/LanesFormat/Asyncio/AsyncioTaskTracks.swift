import LanesModel

/// The lanes of a viztracer `--log_async` trace that are asyncio tasks, and where each step ran.
///
/// viztracer moves every event recorded while a task's coroutine runs from the loop's thread to
/// a made-up thread for the task (its `tid` is the task's address, its name the task's name).
/// Each top-level slice there is one step, from the resumption of the task's coroutine to its
/// next suspension. A lane is taken for a task when every top-level slice is a Python frame and
/// each lies inside a slice of another thread (the loop's) that records nothing while the step
/// runs, and the loop's slices around the first step include the loop machinery (`run_forever`,
/// `run_until_complete`, `_run_once` or `Handle._run`). A lane that holds the steps of other
/// lanes is a loop's thread, never a task.
struct AsyncioTaskTracks {
    /// One task track: its lane, its steps in time order, and the loop slice around each.
    struct Track {
        var lane: Int
        /// The top-level spans of the lane, in begin order.
        var steps: [Int32]
        /// For each step, the innermost slice of the loop's thread that contains it.
        var containers: [Int32]
    }

    var tracks: [Track] = []
    /// Lanes that hold steps of tasks (the loops' threads).
    var loopLanes = Set<Int>()

    /// Finds the task tracks of `trace`.
    init(trace: Trace, names: inout AsyncioNameCatalog) {
        let laneCount = trace.laneRanges.count
        var roots = [[Int32]](repeating: [], count: laneCount)
        let parents = trace.spanParent
        let tasks = trace.spanTask
        for span in 0..<trace.spanCount where parents[span] < 0 {
            roots[Int(tasks[span])].append(Int32(span))
        }
        // Lanes on a thread, each with a thread of its own: the only places a loop can run.
        var threadLanes: [Int] = []
        for lane in 0..<laneCount where !trace.laneRanges[lane].isEmpty {
            if trace.spanThread[Int(trace.laneRanges[lane].lowerBound)] >= 0 { threadLanes.append(lane) }
        }
        var possibleTasks: [Int] = []
        var otherLanes: [Int] = []
        for lane in threadLanes {
            if !roots[lane].isEmpty, roots[lane].allSatisfy({ names.entry(trace.spanName[Int($0)]).isPythonFrame }) {
                possibleTasks.append(lane)
            } else {
                otherLanes.append(lane)
            }
        }
        // Loops found so far are tried first, then lanes that cannot be tasks, then the rest: a
        // trace has a few loops and thousands of tasks, and trying every lane for every task
        // would be quadratic.
        var searchOrder = otherLanes + possibleTasks
        var candidates: [Track] = []
        for lane in possibleTasks {
            let steps = roots[lane]
            if let containers = Self.containers(of: steps, lane: lane, in: trace, searchOrder: searchOrder, names: &names) {
                candidates.append(Track(lane: lane, steps: steps, containers: containers))
                let loop = Int(trace.spanTask[Int(containers[0])])
                if searchOrder.first != loop {
                    searchOrder.removeAll { $0 == loop }
                    searchOrder.insert(loop, at: 0)
                }
            }
        }
        var loops = Set<Int>()
        for track in candidates {
            for container in track.containers { loops.insert(Int(trace.spanTask[Int(container)])) }
        }
        tracks = candidates.filter { !loops.contains($0.lane) }
        for track in tracks {
            for container in track.containers { loopLanes.insert(Int(trace.spanTask[Int(container)])) }
        }
    }

    /// The loop slice containing each step, or nil when some step has none or the first step's
    /// surroundings show no event loop.
    private static func containers(
        of steps: [Int32], lane: Int, in trace: Trace, searchOrder: [Int], names: inout AsyncioNameCatalog
    ) -> [Int32]? {
        var result: [Int32] = []
        result.reserveCapacity(steps.count)
        var loopLane = -1
        for step in steps {
            if loopLane >= 0, let container = container(of: Int(step), inLane: loopLane, trace) {
                result.append(container)
                continue
            }
            // The first thread, in search order, whose slices hold the step with nothing of their
            // own while it runs (only the loop's thread records nothing during a step).
            var best: Int32 = -1
            for other in searchOrder where other != lane {
                guard let container = container(of: Int(step), inLane: other, trace) else { continue }
                best = container
                break
            }
            guard best >= 0 else { return nil }
            if result.isEmpty, !isInsideEventLoop(best, trace, &names) { return nil }
            loopLane = Int(trace.spanTask[Int(best)])
            result.append(best)
        }
        return result
    }

    /// The innermost span of lane `lane` that contains span `step`, provided no span of that lane
    /// begins or ends while `step` runs (the loop's thread records nothing during a step).
    static func container(of step: Int, inLane lane: Int, _ trace: Trace) -> Int32? {
        let range = trace.laneRanges[lane]
        let low = Int(range.lowerBound)
        let high = Int(range.upperBound)
        let begin = trace.spanBegin[step]
        let end = trace.spanEnd[step]
        let after = trace.spanBegin[low..<high].partitioningIndex { $0 > begin }
        guard after > low else { return nil }
        if after < high, trace.spanBegin[after] < end { return nil }
        var candidate = after - 1
        var depth = 0
        while depth < 100_000 {
            let candidateEnd = trace.spanEnd[candidate]
            if candidateEnd >= end { return Int32(candidate) }
            if candidateEnd > begin { return nil }
            let parent = Int(trace.spanParent[candidate])
            guard parent >= low, parent < high else { return nil }
            candidate = parent
            depth += 1
        }
        return nil
    }

    /// Whether `container` or one of its ancestors is event-loop machinery.
    private static func isInsideEventLoop(_ container: Int32, _ trace: Trace, _ names: inout AsyncioNameCatalog) -> Bool {
        var span = Int(container)
        var depth = 0
        while span >= 0, depth < 100_000 {
            if names.entry(trace.spanName[span]).role != .other { return true }
            span = Int(trace.spanParent[span])
            depth += 1
        }
        return false
    }
}
