import LanesModel

/// Finds spans by (trace id, span id): the index of the first span added with each pair.
///
/// An open-addressing table sized once for all the spans, probed linearly, with a hash of the
/// ids seeded per table: span ids are random already, and the seed keeps input that was made to
/// collide from colliding here. A dictionary did the same at a quarter of an OTLP import's time
/// (its hasher is built and finalised for every lookup).
struct SpanIDTable {
    private var slots: [Int32]
    private let mask: Int
    private let seed = UInt64.random(in: 1...UInt64.max)
    /// The ids of each added span, by index (the table stores only indexes).
    private let traces: [TraceID]
    private let spanIDs: [UInt64]

    /// A table of the spans whose ids are `traces[i]`, `spanIDs[i]`.
    init(traces: [TraceID], spanIDs: [UInt64]) {
        var capacity = 16
        while capacity < 2 * spanIDs.count { capacity *= 2 }
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        self.traces = traces
        self.spanIDs = spanIDs
        for index in spanIDs.indices { insert(Int32(index)) }
    }

    @inline(__always)
    private func slot(of trace: TraceID, _ span: UInt64) -> Int {
        Int(truncatingIfNeeded: SplitMix64.mix(span ^ seed ^ (trace.low &* 0x9E37_79B9_7F4A_7C15) ^ trace.high)) & mask
    }

    private mutating func insert(_ index: Int32) {
        let trace = traces[Int(index)]
        let span = spanIDs[Int(index)]
        var slot = slot(of: trace, span)
        while slots[slot] >= 0 {
            let other = Int(slots[slot])
            if spanIDs[other] == span && traces[other] == trace { return }  // The first one stays.
            slot = (slot + 1) & mask
        }
        slots[slot] = index
    }

    /// The index of the first span with these ids, if any.
    @inline(__always)
    func index(of trace: TraceID, _ span: UInt64) -> Int32? {
        var slot = slot(of: trace, span)
        while slots[slot] >= 0 {
            let other = Int(slots[slot])
            if spanIDs[other] == span && traces[other] == trace { return Int32(other) }
            slot = (slot + 1) & mask
        }
        return nil
    }
}
