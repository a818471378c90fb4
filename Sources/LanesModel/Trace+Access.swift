/// Convenience reads over the columns.
extension Trace {
    /// The name of span `span`.
    public func name(ofSpan span: Int) -> String { strings[spanName[span]] }

    /// Wall duration of span `span` in nanoseconds (saturating at `Int64.max` for spans that
    /// hostile input stretched across the whole clock range).
    public func duration(ofSpan span: Int) -> Int64 { saturatingDifference(spanEnd[span], spanBegin[span]) }

    /// The parent of span `span`, or nil for a root.
    public func parent(ofSpan span: Int) -> Int? {
        let parent = spanParent[span]
        return parent < 0 ? nil : Int(parent)
    }

    /// The children of span `span`, in begin order.
    public func children(ofSpan span: Int) -> ArraySlice<Int32> {
        children[Int(childStart[span])..<Int(childStart[span + 1])]
    }

    /// Thread CPU time of span `span` in nanoseconds, if it was recorded.
    public func cpuNanoseconds(ofSpan span: Int) -> Int64? {
        let position = Self.lowerBound(cpuSpans, Int32(span))
        guard position < cpuSpans.count, cpuSpans[position] == Int32(span) else { return nil }
        return cpuNanoseconds[position]
    }

    /// Attributes of span `span`, as (key, value) text in recorded order (typed values shown as
    /// text: see `typedAttributes(ofSpan:)` for the values themselves).
    public func attributes(ofSpan span: Int) -> [(key: String, value: String)] {
        var position = attributes.partitioningIndex { $0.span >= Int32(span) }
        var result: [(key: String, value: String)] = []
        while position < attributes.count, attributes[position].span == Int32(span) {
            result.append((strings[attributes[position].key], text(of: attributes[position].value)))
            position += 1
        }
        return result
    }

    /// The value of attribute `key` on span `span`, if present.
    public func attribute(_ key: String, ofSpan span: Int) -> String? {
        attributes(ofSpan: span).last(where: { $0.key == key })?.value
    }

    /// A readable name for task (lane) `task`.
    public func name(ofTask task: Int) -> String {
        let info = tasks[task]
        return info.name.isEmpty ? "task \(info.id)" : info.name
    }

    /// A readable name for thread `thread`.
    public func name(ofThread thread: Int) -> String {
        guard thread >= 0, thread < threads.count else { return "thread ?" }
        let info = threads[thread]
        return info.name.isEmpty ? "thread \(info.id)" : info.name
    }

    /// The spans of lane `task` that overlap the time window `[from, to)`, in begin order.
    ///
    /// Costs O(log n + k): a binary search bounded by the lane's longest span.
    public func spans(inLane task: Int, overlapping from: Int64, _ to: Int64) -> [Int32] {
        let range = laneRanges[task]
        let lower = saturatingDifference(from, longestSpanBound(inLane: task))
        // An ArraySlice's indexes are those of the whole array: no offset to add.
        var index = spanBegin[Int(range.lowerBound)..<Int(range.upperBound)]
            .partitioningIndex { $0 >= lower }
        var result: [Int32] = []
        while index < Int(range.upperBound), spanBegin[index] < to || (spanBegin[index] == to && from == to) {
            if spanEnd[index] >= from { result.append(Int32(index)) }
            index += 1
        }
        return result
    }

    /// An upper bound on the duration of the longest span in lane `task` (exact below 2.1 s).
    public func longestSpanBound(inLane task: Int) -> Int64 { DurationBound.decode(laneLongestSpan[task]) }

    /// The slices of task `task`, in start order.
    public func slices(ofTask task: Int) -> ArraySlice<TaskStateSlice> {
        slices[Int(sliceRanges[task].lowerBound)..<Int(sliceRanges[task].upperBound)]
    }

    static func lowerBound(_ values: [Int32], _ value: Int32) -> Int {
        values.partitioningIndex { $0 >= value }
    }
}

extension Collection {
    /// The first index whose element satisfies `predicate`, which must be false then true along
    /// the collection (a binary search).
    @inlinable
    public func partitioningIndex(where predicate: (Element) throws -> Bool) rethrows -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if try predicate(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }
}

/// `a - b`, clamped to the `Int64` range instead of trapping.
@inlinable
public func saturatingDifference(_ a: Int64, _ b: Int64) -> Int64 {
    let (difference, overflow) = a.subtractingReportingOverflow(b)
    guard overflow else { return difference }
    return b < 0 ? .max : .min
}
