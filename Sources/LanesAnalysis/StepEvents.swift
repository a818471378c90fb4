/// Building a step series from intervals, each counting one while it lasts.
struct StepEvents {
    /// Events as `(time − origin) << 1 | isIncrease`, so one integer sort orders them by time.
    private var keys: [UInt64] = []
    private let origin: Int64

    init(origin: Int64, expectedCount: Int = 0) {
        self.origin = origin
        keys.reserveCapacity(max(0, expectedCount))
    }

    /// Counts one more from `begin` until `end` (nothing if the interval is empty).
    mutating func addInterval(_ begin: Int64, _ end: Int64) {
        guard end > begin else { return }
        keys.append(UInt64(bitPattern: begin &- origin) &<< 1 | 1)
        keys.append(UInt64(bitPattern: end &- origin) &<< 1)
    }

    /// The series the events add up to.
    consuming func series() -> StepSeries {
        RadixSort.sort(&keys)
        var times: [Int64] = []
        var values: [Int32] = []
        var current: Int32 = 0
        var index = 0
        while index < keys.count {
            let time = keys[index] >> 1
            var delta: Int32 = 0
            while index < keys.count, keys[index] >> 1 == time {
                delta += keys[index] & 1 == 1 ? 1 : -1
                index += 1
            }
            guard delta != 0 else { continue }
            current += delta
            times.append(Int64(bitPattern: time) &+ origin)
            values.append(current)
        }
        return StepSeries(times: times, values: values)
    }
}
