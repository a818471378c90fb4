/// Two traces are equal when they say the same thing: the same spans with the same names,
/// times, parents, kinds, tasks and threads, the same slices, attributes, CPU times, counters and totals. String
/// indexes may differ (a round trip through a file may intern in another order).
extension Trace: Equatable {
    public static func == (lhs: Trace, rhs: Trace) -> Bool {
        guard lhs.spanCount == rhs.spanCount,
              lhs.threads == rhs.threads,
              lhs.tasks == rhs.tasks,
              lhs.spanBegin == rhs.spanBegin,
              lhs.spanEnd == rhs.spanEnd,
              lhs.spanParent == rhs.spanParent,
              lhs.spanTask == rhs.spanTask,
              lhs.spanThread == rhs.spanThread,
              lhs.spanTraits == rhs.spanTraits,
              lhs.cpuSpans == rhs.cpuSpans,
              lhs.cpuNanoseconds == rhs.cpuNanoseconds,
              lhs.slices == rhs.slices,
              lhs.sampling == rhs.sampling,
              lhs.attributes.count == rhs.attributes.count,
              lhs.counters == rhs.counters,
              lhs.totals == rhs.totals
        else { return false }
        for index in 0..<lhs.spanCount where lhs.name(ofSpan: index) != rhs.name(ofSpan: index) {
            return false
        }
        for (left, right) in zip(lhs.attributes, rhs.attributes) {
            guard left.span == right.span,
                  lhs.strings[left.key] == rhs.strings[right.key],
                  lhs.strings[left.value] == rhs.strings[right.value]
            else { return false }
        }
        return true
    }
}
