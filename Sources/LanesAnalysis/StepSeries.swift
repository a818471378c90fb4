/// A value that changes at instants and holds in between (piecewise constant), such as the number
/// of executor threads held by blocking work.
///
/// The value is `values[i]` from `times[i]` until `times[i + 1]`, and 0 before `times[0]`.
/// Range maxima come from a precomputed pyramid of block maxima (the first level has one maximum
/// per 16 values, each level above halves the one below), so `maximum(from:to:)` costs O(log n)
/// plus at most 30 values scanned at the ends, whatever the range: the viewer asks it once per
/// screen column per frame. Blocks of 16 keep the pyramid at an eighth of `values`' size (a
/// server trace's concurrency series has a change for every request).
public struct StepSeries: Sendable {
    /// The instants at which the value changes, ascending.
    public var times: [Int64] { didSet { rebuildPyramid() } }
    /// The value from each instant on; same count as `times`.
    public var values: [Int32] { didSet { rebuildPyramid() } }

    /// `pyramid[0][j]` is the maximum of `values[j * blockSize ..< (j + 1) * blockSize]`;
    /// `pyramid[k][j]` the maximum of `pyramid[k - 1][2j ..< 2j + 2]`.
    private var pyramid: [[Int32]] = []
    /// Values per block of the pyramid's first level.
    private static let blockSize = 16

    /// A series from its change points; `times` must be ascending and as long as `values`
    /// (extra entries of the longer array are ignored).
    public init(times: [Int64], values: [Int32]) {
        let count = min(times.count, values.count)
        // Equal counts (every series the analysis builds) are kept as given, not copied.
        self.times = times.count == count ? times : Array(times.prefix(count))
        self.values = values.count == count ? values : Array(values.prefix(count))
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

    /// Maximum of `values[low...high]`: the values outside whole blocks one by one, the whole
    /// blocks from the pyramid.
    private func rangeMaximum(_ low: Int, _ high: Int) -> Int32 {
        let size = Self.blockSize
        let firstBlock = (low + size - 1) / size
        let lastBlock = (high + 1) / size - 1
        var result = Int32.min
        guard firstBlock <= lastBlock else {
            for index in low...high { result = max(result, values[index]) }
            return result
        }
        for index in low..<(firstBlock * size) { result = max(result, values[index]) }
        for index in ((lastBlock + 1) * size)..<(high + 1) { result = max(result, values[index]) }
        return max(result, blockMaximum(firstBlock, lastBlock))
    }

    /// Maximum of the blocks `low...high` (indexes into `pyramid[0]`).
    private func blockMaximum(_ low: Int, _ high: Int) -> Int32 {
        var result = Int32.min
        var low = low
        var high = high
        var level = 0
        while low <= high {
            let row = pyramid[level]
            if low & 1 == 1 { result = max(result, row[low]); low += 1 }
            if high & 1 == 0 { result = max(result, row[high]); high -= 1 }
            if low > high { break }
            low >>= 1
            high >>= 1
            level += 1
            if level >= pyramid.count {
                // Only reachable when low == high == 0 at the top.
                let top = pyramid[pyramid.count - 1]
                for index in low...high { result = max(result, top[index]) }
                break
            }
        }
        return result
    }

    private mutating func rebuildPyramid() {
        let size = Self.blockSize
        guard values.count >= size else {
            pyramid = []
            return
        }
        let blockCount = values.count / size
        var blocks = [Int32](repeating: 0, count: blockCount)
        for block in 0..<blockCount {
            var maximum = Int32.min
            for index in (block * size)..<((block + 1) * size) { maximum = max(maximum, values[index]) }
            blocks[block] = maximum
        }
        var levels: [[Int32]] = [blocks]
        var below = blocks
        while below.count > 1 {
            let count = below.count / 2
            var row = [Int32](repeating: 0, count: count)
            for index in 0..<count { row[index] = max(below[2 * index], below[2 * index + 1]) }
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
