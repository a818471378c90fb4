import LanesModel
import Testing
@testable import LanesAnalysis

@Suite("StepSeries")
struct StepSeriesTests {
    @Test("value(at:) is 0 before the first change and holds between changes")
    func valueAt() {
        let series = StepSeries(times: [10, 20, 35], values: [2, 5, 1])
        #expect(series.value(at: 9) == 0)
        #expect(series.value(at: 10) == 2)
        #expect(series.value(at: 19) == 2)
        #expect(series.value(at: 20) == 5)
        #expect(series.value(at: 1_000) == 1)
        #expect(StepSeries.zero.value(at: 5) == 0)
        #expect(StepSeries.zero.maximum(from: 0, to: 100) == 0)
    }

    @Test("maximum(from:to:) agrees with a linear scan on random series and ranges")
    func maximumMatchesScan() {
        var random = SplitMix64(seed: 42)
        for size in [1, 2, 3, 7, 64, 1_000] {
            var times: [Int64] = []
            var time: Int64 = 0
            for _ in 0..<size {
                time += Int64.random(in: 1...10, using: &random)
                times.append(time)
            }
            let values = (0..<size).map { _ in Int32.random(in: 0...50, using: &random) }
            let series = StepSeries(times: times, values: values)
            for _ in 0..<300 {
                let from = Int64.random(in: -5...(time + 5), using: &random)
                let to = from + Int64.random(in: 0...(time / 2 + 2), using: &random)
                var expected = series.value(at: from)
                for index in 0..<size where times[index] > from && times[index] < to {
                    expected = max(expected, values[index])
                }
                #expect(series.maximum(from: from, to: to) == expected, "size \(size) [\(from), \(to))")
            }
        }
    }

    @Test("changing values rebuilds the range maxima")
    func mutationRebuilds() {
        var series = StepSeries(times: [0, 10, 20, 30], values: [1, 2, 3, 4])
        #expect(series.maximum(from: 0, to: 25) == 3)
        series.values = [9, 0, 0, 0]
        #expect(series.maximum(from: 5, to: 25) == 9)
        #expect(series.overallMaximum == 9)
    }
}
