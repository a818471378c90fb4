/// A recording's string table: file-wide ids, 0 the empty string; new strings wait in `pending`
/// until the writer defines them (always before the chunks that use them).
///
/// The table is bounded: it holds at most `limit` bytes of text plus a per-string overhead.
/// Once full, a new string gets no id and the caller writes it inline in the event that uses
/// it (`Traces/FORMAT.md` §4.6, extensions `A0` and `A1`), so a server that labels every request
/// with a new id keeps a table of bounded size, and loses nothing. Values (attribute values,
/// labels, error messages) may fill only half of it: names and keys, which repeat, keep room.
/// Ids are never reused, so a reader never has to know when a string changed meaning.
struct StringInterning {
    private var ids: [String: UInt32] = ["": 0]
    private var pending: [String] = []
    private var firstPendingID: UInt32 = 1
    /// Bytes the table may take, and takes now (text plus `overhead` per string).
    let limit: Int
    private(set) var bytes = 0
    /// What one entry costs beyond its text: the dictionary slot, the string's header and the
    /// copy the writer keeps until it defines the string.
    static let overhead = 64

    init(limit: Int) {
        self.limit = limit
    }

    /// The id of `string`, interning it if there is room; nil when it must be written inline.
    mutating func id(of string: String, isValue: Bool) -> UInt32? {
        if let id = ids[string] { return id }
        let cost = string.utf8.count + StringInterning.overhead
        guard bytes + cost <= (isValue ? limit / 2 : limit) else { return nil }
        bytes += cost
        let id = firstPendingID + UInt32(pending.count)
        ids[string] = id
        pending.append(string)
        return id
    }

    /// The strings interned since the last call, with the id of the first.
    mutating func takePending() -> (firstID: UInt32, strings: [String]) {
        let taken = (firstPendingID, pending)
        firstPendingID += UInt32(pending.count)
        pending.removeAll(keepingCapacity: true)
        return taken
    }

    /// Frees the table once the recording has stopped: a finished recording keeps no strings.
    mutating func release() {
        ids = [:]
        pending = []
        bytes = 0
    }
}

extension FlightTriggerSet {
    /// The rules of `triggers`, their span names interned now (so a matching span's name id is
    /// known when it ends).
    init?(_ triggers: [Lanes.FlightTrigger], interning: inout StringInterning) {
        guard !triggers.isEmpty else { return nil }
        var slowSpans: [SlowSpan] = []
        var blocking: Lanes.FlightTrigger?
        for trigger in triggers {
            switch trigger {
            case .slowSpan(let name, _):
                if let id = interning.id(of: name, isValue: false) {
                    slowSpans.append(SlowSpan(nameID: id, threshold: trigger.thresholdNanoseconds, trigger: trigger))
                }
            case .blocking:
                if blocking == nil || trigger.thresholdNanoseconds < blocking!.thresholdNanoseconds { blocking = trigger }
            }
        }
        self.init(
            slowSpans: slowSpans, blockingThreshold: blocking?.thresholdNanoseconds ?? .max, blockingTrigger: blocking)
    }
}
