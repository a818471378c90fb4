/// A value sampled over time (Chrome counter events, `ph: "C"`): memory in use, queue length,
/// a progress count. The value holds from each sample's time until the next sample.
public struct CounterSeries: Sendable, Equatable {
    /// The counter's name as the producer gave it (`"memory"`).
    public var name: String
    /// The series within the counter, one per argument key (`"heap"`); empty when the counter has one.
    public var key: String
    /// Sample times, ascending (nanoseconds, on the trace's clock).
    public var times: [Int64]
    /// The value at each time.
    public var values: [Double]

    public init(name: String, key: String, times: [Int64], values: [Double]) {
        self.name = name
        self.key = key
        self.times = times
        self.values = values
    }

    /// `name`, or `name key` when the counter has several series.
    public var label: String { key.isEmpty ? name : name + " " + key }

    /// The smallest and largest value, or nil for an empty series.
    public var valueRange: ClosedRange<Double>? {
        guard var low = values.first, var high = values.first else { return nil }
        for value in values where value.isFinite {
            low = Swift.min(low, value)
            high = Swift.max(high, value)
        }
        return low.isFinite && high.isFinite ? low...high : nil
    }
}

/// A total the producer computed and reported as a span of its own, rather than something that
/// ran at that time: clang `-ftime-trace`'s `Total Frontend` events (each at time 0 on a thread
/// of its own). Kept apart from the spans so they are neither drawn as lanes nor counted as overlap.
public struct ProducerTotal: Sendable, Equatable {
    /// The name as written (`"Total Frontend"`).
    public var name: String
    /// The total time.
    public var nanoseconds: Int64
    /// How many times the totalled step ran, as the producer counted (0 if not said).
    public var count: Int

    public init(name: String, nanoseconds: Int64, count: Int) {
        self.name = name
        self.nanoseconds = nanoseconds
        self.count = count
    }
}
