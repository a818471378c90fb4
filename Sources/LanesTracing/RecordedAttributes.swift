import Tracing

/// What a span has recorded of its attributes, kept so that a new set can tell its changed
/// values from the unchanged ones without hashing.
///
/// Frameworks set attributes a few at a time through `updateAttributes`, which reads the span's
/// attributes, changes some and sets them all back; only the changes are recorded again.
/// Looking every key up in the previous set costs a hash of the key and a copy of its value
/// each time. Instead, each recorded key sets one bit of a word, chosen by its length and first
/// byte (read without hashing), and the eighth of the slots that bit picks keeps the key and the
/// value last recorded for it. A key whose bit is clear is new; a key found in its slot is
/// compared by value (keys are mostly string literals, equal by their storage; values mostly
/// short strings or numbers, equal by their bits); only a key that lost its slot to another is
/// looked up in the previous set.
struct RecordedAttributes {
    private var bits: UInt64 = 0
    private var slots = InlineArray<8, (key: String, value: SpanAttribute)>(repeating: ("", .int64(0)))

    /// Whether `key` set to `value` is a change to record (false when that is what was recorded
    /// last). `previous` is the set before this one: it holds every key recorded and not removed
    /// since, with the value last recorded.
    mutating func change(_ key: String, to value: SpanAttribute, previous: SpanAttributes) -> Bool {
        let utf8 = key.utf8
        let summary = UInt64(truncatingIfNeeded: utf8.count) << 8 | UInt64(utf8.first ?? 0)
        let index = Int(truncatingIfNeeded: (summary &* 0x9E37_79B9_7F4A_7C15) >> 58)  // Fibonacci hashing
        let bit: UInt64 = 1 << UInt64(index)
        let slot = index & 7
        if bits & bit != 0 {
            if slots[slot].key == key {
                if slots[slot].value == value { return false }
                slots[slot].value = value
                return true
            }
            if previous.get(key) == value { return false }
        }
        bits |= bit
        slots[slot] = (key, value)
        return true
    }
}
