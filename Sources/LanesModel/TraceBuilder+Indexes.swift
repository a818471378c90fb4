/// The indexes `build()` derives from the sorted columns: children lists, parent-loop breaking,
/// slice orders.
extension TraceBuilder {
    /// Children lists in compressed form; a child list not in begin order is sorted.
    ///
    /// Counts children into `start[parent]`, turns the counts into running ends, then places
    /// children walking backwards, decrementing each parent's end: afterwards `start[parent]`
    /// is the first child and every list is in index order, without a second counter array.
    static func childIndex(parents: [Int32], begins: [Int64]) -> (start: [Int32], children: [Int32], roots: [Int32]) {
        let count = parents.count
        var start = [Int32](repeating: 0, count: count + 1)
        var rootCount = 0
        var children: [Int32] = []
        var roots: [Int32] = []
        start.withUnsafeMutableBufferPointer { start in
            parents.withUnsafeBufferPointer { parents in
                for parent in parents {
                    if parent >= 0 { start[Int(parent)] += 1 } else { rootCount += 1 }
                }
                var total: Int32 = 0
                for index in 0..<count {
                    total += start[index]
                    start[index] = total
                }
                start[count] = total
                children = [Int32](count: Int(total)) { children in
                    roots = [Int32](count: rootCount) { roots in
                        var nextRoot = rootCount
                        var index = count - 1
                        while index >= 0 {
                            let parent = parents[index]
                            if parent >= 0 {
                                start[Int(parent)] -= 1
                                children[Int(start[Int(parent)])] = Int32(index)
                            } else {
                                nextRoot -= 1
                                roots[nextRoot] = Int32(index)
                            }
                            index -= 1
                        }
                    }
                }
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
            var sorted = true
            for position in roots.indices.dropFirst() where begins[Int(roots[position])] < begins[Int(roots[position - 1])] {
                sorted = false
                break
            }
            if !sorted { roots.sort { (begins[Int($0)], $0) < (begins[Int($1)], $1) } }
        }
        return (start, children, roots)
    }

    /// Makes any span whose parent chain loops (hostile or damaged input) a root, so every walk
    /// up the tree ends.
    static func breakParentCycles(_ parents: inout [Int32]) {
        // Chains that only ever step to lower indexes cannot loop: the common case costs one scan.
        let descending = parents.withUnsafeBufferPointer { parents in
            var descending = true
            for index in parents.indices where parents[index] >= Int32(truncatingIfNeeded: index) { descending = false; break }
            return descending
        }
        if descending { return }
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
        var sorted = [TaskStateSlice](count: validCount) { buffer in
            for (index, slice) in list.enumerated() where slice.task >= 0 && Int(slice.task) < taskCount {
                (buffer.baseAddress! + next[Int(slice.task)]).initialize(to: slice)
                position[index] = Int32(next[Int(slice.task)])
                next[Int(slice.task)] += 1
            }
        }
        func inOrder(_ a: TaskStateSlice, _ b: TaskStateSlice) -> Bool {
            (a.started, a.ended, a.thread, a.enqueued) < (b.started, b.ended, b.thread, b.enqueued)
        }
        let ranges = IndexRanges(boundaries: starts.map { Int32($0) })
        // Where each slice of a re-sorted run moved: `movedTo[old position]`, filled only for runs
        // that needed sorting (so a file whose slices are in order pays nothing for it).
        var movedTo: [Int32] = []
        for task in 0..<taskCount {
            let range = starts[task]..<starts[task + 1]
            var ordered = true
            var index = range.lowerBound + 1
            while index < range.upperBound {
                if inOrder(sorted[index], sorted[index - 1]) { ordered = false; break }
                index += 1
            }
            guard !ordered else { continue }
            if movedTo.isEmpty { movedTo = Array(0..<Int32(sorted.count)) }
            // Sort positions rather than values, ties by position: each slice's new place is
            // known directly, however many slices are equal.
            var order = Array(range)
            order.sort { inOrder(sorted[$0], sorted[$1]) || (!inOrder(sorted[$1], sorted[$0]) && $0 < $1) }
            let run = Array(sorted[range])
            for (offset, old) in order.enumerated() {
                sorted[range.lowerBound + offset] = run[old - range.lowerBound]
                movedTo[old] = Int32(range.lowerBound + offset)
            }
        }
        if !movedTo.isEmpty {
            for index in position.indices where position[index] >= 0 { position[index] = movedTo[Int(position[index])] }
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
            if !ordered && !insertionSort(&started, &order, range: range, moveBudget: 8 * range.count) {
                let pairs = range.map { (started[$0], order[$0]) }.sorted { $0 < $1 }
                for (offset, pair) in pairs.enumerated() {
                    started[range.lowerBound + offset] = pair.0
                    order[range.lowerBound + offset] = pair.1
                }
            }
        }
        return order
    }

    /// Sorts `range` of the parallel arrays by (started, order) by insertion, which is linear
    /// when slices are nearly in order (one thread's jobs, listed by when they ended). Gives up
    /// and returns false once it has moved `moveBudget` elements, so hostile input falls back to
    /// a full sort instead of taking quadratic time.
    static func insertionSort(_ started: inout [Int64], _ order: inout [Int32], range: Range<Int>, moveBudget: Int) -> Bool {
        var budget = moveBudget
        var index = range.lowerBound + 1
        while index < range.upperBound {
            let key = (started[index], order[index])
            var slot = index
            while slot > range.lowerBound, key < (started[slot - 1], order[slot - 1]) {
                started[slot] = started[slot - 1]
                order[slot] = order[slot - 1]
                slot -= 1
                budget -= 1
                if budget < 0 {
                    // Leave the arrays a permutation of what they were: put the key down here.
                    started[slot] = key.0
                    order[slot] = key.1
                    return false
                }
            }
            started[slot] = key.0
            order[slot] = key.1
            index += 1
        }
        return true
    }
}
