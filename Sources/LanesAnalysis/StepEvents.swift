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
        let origin = origin
        return keys.withUnsafeBufferPointer { sorted in
            // First count the instants at which the value changes, so that the two columns are
            // allocated once at their final size (a server trace has millions of them).
            var changes = 0
            Self.forEachChange(sorted) { _, _ in changes += 1 }
            var values = [Int32](repeating: 0, count: changes)
            let times = [Int64](unsafeUninitializedCapacity: changes) { times, initialized in
                values.withUnsafeMutableBufferPointer { values in
                    var current: Int32 = 0
                    var index = 0
                    Self.forEachChange(sorted) { time, delta in
                        current &+= delta
                        times[index] = Int64(bitPattern: time) &+ origin
                        values[index] = current
                        index += 1
                    }
                }
                initialized = changes
            }
            return StepSeries(times: times, values: values)
        }
    }

    /// Calls `body` with each instant (as an offset from the origin) at which the sorted events
    /// change the value, and by how much; instants whose events cancel out are skipped.
    @inline(__always)
    private static func forEachChange(_ sorted: UnsafeBufferPointer<UInt64>, _ body: (UInt64, Int32) -> Void) {
        var index = 0
        let count = sorted.count
        while index < count {
            let time = sorted[index] >> 1
            var delta: Int32 = 0
            while index < count, sorted[index] >> 1 == time {
                delta &+= sorted[index] & 1 == 1 ? 1 : -1
                index += 1
            }
            if delta != 0 { body(time, delta) }
        }
    }
}
