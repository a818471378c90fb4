import LanesModel

/// What particular Chrome JSON producers write that changes how their events read:
/// - viztracer's `"viztracer_metadata": {"overflow": true}`: its ring buffer wrapped and the
///   earliest events are gone (the trace says from when on it is whole);
/// - clang `-ftime-trace`'s `Total …` events: totals per step, each written as a span at time 0
///   on a thread of its own, not work that ran then (kept as totals, out of the lanes);
/// - counter events (`ph: "C"`), from any producer: sampled values, kept as counter series.
struct ChromeProducerQuirks {
    /// The producer that said its buffer wrapped (for the warning), if one did.
    var bufferWrappedBy: String?
    /// Counter samples as read: counter name, series key, time (file clock), value.
    var counterSamples: [(name: String, key: String, time: Int64, value: Double)] = []
    /// Totals as read.
    var totals: [ProducerTotal] = []

    /// Reads a member of the top-level trace object that a producer uses for its own metadata;
    /// returns false, reading nothing, for any other key.
    mutating func readTopLevelMember(_ key: JSONReader.RawString, _ reader: inout JSONReader) throws(JSONSyntaxError) -> Bool {
        guard reader.matches(key, "viztracer_metadata") else { return false }
        let metadata = try reader.readValue(depth: 1)
        if metadata["overflow"]?.boolValue == true { bufferWrappedBy = "viztracer" }
        return true
    }

    /// Whether `event` is a clang `-ftime-trace` total: a complete event named `Total …` at
    /// time 0 whose arguments are the count and the average (`"count"`, `"avg ms"`).
    static func isProducerTotal(_ event: ChromeEvent) -> Bool {
        event.timestamp == 0 && event.name.hasPrefix("Total ")
            && event.arguments.contains { $0.key == "count" } && event.arguments.contains { $0.key == "avg ms" }
    }

    mutating func addTotal(_ event: ChromeEvent) {
        let count = event.arguments.last { $0.key == "count" }?.value.numberValue?.int64Value ?? 0
        totals.append(ProducerTotal(name: event.name, nanoseconds: max(0, event.duration), count: Int(clamping: count)))
    }

    /// Adds a counter event's samples: one per numeric argument (an `id` joins the name, as
    /// Chrome's viewer shows it). Returns how many arguments were not numbers.
    mutating func addCounter(_ event: ChromeEvent, at time: Int64) -> Int {
        let name = event.asyncID.map { event.name + " " + $0 } ?? event.name
        var unreadable = 0
        for argument in event.arguments {
            guard let value = argument.value.numberValue?.doubleValue, value.isFinite else {
                unreadable += 1
                continue
            }
            counterSamples.append((name, argument.key, time, value))
        }
        return unreadable
    }
}
