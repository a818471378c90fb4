/// The added spans moved into exact-size columns in lane order, each lane sorted by
/// (begin, thread, insertion order), with the per-lane facts gathered on the way.
///
/// Spans are read in the order they were added and scattered to their lane's next free slot: a
/// file interleaves only the tasks active at one time, so the writes touch few cache lines at
/// once, where gathering by lane would miss the cache on every read. The scatter takes two
/// passes, times first (also recording each lane's longest span, the trace's extent and every
/// span's final position), then the other columns by that position, so each pass writes to
/// fewer places at once (measured about 5% faster for a whole read than one pass). A lane is re-sorted only if it is
/// out of order, which spans read from a file rarely are. Parents are remapped last, once every
/// span's final place is known.
struct SpanColumns {
    var begin: [Int64] = []
    var end: [Int64] = []
    var name: [UInt32] = []
    /// Parent as a final span index, or -1.
    var parent: [Int32] = []
    var task: [Int32] = []
    var thread: [Int32] = []
    var traits: [UInt8] = []
    /// `newIndexOfOld[i]` is the final index of the span added as `i`.
    var newIndexOfOld: [Int32] = []
    /// Each lane's range of final indexes.
    var laneRanges = IndexRanges(boundaries: [0])
    /// `DurationBound` codes of each lane's longest span.
    var laneLongestSpan: [UInt32] = []
    /// The earliest begin (`Int64.max` without spans).
    var earliestBegin = Int64.max
    /// The latest end (`Int64.min` without spans).
    var latestEnd = Int64.min

    /// Columns for `spans`, whose tasks must all be below `laneCount`.
    init(_ spans: AddedSpans, laneCount: Int) {
        let count = spans.count
        var boundaries = [Int32](repeating: 0, count: laneCount + 1)
        boundaries.withUnsafeMutableBufferPointer { boundaries in
            for lane in spans.buffer(spans.storage.task) { boundaries[Int(lane) + 1] += 1 }
            for lane in 0..<laneCount { boundaries[lane + 1] += boundaries[lane] }
        }
        // Every slot is written exactly once below (positions are a permutation), so the columns
        // start uninitialised rather than zero-filled.
        func uninitialized<T>(_: T.Type) -> [T] {
            [T](count: count) { _ in }
        }
        begin = uninitialized(Int64.self)
        end = uninitialized(Int64.self)
        name = uninitialized(UInt32.self)
        task = uninitialized(Int32.self)
        thread = uninitialized(Int32.self)
        traits = uninitialized(UInt8.self)
        var position = uninitialized(Int32.self)
        var longest = [Int64](repeating: 0, count: laneCount)
        var earliest = Int64.max
        var latest = Int64.min
        var next = boundaries
        let storage = spans.storage
        let addedBegin = storage.begin, addedEnd = storage.end, addedName = storage.name
        let addedTask = storage.task, addedThread = storage.thread, addedTraits = storage.traits
        // Two passes, each writing fewer columns: the stores go to (active lanes × columns)
        // places at once, and fewer of them stay in the cache.
        begin.withUnsafeMutableBufferPointer { begin in
        end.withUnsafeMutableBufferPointer { end in
        position.withUnsafeMutableBufferPointer { position in
        next.withUnsafeMutableBufferPointer { next in
        longest.withUnsafeMutableBufferPointer { longest in
            for index in 0..<count {
                let lane = Int(addedTask[index])
                let target = Int(next[lane])
                next[lane] += 1
                position[index] = Int32(target)
                let spanBegin = addedBegin[index]
                let spanEnd = addedEnd[index]
                begin[target] = spanBegin
                end[target] = spanEnd
                longest[lane] = max(longest[lane], saturatingDifference(spanEnd, spanBegin))
                earliest = min(earliest, spanBegin)
                latest = max(latest, spanEnd)
            }
        }}}}}
        name.withUnsafeMutableBufferPointer { name in
        task.withUnsafeMutableBufferPointer { task in
        thread.withUnsafeMutableBufferPointer { thread in
        traits.withUnsafeMutableBufferPointer { traits in
        position.withUnsafeBufferPointer { position in
            for index in 0..<count {
                let target = Int(position[index])
                name[target] = addedName[index]
                task[target] = addedTask[index]
                thread[target] = addedThread[index]
                traits[target] = addedTraits[index]
            }
        }}}}}
        earliestBegin = earliest
        latestEnd = latest
        laneRanges = IndexRanges(boundaries: boundaries)
        laneLongestSpan = longest.map(DurationBound.encode)
        sortLanes(position: &position)
        newIndexOfOld = position
        parent = Self.remapParents(spans.buffer(spans.storage.parent), newIndexOfOld: position)
    }

    /// Sorts any lane not in (begin, thread, insertion order), keeping `position` current.
    private mutating func sortLanes(position: inout [Int32]) {
        // The insertion index of each final slot, to break ties; built when first needed.
        var original: [Int32] = []
        var permutation: [Int] = []
        var scratch64: [Int64] = []
        var scratch32: [UInt32] = []
        var scratchSigned32: [Int32] = []
        var scratch8: [UInt8] = []
        for lane in laneRanges.indices {
            let range = Int(laneRanges[lane].lowerBound)..<Int(laneRanges[lane].upperBound)
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
            if original.isEmpty {
                original = [Int32](repeating: 0, count: position.count)
                for index in position.indices { original[Int(position[index])] = Int32(index) }
            }
            // Many small lanes are out of order in traces whose producer writes a span when it
            // ends (children first, as OpenTelemetry SDKs do): one permutation buffer and one
            // scratch column per type serve them all, and short lanes sort by insertion.
            permutation.removeAll(keepingCapacity: true)
            permutation.append(contentsOf: range)
            do {  // The comparison's copies of the columns end here, before the columns change.
                let precedes = { [begin, thread, original] (a: Int, b: Int) -> Bool in
                    (begin[a], thread[a], original[a]) < (begin[b], thread[b], original[b])
                }
                if range.count <= 16 {
                    for next in 1..<permutation.count {
                        let item = permutation[next]
                        var slot = next
                        while slot > 0 && precedes(item, permutation[slot - 1]) {
                            permutation[slot] = permutation[slot - 1]
                            slot -= 1
                        }
                        permutation[slot] = item
                    }
                } else {
                    permutation.sort(by: precedes)
                }
            }
            func reorder<T>(_ column: inout [T], _ scratch: inout [T]) {
                scratch.removeAll(keepingCapacity: true)
                for slot in permutation { scratch.append(column[slot]) }
                for (offset, slot) in range.enumerated() { column[slot] = scratch[offset] }
            }
            reorder(&begin, &scratch64)
            reorder(&end, &scratch64)
            reorder(&name, &scratch32)
            reorder(&task, &scratchSigned32)
            reorder(&thread, &scratchSigned32)
            reorder(&traits, &scratch8)
            reorder(&original, &scratchSigned32)
            for slot in range { position[Int(original[slot])] = Int32(slot) }
        }
    }

    /// The parent column in final order: `parent[newIndexOfOld[i]]` is the final index of added
    /// span `i`'s parent, or -1 for a root or a parent index out of range.
    private static func remapParents(_ addedParent: UnsafeBufferPointer<Int32>, newIndexOfOld: [Int32]) -> [Int32] {
        let count = addedParent.count
        return [Int32](count: count) { parent in
            newIndexOfOld.withUnsafeBufferPointer { newIndexOfOld in
                for index in 0..<count {
                    let old = addedParent[index]
                    parent[Int(newIndexOfOld[index])] = old >= 0 && Int(old) < count ? newIndexOfOld[Int(old)] : -1
                }
            }
        }
    }
}
