/// Disjoint, sorted time intervals for each of many keys (lanes or threads), in one flat store.
///
/// The renderer asks "is anything of this kind active in lane L during [t0, t1)?" once per cell;
/// with merged, sorted intervals that is one binary search, so a frame costs the same for ten
/// spans or ten million. Keys share two flat columns (compressed rows), so a million lanes do
/// not cost a million arrays.
public struct IntervalTable: Sendable {
    /// Interval begins, grouped by key, ascending within a key.
    public private(set) var begins: [Int64] = []
    /// Interval ends (exclusive), matching `begins`; within a key, ends ascend too.
    public private(set) var ends: [Int64] = []
    /// The intervals of key `k` are `start[k] ..< start[k + 1]`.
    public private(set) var start: [Int32] = [0]

    public init() {}

    /// The number of keys.
    public var keyCount: Int { start.count - 1 }

    /// Appends the next key's intervals, which need not be sorted or disjoint; zero-length
    /// intervals are kept (as instants) unless they fall inside another interval.
    public mutating func appendKey(_ intervals: inout [(begin: Int64, end: Int64)]) {
        var sorted = true
        var index = 1
        while index < intervals.count {
            if intervals[index].begin < intervals[index - 1].begin { sorted = false; break }
            index += 1
        }
        if !sorted { intervals.sort { $0.begin < $1.begin } }
        var currentBegin = Int64.min
        var currentEnd = Int64.min
        var open = false
        for interval in intervals {
            // Touching intervals merge, except that an instant at the end of an interval stays
            // separate (the interval's end is exclusive, so it would be lost).
            let touchingInstant = interval.begin == currentEnd && interval.begin == interval.end && currentBegin < currentEnd
            if open, interval.begin <= currentEnd, !touchingInstant {
                currentEnd = max(currentEnd, interval.end)
            } else {
                if open { begins.append(currentBegin); ends.append(currentEnd) }
                currentBegin = interval.begin
                currentEnd = interval.end
                open = true
            }
        }
        if open { begins.append(currentBegin); ends.append(currentEnd) }
        start.append(Int32(begins.count))
    }

    /// Whether key `key` has an interval that meets `[from, to)`; an instant (begin == end)
    /// meets the window when it lies in it, and a window with `from == to` asks about one instant.
    @inline(__always)
    public func overlaps(key: Int, from: Int64, to: Int64) -> Bool {
        guard key >= 0, key < keyCount else { return false }
        let lower = Int(start[key])
        let upper = Int(start[key + 1])
        guard lower < upper else { return false }
        // The first interval whose end is at or after `from`.
        var low = lower
        var count = upper - lower
        ends.withUnsafeBufferPointer { ends in
            while count > 0 {
                let half = count / 2
                if ends[low + half] < from {
                    low += half + 1
                    count -= half + 1
                } else {
                    count = half
                }
            }
        }
        let instantWindow = from == to
        while low < upper {
            let begin = begins[low]
            let end = ends[low]
            if begin == end {
                if instantWindow ? begin == from : (begin >= from && begin < to) { return true }
            } else if end > from {
                if instantWindow ? begin <= from : begin < to { return true }
            }
            // Later intervals begin later still.
            if instantWindow ? begin > from : begin >= to { return false }
            low += 1
        }
        return false
    }

    /// The total length of key `key`'s intervals.
    public func totalLength(key: Int) -> Int64 {
        guard key >= 0, key < keyCount else { return 0 }
        var total: Int64 = 0
        for index in Int(start[key])..<Int(start[key + 1]) { total &+= ends[index] &- begins[index] }
        return total
    }
}
