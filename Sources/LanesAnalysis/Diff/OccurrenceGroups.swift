/// The spans of each path in begin order: spans ordered by begin with a radix sort, then grouped
/// by path with a stable counting sort.
struct OccurrenceGroups {
    private let starts: [Int32]
    private let spans: [Int32]

    init(paths: [Int32], pathCount: Int, begins: [Int64], origin: Int64) {
        let byBegin = RadixSort.sortedOrder(of: begins.map { UInt64(bitPattern: $0 &- origin) })
        var starts = [Int32](repeating: 0, count: pathCount + 1)
        for path in paths where path >= 0 { starts[Int(path) + 1] += 1 }
        for index in 0..<pathCount { starts[index + 1] += starts[index] }
        var next = starts
        var spans = [Int32](repeating: 0, count: Int(starts[pathCount]))
        for span in byBegin {
            let path = paths[Int(span)]
            guard path >= 0 else { continue }
            spans[Int(next[Int(path)])] = span
            next[Int(path)] += 1
        }
        self.starts = starts
        self.spans = spans
    }

    func spans(ofPath path: Int) -> ArraySlice<Int32> {
        spans[Int(starts[path])..<Int(starts[path + 1])]
    }
}
