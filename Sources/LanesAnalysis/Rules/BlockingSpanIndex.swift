import LanesModel

/// The outermost blocking spans sorted by begin, for finding those inside an interval.
struct BlockingSpanIndex {
    let spans: [Int32]
    let longest: Int64
    let trace: Trace

    init(trace: Trace, structure: SpanStructure) {
        self.trace = trace
        let blocking = structure.outermostBlocking
        let order = RadixSort.sortedOrder(of: blocking.map { UInt64(bitPattern: trace.spanBegin[Int($0)] &- trace.startTime) })
        spans = order.map { blocking[Int($0)] }
        longest = spans.reduce(0) { max($0, trace.spanEnd[Int($1)] &- trace.spanBegin[Int($1)]) }
    }

    /// The outermost blocking spans overlapping `[from, to)`, in begin order.
    func spans(overlapping from: Int64, _ to: Int64) -> [Int32] {
        var index = spans.partitioningIndex { trace.spanBegin[Int($0)] >= from &- longest }
        var result: [Int32] = []
        while index < spans.count, trace.spanBegin[Int(spans[index])] < to {
            if trace.spanEnd[Int(spans[index])] > from { result.append(spans[index]) }
            index += 1
        }
        return result
    }
}
