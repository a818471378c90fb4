import LanesAnalysis
import LanesModel

/// A counter series (memory, queue length, …) prepared for drawing as a strip under the
/// timeline: its values scaled onto a fixed range and kept as a step series, so the renderer
/// finds the largest value under each screen column in O(log n), however many samples there are.
public struct CounterStrip: Sendable {
    /// What the strip shows: the counter's name and series (raw; sanitised when drawn).
    public let label: String
    /// The strip's floor and ceiling (the series' range, stretched to include 0).
    public let floor: Double
    /// See `floor`.
    public let ceiling: Double
    /// Values scaled to `0 ... resolution`, plus 1 (0 means "before the first sample").
    let scaled: StepSeries

    /// Steps between `floor` and `ceiling` the scaled values keep.
    static let resolution: Double = 1_048_576

    public init(_ series: CounterSeries) {
        label = series.label
        let range = series.valueRange ?? 0...0
        let floor = min(0, range.lowerBound)
        let ceiling = max(0, range.upperBound)
        self.floor = floor
        self.ceiling = ceiling
        let span = ceiling - floor
        let values = series.values.map { value -> Int32 in
            guard value.isFinite, span > 0 else { return 1 }
            return Int32(((value - floor) / span * Self.resolution).rounded()) + 1
        }
        scaled = StepSeries(times: series.times, values: values)
    }

    /// The strip's level over `[from, to)`, from 0 (nothing sampled, or at the floor) to
    /// `levels`: the largest value there, as a share of the strip's height, rounded up.
    func level(from: Int64, to: Int64, levels: Int) -> Int {
        let value = scaled.maximum(from: from, to: to)
        guard value > 1 else { return 0 }
        let share = Double(value - 1) / Self.resolution
        return max(1, min(levels, Int((share * Double(levels)).rounded(.up))))
    }
}
