/// The running integral of a `StepSeries` (value × time), so that the area under any interval
/// costs two binary searches: e.g. how many job-nanoseconds ready jobs waited while a blocking
/// call held its thread.
struct StepIntegral: Sendable {
    private let series: StepSeries
    /// `before[i]` is the area from `times[0]` to `times[i]`.
    private let before: [Int64]

    init(_ series: StepSeries) {
        self.series = series
        var before = [Int64](repeating: 0, count: series.times.count)
        var total: Int64 = 0
        for index in series.times.indices.dropFirst() {
            total &+= Int64(series.values[index - 1]) &* (series.times[index] &- series.times[index - 1])
            before[index] = total
        }
        self.before = before
    }

    /// The area under the series over `[from, to)`.
    func area(from: Int64, to: Int64) -> Int64 {
        guard to > from else { return 0 }
        return cumulative(at: to) &- cumulative(at: from)
    }

    /// The area from the series' first change to `time`.
    private func cumulative(at time: Int64) -> Int64 {
        let times = series.times
        let index = times.partitioningIndex { $0 > time } - 1
        guard index >= 0 else { return 0 }
        return before[index] &+ Int64(series.values[index]) &* (time &- times[index])
    }
}
