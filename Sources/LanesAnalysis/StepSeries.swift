/// A value that changes at instants and holds in between (piecewise constant), such as the number
/// of executor threads held by blocking work.
///
/// The value is `values[i]` from `times[i]` until `times[i + 1]`, and 0 before `times[0]`.
/// Range maxima come from a precomputed pyramid of block maxima (each level halves the one below),
/// so `maximum(from:to:)` costs O(log n) whatever the range: the viewer asks it once per screen
/// column per frame.
public struct StepSeries: Sendable {
    /// The instants at which the value changes, ascending.
    public var times: [Int64] { didSet { rebuildPyramid() } }
    /// The value from each instant on; same count as `times`.
    public var values: [Int32] { didSet { rebuildPyramid() } }

    /// `pyramid[k][j]` is the maximum of `values[j << (k + 1) ..< (j + 1) << (k + 1)]`.
    private var pyramid: [[Int32]] = []

    /// A series from its change points; `times` must be ascending and as long as `values`
    /// (extra entries of the longer array are ignored).
    public init(times: [Int64], values: [Int32]) {
        let count = min(times.count, values.count)
        self.times = Array(times.prefix(count))
        self.values = Array(values.prefix(count))
        rebuildPyramid()
    }

    /// The series that is 0 everywhere.
    public static var zero: StepSeries { StepSeries(times: [], values: []) }

    /// The value at instant `time`.
    public func value(at time: Int64) -> Int32 {
        let index = lastIndex(atOrBefore: time)
        return index < 0 ? 0 : values[index]
    }

    /// The largest value taken anywhere in `[from, to)`; the value at `from` when the range is empty.
    public func maximum(from: Int64, to: Int64) -> Int32 {
        let first = lastIndex(atOrBefore: from)
        guard to > from else { return first < 0 ? 0 : values[first] }
        let last = lastIndex(before: to)
        var result: Int32 = first < 0 ? 0 : Int32.min
        let low = max(first, 0)
        if last >= low { result = max(result, rangeMaximum(low, last)) }
        return result == Int32.min ? 0 : result
    }

    /// The largest value in the whole series (0 for an empty one).
    public var overallMaximum: Int32 { values.isEmpty ? 0 : max(0, rangeMaximum(0, values.count - 1)) }

    /// Maximum of `values[low...high]` from the pyramid.
    private func rangeMaximum(_ low: Int, _ high: Int) -> Int32 {
        var result = Int32.min
        var low = low
        var high = high
        // Level -1 is `values` itself; level k is `pyramid[k]`.
        var level = -1
        while low <= high {
            let row: [Int32] = level < 0 ? values : pyramid[level]
            if low & 1 == 1 { result = max(result, row[low]); low += 1 }
            if high & 1 == 0 { result = max(result, row[high]); high -= 1 }
            if low > high { break }
            low >>= 1
            high >>= 1
            level += 1
            if level >= pyramid.count {
                // Only reachable when low == high == 0 at the top.
                let top: [Int32] = pyramid.isEmpty ? values : pyramid[pyramid.count - 1]
                for index in low...high { result = max(result, top[index]) }
                break
            }
        }
        return result
    }

    private mutating func rebuildPyramid() {
        var levels: [[Int32]] = []
        var below = values
        while below.count > 1 {
            let count = (below.count + 1) / 2
            var row = [Int32](repeating: 0, count: count)
            for index in 0..<count {
                let left = below[2 * index]
                row[index] = 2 * index + 1 < below.count ? max(left, below[2 * index + 1]) : left
            }
            levels.append(row)
            below = row
        }
        pyramid = levels
    }

    /// The last index whose time is ≤ `time`, or -1.
    private func lastIndex(atOrBefore time: Int64) -> Int {
        times.partitioningIndex { $0 > time } - 1
    }

    /// The last index whose time is < `time`, or -1.
    private func lastIndex(before time: Int64) -> Int {
        times.partitioningIndex { $0 >= time } - 1
    }
}
